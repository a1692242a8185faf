"""Choices of the time bank."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("volunteer")
    ELDER = "elder", _("elder")
    COMMUNITY_POOL = "community_pool", _("community pool")
    CITY_POOL = "city_pool", _("city pool")
    GUARANTEE_POOL = "guarantee_pool", _("guarantee pool")
    # System accounts: the counter-account of deposits and spends (its balance is minus the units in
    # circulation) and the account holding reserved units until a service settles or is cancelled.
    ISSUANCE = "issuance", _("issuance (city clearing)")
    HOLD = "hold", _("reserved units")


SYSTEM_KINDS = frozenset({AccountKind.ISSUANCE, AccountKind.HOLD})
POOL_KINDS = frozenset({AccountKind.COMMUNITY_POOL, AccountKind.CITY_POOL, AccountKind.GUARANTEE_POOL})
HOLDER_KINDS = frozenset(AccountKind) - SYSTEM_KINDS


class TransactionKind(models.TextChoices):
    DEPOSIT = "deposit", _("deposit for approved service")
    TRANSFER = "transfer", _("transfer to a relative")
    DONATION = "donation", _("donation to a pool")
    OVERFLOW = "overflow", _("units above the cap, donated")
    RESERVE = "reserve", _("reservation for a service")
    SETTLE = "settle", _("spend settled on completion")
    RELEASE = "release", _("reservation released")
    GUARANTEE_FUND = "guarantee_fund", _("guarantee pool funded by the city")
    GUARANTEE_HONOUR = "guarantee_honour", _("units honoured by the guarantee pool")
    REVERSAL = "reversal", _("reversal")


class ServiceType(models.TextChoices):
    COMPANIONSHIP = "companionship", _("companionship (精神慰藉)")
    CLEANING = "cleaning", _("cleaning (助洁)")
    MEAL = "meal", _("meal help (助餐)")
    ESCORT = "escort", _("escort to hospital (助医)")
    ERRAND = "errand", _("errands (代办)")
    CARE = "care", _("daily-life care (生活照料)")
    OTHER = "other", _("other")


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("time-bank request status", "open")
    TAKEN = "taken", _("taken")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done, awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed by the elder")
    APPROVED = "approved", _("approved")
    CANCELLED = "cancelled", _("cancelled")


class ReservationStatus(models.TextChoices):
    HELD = "held", _("held")
    SETTLED = "settled", _("settled")
    RELEASED = "released", _("released")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("spouse")
    PARENT = "parent", pgettext_lazy("family relation", "parent")
    CHILD = "child", _("child")
    GRANDPARENT = "grandparent", _("grandparent")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("sibling")
    OTHER = "other", _("other")


class ProxyKind(models.TextChoices):
    SELF = "self", _("the elder's own account")
    FAMILY = "family", _("family member")
    WORKER = "worker", _("community worker")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    LEFT = "left", _("left")


class Skill(models.TextChoices):
    CHAT = "chat", _("chatting and company")
    CLEANING = "cleaning", _("cleaning")
    COOKING = "cooking", _("cooking")
    NURSING = "nursing", _("basic nursing")
    DRIVING = "driving", _("driving")
    REPAIRS = "repairs", _("small repairs")
    DIGITAL = "digital", _("phones and the internet")
    LAW = "law", _("legal advice")
