"""Choices of the facilities module; Chinese terms kept so that users recognise them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FacilityKind(models.TextChoices):
    """Every kind of facility the plans name."""

    INSTITUTION = "institution", _("care institution (养老机构)")
    STREET_COMPLEX = "street_complex", _("street care complex (街道养老服务综合体)")
    DAY_CARE = "day_care", _("community day-care centre (社区日间照料中心)")
    HOME_CARE_STATION = "home_care_station", _("home-care station (居家养老服务站/网点)")
    RURAL_WELFARE_HOME = "rural_welfare_home", _("rural welfare home (农村福利院)")
    TEKUN_FACILITY = "tekun_facility", _("extreme-poverty support facility (特困供养服务机构)")
    CANTEEN = "canteen", _("elder canteen / meal point (长者食堂/助餐点)")
    MEDICAL_PARTNER = "medical_partner", _("medical-care partner (医养结合机构)")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("public (公办)")
    PUBLIC_PRIVATE = "public_private", _("public-built, private-run (公建民营)")
    PRIVATE = "private", _("private (民办)")


class ProfitType(models.TextChoices):
    NON_PROFIT = "non_profit", _("non-profit (非营利)")
    FOR_PROFIT = "for_profit", _("for-profit (营利)")


class FacilityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPERATING = "operating", _("operating")
    SUSPENDED = "suspended", _("suspended")
    CLOSED = "closed", _("closed")


class MedicalForm(models.TextChoices):
    """医养结合 form."""

    ONSITE_CLINIC = "onsite_clinic", _("on-site clinic (内设医疗机构)")
    HOSPITAL_AGREEMENT = "hospital_agreement", _("agreement with a hospital (签约合作)")
    NONE = "none", _("none")


class FilingKind(models.TextChoices):
    INITIAL = "initial", _("initial filing (备案)")
    CHANGE = "change", _("change (变更备案)")
    CLOSURE = "closure", _("closure (注销备案)")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", pgettext_lazy("filing status", "accepted")
    RETURNED = "returned", _("returned for correction")


class LicenceKind(models.TextChoices):
    FIRE_SAFETY = "fire_safety", _("fire safety (消防)")
    FOOD = "food", _("food business (食品经营)")
    MEDICAL = "medical", _("medical practice (医疗机构执业)")
    REGISTRATION = "registration", _("legal registration (法人登记)")
    OTHER = "other", _("other")


class BedType(models.TextChoices):
    NURSING = "nursing", _("nursing bed (护理型)")
    DEMENTIA = "dementia", _("dementia bed (认知症)")
    ORDINARY = "ordinary", _("ordinary bed")


class BedState(models.TextChoices):
    FREE = "free", _("free")
    OCCUPIED = "occupied", _("occupied")
    RESERVED = "reserved", _("reserved")
    OUT_OF_SERVICE = "out_of_service", _("out of service")


class DischargeReason(models.TextChoices):
    HOME = "home", _("returned home")
    TRANSFER = "transfer", _("moved to another institution")
    HOSPITAL = "hospital", _("long hospital stay")
    DEATH = "death", _("death")
    CONTRACT_ENDED = "contract_ended", _("contract ended")
    OTHER = "other", _("other")


class SafetyRisk(models.TextChoices):
    """The nine risks of GB 38600-2019 (九防)."""

    CHOKING = "choking", _("choking (噎食)")
    MISINGESTION = "misingestion", _("food or medicine taken by mistake (食品药品误食)")
    PRESSURE_ULCER = "pressure_ulcer", _("pressure ulcer (压疮)")
    SCALD = "scald", _("scald (烫伤)")
    BED_FALL = "bed_fall", _("fall from bed (坠床)")
    FALL = "fall", _("fall (跌倒)")
    HARM = "harm", _("harm to others or self (他伤和自伤)")
    WANDERING = "wandering", _("wandering off (走失)")
    ACTIVITY = "activity", _("accident in recreation (文娱活动意外)")


class RiskLevel(models.TextChoices):
    NONE = "none", _("no risk")
    PROTECT = "protect", _("needs protection")
    HIGH = "high", _("high risk")


class IncidentKind(models.TextChoices):
    """安全事件: the nine risks as they happened, plus other events."""

    CHOKING = "choking", _("choking (噎食)")
    MISINGESTION = "misingestion", _("food or medicine taken by mistake (食品药品误食)")
    PRESSURE_ULCER = "pressure_ulcer", _("pressure ulcer (压疮)")
    SCALD = "scald", _("scald (烫伤)")
    BED_FALL = "bed_fall", _("fall from bed (坠床)")
    FALL = "fall", _("fall (跌倒)")
    HARM = "harm", _("harm to others or self (他伤和自伤)")
    WANDERING = "wandering", _("wandering off (走失)")
    ACTIVITY = "activity", _("accident in recreation (文娱活动意外)")
    OTHER = "other", _("other")


class Severity(models.TextChoices):
    MINOR = "minor", _("minor")
    SERIOUS = "serious", _("serious")
    GRAVE = "grave", _("grave (death or hospitalisation)")


class RatingStatus(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("self-assessment (自评)")
    SUBMITTED = "submitted", _("submitted for on-site review")
    REVIEWED = "reviewed", _("reviewed on site (现场评审)")
    PUBLISHED = "published", _("published (公示)")


class WantedBed(models.TextChoices):
    ANY = "any", _("any bed")
    NURSING = "nursing", _("nursing bed (护理型)")
    DEMENTIA = "dementia", _("dementia bed (认知症)")
    ORDINARY = "ordinary", _("ordinary bed")


class ApplicationStatus(models.TextChoices):
    WAITING = "waiting", _("waiting (轮候中)")
    OFFERED = "offered", _("bed offered")
    ADMITTED = "admitted", _("admitted")
    WITHDRAWN = "withdrawn", _("withdrawn")
    REMOVED = "removed", _("removed from the list")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.WAITING, ApplicationStatus.OFFERED)


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("bed offer status", "accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("timed out")
    WITHDRAWN = "withdrawn", _("withdrawn")


class PositionEvent(models.TextChoices):
    """Why a waitlist position changed; each is shown to the elder and the worker."""

    APPLIED = "applied", _("application registered")
    AHEAD_LEFT = "ahead_left", _("an applicant ahead was admitted, withdrew or was removed")
    JOINED_AHEAD = "joined_ahead", _("an applicant of a higher priority group joined")
    PRIORITY_CHANGED = "priority_changed", _("the applicant's priority group changed")
    OTHER_PRIORITY_CHANGED = "other_priority_changed", _("another applicant's priority group changed")
    LEFT = "left", _("left the list")
