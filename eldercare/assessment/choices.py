"""Enumerations of the ability assessment (A.1 评估原因 and the workflow states)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentReason(models.TextChoices):
    """GB/T 42195-2022 A.1 评估原因."""

    FIRST = "first", _("First assessment")  # 首次评估
    REGULAR = "regular", _("Regular reassessment")  # 常规评估
    IMMEDIATE = "immediate", _("Immediate reassessment (change of condition)")  # 即时评估
    APPEAL = "appeal", _("Appeal against a result")  # 因对评估结果有疑问进行的复评
    OTHER = "other", _("Other")  # 其他


class Requester(models.TextChoices):
    ELDER = "elder", _("The elder")
    FAMILY = "family", _("Family")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    INSTITUTION = "institution", _("Care institution")
    SYSTEM = "system", _("The platform (automatic)")


class Trigger(models.TextChoices):
    MANUAL = "manual", _("Requested by a person")
    EXPIRY = "expiry", _("Result expired")
    HOSPITAL_DISCHARGE = "hospital_discharge", _("Hospital discharge")
    FALL_ALARM = "fall_alarm", _("Fall alarm")
    RISK_EVENT = "risk_event", _("Other care-risk event")
    QUALITY_CHECK = "quality_check", _("Quality-control recheck")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a visit")
    SCHEDULED = "scheduled", _("Visit scheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Purpose(models.TextChoices):
    STANDARD = "standard", _("Assessment")
    APPEAL = "appeal", _("Appeal (复评)")
    QUALITY_CHECK = "quality_check", _("Quality-control recheck")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for review")
    RETURNED = "returned", _("Returned by the reviewer")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class AssessmentSource(models.TextChoices):
    PLATFORM = "platform", _("Assessed on the platform")
    DEMO = "demo", _("Demo data")
    MIGRATED = "migrated", _("Taken over from the previous assessment system")


class Relation(models.TextChoices):
    """What an assessor declares about their relation to the elder before the visit."""

    NONE = "none", _("No relation")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child or child-in-law")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER_RELATIVE = "other_relative", _("Other relative")


class ReminderKind(models.TextChoices):
    EXPIRING = "expiring", _("Result expires soon")
    EXPIRED = "expired", _("Result expired")
