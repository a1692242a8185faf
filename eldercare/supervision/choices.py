"""Choices of supervision (监管): campaigns, inspections, findings, rectification, complaints."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    DRAWN = "drawn", _("drawn")
    PUBLISHED = "published", _("published")
    CLOSED = "closed", _("closed")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("inspection status", "planned")
    DONE = "done", _("done")


class ItemResult(models.TextChoices):
    PASS = "pass", _("meets")
    FAIL = "fail", _("does not meet")
    NA = "na", _("not applicable")


class Severity(models.TextChoices):
    MINOR = "minor", _("minor")
    MAJOR = "major", _("major")
    CRITICAL = "critical", _("critical")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed by re-inspection")


class ConflictKind(models.TextChoices):
    EMPLOYED = "employed", _("employed there (now or before)")
    RELATIVE = "relative", _("a relative works there")
    FINANCIAL = "financial", _("financial interest")
    OTHER = "other", _("other")


class ComplaintChannel(models.TextChoices):
    PORTAL = "portal", _("portal")
    HOTLINE = "hotline", _("hotline")
    PUBLIC = "public", _("public page")


class ComplaintSubject(models.TextChoices):
    SERVICE_QUALITY = "service_quality", _("service quality")
    SAFETY = "safety", _("safety")
    ABUSE = "abuse", _("abuse or neglect (欺老虐老)")
    FEES = "fees", _("fees and charges")
    FOOD = "food", _("food")
    STAFF_CONDUCT = "staff_conduct", _("staff conduct")
    SUBSIDY = "subsidy", _("subsidies and benefits")
    OTHER = "other", _("other")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ANSWERED = "answered", pgettext_lazy("complaint status", "answered")
    CLOSED = "closed", _("closed")


class ComplaintEventKind(models.TextChoices):
    RECEIVED = "received", _("received")
    ROUTED = "routed", _("routed")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ESCALATED = "escalated", _("escalated")
    ANSWERED = "answered", pgettext_lazy("complaint status", "answered")
    CLOSED = "closed", _("closed")
