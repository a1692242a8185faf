"""Choices of home and community services (居家和社区养老服务)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProviderKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise (企业)")
    SOCIAL_ORGANISATION = "social_organisation", _("social organisation (社会组织)")


class ServiceType(models.TextChoices):
    """The service catalogue's types (domain.md §4)."""

    MEAL = "meal", _("meal help (助餐)")
    CLEANING = "cleaning", _("cleaning (助洁)")
    BATHING = "bathing", _("bathing (助浴)")
    WALKING = "walking", _("walking and escort (助行)")
    MEDICAL = "medical", _("medical help (助医)")
    TELECARE = "telecare", _("telecare (远程照护)")
    REHAB = "rehab", _("rehabilitation (康复)")
    COMPANIONSHIP = "companionship", _("emotional support (精神慰藉)")
    CARE = "care", _("daily-life care (生活照料)")


class Skill(models.TextChoices):
    """Skills a worker holds; a catalogue item may require one."""

    MEAL = "meal", _("meal delivery")
    CLEANING = "cleaning", _("housekeeping")
    BATHING = "bathing", _("bathing")
    NURSING = "nursing", _("nursing care (养老护理员)")
    REHAB = "rehab", _("rehabilitation")
    MEDICAL_ESCORT = "medical_escort", _("medical escort")
    COUNSELLING = "counselling", _("counselling")
    DEVICE = "device", _("device installation")


class OrderStatus(models.TextChoices):
    """服务工单状态: requested → assigned → on the way → in service → completed → verified → settled."""

    REQUESTED = "requested", _("requested")
    ASSIGNED = "assigned", _("assigned")
    ON_THE_WAY = "on_the_way", _("on the way")
    IN_SERVICE = "in_service", _("in service")
    COMPLETED = "completed", _("completed")
    VERIFIED = "verified", _("verified")
    SETTLED = "settled", _("settled")
    CANCELLED = "cancelled", _("cancelled")
    FAILED = "failed", _("failed")


OPEN_STATUSES = frozenset(
    {OrderStatus.REQUESTED, OrderStatus.ASSIGNED, OrderStatus.ON_THE_WAY, OrderStatus.IN_SERVICE}
)
LIVE_STATUSES = frozenset(OrderStatus) - {OrderStatus.CANCELLED, OrderStatus.FAILED}


class OrderSource(models.TextChoices):
    PORTAL = "portal", _("elder or family (portal)")
    COMMUNITY = "community", _("community worker")
    EMERGENCY = "emergency", _("emergency centre")
    CARE_PLAN = "care_plan", _("care plan (recurring)")
    REFERRAL = "referral", _("referral (visit follow-up)")
    PROVIDER = "provider", _("provider")


class Flag(models.TextChoices):
    """Suspicious patterns: a flagged order is not paid until an officer clears it."""

    FAR_CHECK_IN = "far_check_in", _("check-in far from the elder's address")
    FAR_CHECK_OUT = "far_check_out", _("check-out far from the elder's address")
    NO_LOCATION = "no_location", _("check-in without a location")
    SHORT_DURATION = "short_duration", _("duration far below the catalogue")
    WORKER_OVERLAP = "worker_overlap", _("the worker was serving another order at the same time")
    ELDER_DOUBLE = "elder_double", _("the elder was served twice at the same time")
    CALLBACK_DENIED = "callback_denied", _("the call-back says the service did not happen")


class ConfirmedBy(models.TextChoices):
    ELDER = "elder", _("elder (code)")
    FAMILY = "family", _("family (code)")
    PORTAL = "portal", _("portal")


class FlagDecision(models.TextChoices):
    CLEAR = "clear", _("cleared: pay")
    REJECT = "reject", _("rejected: do not pay")


class LineKind(models.TextChoices):
    ORDER = "order", _("verified order")
    CORRECTION = "correction", _("correction")


class MealKind(models.TextChoices):
    BREAKFAST = "breakfast", _("breakfast")
    LUNCH = "lunch", _("lunch")
    DINNER = "dinner", _("dinner")


class MealMode(models.TextChoices):
    DINE_IN = "dine_in", _("dine-in (堂食)")
    PICK_UP = "pick_up", _("pick-up (自取)")
    DELIVERY = "delivery", _("delivery (送餐)")


class MealGroup(models.TextChoices):
    """Subsidy groups of the meal policy (domain-reference §8.3)."""

    HARDSHIP = "hardship", _("in hardship (特困/低保/低收入/优抚)")
    AGE_80 = "age_80", _("aged 80 or over")
    AGE_60 = "age_60", _("aged 60–79")
    NONE = "none", _("no subsidy")


class IdentifiedBy(models.TextChoices):
    ID_NUMBER = "id_number", _("resident ID")
    PHONE = "phone", _("phone number")
    MEAL_CARD = "meal_card", _("meal card")


class InspectionResult(models.TextChoices):
    PASS = "pass", _("pass")
    RECTIFY = "rectify", _("rectify by deadline")
    FAIL = "fail", _("fail: suspended")


class BedStatus(models.TextChoices):
    """家庭养老床位: application → home assessment → contract → active → ended."""

    APPLIED = "applied", _("applied")
    ASSESSED = "assessed", _("home assessed")
    CONTRACTED = "contracted", _("contracted")
    ACTIVE = "active", _("in service")
    ENDED = "ended", _("ended")
    REJECTED = "rejected", _("rejected")


class AdaptationStatus(models.TextChoices):
    """适老化改造: application → survey → plan → works → acceptance → subsidy."""

    APPLIED = "applied", _("applied")
    SURVEYED = "surveyed", _("surveyed")
    PLANNED = "planned", _("plan approved")
    IN_WORKS = "in_works", _("works under way")
    ACCEPTED = "accepted", pgettext_lazy("home adaptation stage", "accepted")
    SUBSIDISED = "subsidised", _("subsidy paid")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


ADAPTATION_DONE = frozenset({AdaptationStatus.ACCEPTED, AdaptationStatus.SUBSIDISED})

# Statuses whose orders count as paid or payable in a provider's statement.
STATEMENT_PAID = frozenset({OrderStatus.VERIFIED, OrderStatus.SETTLED})
