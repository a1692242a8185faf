"""Reads of the ability assessment, limited to the caller's scope; `current_level` is for other modules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.assessment import instruments, rules
from eldercare.assessment.choices import AssessmentStatus, Purpose, RequestStatus
from eldercare.assessment.models import (
    CURRENT_PURPOSES,
    Assessment,
    AssessmentReminder,
    AssessmentRequest,
    AssessorCertification,
    Instrument,
)
from eldercare.assessment.policy_keys import AdjustmentSettings, QualityControlSettings, ValiditySettings
from eldercare.core.exceptions import DomainError
from eldercare.core.scope import DataScope
from eldercare.core.selectors import policy_value
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder

_DEFINITIONS: dict[tuple[int, str], rules.Instrument] = {}


# ---- instruments and policy --------------------------------------------------------------------
def instrument_row(code: str | None = None, *, version: int | None = None) -> Instrument:
    """The instrument version to use (the current one of `code`, GB/T 42195-2022 by default)."""
    qs = Instrument.objects.filter(code=code or instruments.GBT_42195)
    row = qs.filter(version=version).first() if version is not None else qs.filter(is_current=True).first()
    if row is None:
        raise DomainError(
            "instrument_unknown",
            f"No instrument {code or instruments.GBT_42195!r} is loaded (run manage.py load_instruments).",
            {"known": sorted(set(Instrument.objects.values_list("code", flat=True)))},
            status=422,
        )
    return row


def instrument_definition(row: Instrument) -> rules.Instrument:
    """The parsed definition of a stored instrument version (cached per process by checksum)."""
    key = (row.pk, row.checksum)
    if key not in _DEFINITIONS:
        _DEFINITIONS[key] = instruments.parse_instrument(row.definition)
    return _DEFINITIONS[key]


@dataclass(frozen=True, slots=True)
class PolicySet:
    adjustments: rules.AdjustmentPolicy
    validity: ValiditySettings
    quality: QualityControlSettings
    version_ids: dict[str, int]


def assessment_policies(on: date | None = None) -> PolicySet:
    """The city's assessment policies in force on `on`; defaults (version 0) where none is seeded."""
    adj = policy_value("assessment.adjustments", on=on, default=AdjustmentSettings().model_dump())
    val = policy_value("assessment.validity", on=on, default=ValiditySettings().model_dump())
    qc = policy_value("assessment.quality_control", on=on, default=QualityControlSettings().model_dump())
    settings = AdjustmentSettings(**adj.value)
    return PolicySet(
        adjustments=rules.AdjustmentPolicy(
            stack_raises=settings.stack_raises,
            risk_events_counting=settings.risk_events_counting,
            risk_events_threshold=settings.risk_events_threshold,
        ),
        validity=ValiditySettings(**val.value),
        quality=QualityControlSettings(**qc.value),
        version_ids={p.key: p.version_id for p in (adj, val, qc)},
    )


# ---- assessors ---------------------------------------------------------------------------------
def _certified_q(on: date) -> Q:
    return Q(
        assessor_certifications__valid_from__lte=on,
        assessor_certifications__revoked_at__isnull=True,
    ) & (Q(assessor_certifications__valid_to__isnull=True) | Q(assessor_certifications__valid_to__gte=on))


def assessor_is_certified(user: Any, *, on: date) -> bool:
    """Holds a valid assessor certificate on `on` (the workforce registry will answer this later)."""
    if user is None or getattr(user, "role", None) != Role.ASSESSOR:
        return False
    return User.objects.filter(_certified_q(on), pk=user.pk, is_active=True).exists()


def certified_assessors(*, scope: DataScope, on: date) -> QuerySet[User]:
    """Active, certified assessors whose own area lies inside the caller's scope or contains it."""
    qs = User.objects.filter(_certified_q(on), role=Role.ASSESSOR, is_active=True).distinct()
    if not scope.unrestricted:
        area = Q(pk__in=[])
        for code in scope.division_codes:
            area |= Q(division__code__startswith=code) | Q(division_id__in=[code[:n] for n in (2, 4, 6, 9)])
        qs = qs.filter(area)
    return qs.order_by("display_name", "username")


def certification_list(*, scope: DataScope) -> QuerySet[AssessorCertification]:
    return (
        AssessorCertification.objects.for_scope(scope)
        .select_related("user")
        .order_by("user__username", "-valid_from")
    )


# ---- requests and assessments ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AssessmentFilter:
    elder_id: int | None = None
    status: str = ""
    purpose: str = ""
    level: int | None = None
    division_code: str = ""
    assessor_id: int | None = None


def assessment_list(*, scope: DataScope, filters: AssessmentFilter | None = None) -> QuerySet[Assessment]:
    f = filters or AssessmentFilter()
    qs = Assessment.objects.for_scope(scope)
    if f.elder_id is not None:
        qs = qs.filter(elder_id=f.elder_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.purpose:
        qs = qs.filter(purpose=f.purpose)
    if f.level is not None:
        qs = qs.filter(level=f.level)
    if f.division_code:
        qs = qs.filter(elder__residence_division__code__startswith=f.division_code)
    if f.assessor_id is not None:
        qs = qs.filter(Q(assessor_1_id=f.assessor_id) | Q(assessor_2_id=f.assessor_id))
    return qs.select_related("elder", "instrument", "assessor_1", "assessor_2").order_by("-created_at", "-id")


def access_assessment(*, scope: DataScope, assessment_id: int) -> Assessment:
    row = (
        Assessment.objects.for_scope(scope)
        .select_related(
            "elder", "elder__residence_division", "instrument", "assessor_1", "assessor_2", "request"
        )
        .filter(pk=assessment_id)
        .first()
    )
    if row is None:
        raise Http404("No such assessment.")
    return row


def request_list(*, scope: DataScope, open_only: bool = False) -> QuerySet[AssessmentRequest]:
    qs = AssessmentRequest.objects.for_scope(scope)
    if open_only:
        qs = qs.filter(status__in=[RequestStatus.OPEN, RequestStatus.SCHEDULED])
    return qs.select_related("elder").prefetch_related("assignments__assessor").order_by("-created_at", "-id")


def access_request(*, scope: DataScope, request_id: int) -> AssessmentRequest:
    row = (
        AssessmentRequest.objects.for_scope(scope)
        .select_related("elder", "related_assessment")
        .prefetch_related("assignments__assessor")
        .filter(pk=request_id)
        .first()
    )
    if row is None:
        raise Http404("No such request.")
    return row


def elder_history(*, elder: Elder) -> list[Assessment]:
    """Every assessment of an elder (the caller has already checked the elder's scope), newest first by
    assessment date (results taken over from the previous system are recorded after newer ones)."""
    return list(
        Assessment.objects.filter(elder=elder)
        .select_related("instrument", "assessor_1", "assessor_2", "reviewed_by")
        .order_by(F("assessed_on").desc(nulls_first=True), "-created_at", "-id")
    )


# ---- the elder's level, for other modules ------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CurrentLevel:
    """The elder's published ability level (the result other modules use for eligibility)."""

    assessment_id: int
    instrument: str
    level: int
    level_name: str
    assessed_on: date | None
    valid_until: date | None
    expired: bool


def _current_qs() -> QuerySet[Assessment]:
    return Assessment.objects.filter(status=AssessmentStatus.PUBLISHED, purpose__in=list(CURRENT_PURPOSES))


def _as_current(row: dict[str, Any], on: date) -> CurrentLevel:
    return CurrentLevel(
        assessment_id=row["id"],
        instrument=row["instrument__code"],
        level=row["level"],
        level_name=row["level_name"],
        assessed_on=row["assessed_on"],
        valid_until=row["valid_until"],
        expired=row["valid_until"] is not None and row["valid_until"] < on,
    )


_CURRENT_FIELDS = ("id", "elder_id", "instrument__code", "level", "level_name", "assessed_on", "valid_until")


def current_level(elder: Elder | int, *, on: date | None = None) -> CurrentLevel | None:
    """The published level of one elder (None if never assessed); `expired` says whether it still holds.

    The caller is responsible for the elder's scope (pass an elder from `access_elder`). One query.
    """
    elder_id = elder if isinstance(elder, int) else elder.pk
    row = _current_qs().filter(elder_id=elder_id).values(*_CURRENT_FIELDS).first()
    return _as_current(row, on or timezone.localdate()) if row else None


def current_levels(elder_ids: Iterable[int], *, on: date | None = None) -> dict[int, CurrentLevel]:
    """Published levels of many elders in one query (for lists and eligibility runs)."""
    today = on or timezone.localdate()
    rows = _current_qs().filter(elder_id__in=list(elder_ids)).values(*_CURRENT_FIELDS)
    return {row["elder_id"]: _as_current(row, today) for row in rows}


# ---- reminders ---------------------------------------------------------------------------------
def reminder_list(*, scope: DataScope, open_only: bool = True) -> QuerySet[AssessmentReminder]:
    qs = AssessmentReminder.objects.for_scope(scope)
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    return qs.select_related("assessment", "assessment__elder").order_by("due_on", "id")


# ---- statistics --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DivisionCounts:
    code: str
    elders: int
    assessed: int
    expired: int
    by_level: dict[int, int]


@dataclass(frozen=True, slots=True)
class AssessmentStatistics:
    on: date
    elders: int
    assessed: int
    expired: int
    by_level: dict[int, int]
    by_division: list[DivisionCounts]

    @property
    def share_assessed(self) -> float:
        return self.assessed / self.elders if self.elders else 0.0

    @property
    def share_expired(self) -> float:
        """Expired results as a share of the elders with a result."""
        return self.expired / self.assessed if self.assessed else 0.0


def assessment_statistics(
    *, scope: DataScope, on: date, division_code: str = "", child_code_length: int = 6
) -> AssessmentStatistics:
    """Counts by level and by child division, share assessed and share expired (three grouped queries).

    Dashboards at city scale should read these from a table refreshed by a task; this is the query such a
    task runs.
    """
    elders = Elder.objects.for_scope(scope).filter(status=ElderStatus.ACTIVE)
    current = _current_qs().filter(elder__in=elders, level__isnull=False)
    if division_code:
        elders = elders.filter(residence_division__code__startswith=division_code)
        current = current.filter(elder__residence_division__code__startswith=division_code)
    child = Substr("elder__residence_division_id", 1, child_code_length)
    elder_rows = (
        elders.annotate(child=Substr("residence_division_id", 1, child_code_length))
        .values("child")
        .annotate(n=Count("id"))
        .order_by("child")
    )
    level_rows = (
        current.annotate(child=child)
        .values("child", "level")
        .annotate(n=Count("id"), expired=Count("id", filter=Q(valid_until__lt=on)))
        .order_by("child", "level")
    )
    per_division: dict[str, dict[str, Any]] = defaultdict(lambda: {"elders": 0, "expired": 0, "levels": {}})
    for row in elder_rows:
        per_division[row["child"]]["elders"] = row["n"]
    by_level: dict[int, int] = defaultdict(int)
    expired_total = 0
    for row in level_rows:
        entry = per_division[row["child"]]
        entry["levels"][row["level"]] = row["n"]
        entry["expired"] += row["expired"]
        by_level[row["level"] or 0] += row["n"]
        expired_total += row["expired"]
    divisions = [
        DivisionCounts(
            code=code,
            elders=entry["elders"],
            assessed=sum(entry["levels"].values()),
            expired=entry["expired"],
            by_level=dict(sorted(entry["levels"].items())),
        )
        for code, entry in sorted(per_division.items())
    ]
    return AssessmentStatistics(
        on=on,
        elders=sum(d.elders for d in divisions),
        assessed=sum(by_level.values()),
        expired=expired_total,
        by_level=dict(sorted(by_level.items())),
        by_division=divisions,
    )


# ---- quality control ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Agreement:
    key: str  # an item code or an assessor id
    label: str
    compared: int
    agreed: int

    @property
    def rate(self) -> float:
        return self.agreed / self.compared if self.compared else 0.0


@dataclass(frozen=True, slots=True)
class AgreementReport:
    pairs: int
    level_agreed: int
    by_item: list[Agreement]
    by_assessor: list[Agreement]

    @property
    def level_rate(self) -> float:
        return self.level_agreed / self.pairs if self.pairs else 0.0


def agreement_statistics(*, scope: DataScope, since: date | None = None) -> AgreementReport:
    """Agreement between published assessments and their quality-control recheck by a second team.

    Per item: the share of pairs where both teams gave the same score. Per assessor of the original team:
    the share of their rechecked assessments whose final level the second team confirmed.
    """
    checks = Assessment.objects.for_scope(scope).filter(
        purpose=Purpose.QUALITY_CHECK,
        status=AssessmentStatus.PUBLISHED,
        request__related_assessment__isnull=False,
    )
    if since is not None:
        checks = checks.filter(published_at__date__gte=since)
    pairs = list(
        checks.values(
            "answers",
            "level",
            "request__related_assessment__answers",
            "request__related_assessment__level",
            "request__related_assessment__instrument_id",
            "instrument_id",
            "request__related_assessment__assessor_1_id",
            "request__related_assessment__assessor_2_id",
        )
    )
    item_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    assessor_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    level_agreed = compared = 0
    for p in pairs:
        if p["instrument_id"] != p["request__related_assessment__instrument_id"]:
            continue  # scores are never compared across instruments
        compared += 1
        same_level = p["level"] == p["request__related_assessment__level"]
        level_agreed += same_level
        original = p["request__related_assessment__answers"] or {}
        for code, value in (p["answers"] or {}).items():
            if code in original:
                item_counts[code][0] += 1
                item_counts[code][1] += value == original[code]
        for key in (
            "request__related_assessment__assessor_1_id",
            "request__related_assessment__assessor_2_id",
        ):
            assessor_counts[p[key]][0] += 1
            assessor_counts[p[key]][1] += same_level
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=list(assessor_counts))}
    return AgreementReport(
        pairs=compared,
        level_agreed=level_agreed,
        by_item=[Agreement(code, code, n, a) for code, (n, a) in sorted(item_counts.items())],
        by_assessor=[
            Agreement(str(pk), names.get(pk, str(pk)), n, a) for pk, (n, a) in sorted(assessor_counts.items())
        ],
    )


@dataclass(frozen=True, slots=True)
class Workload:
    assessor_id: int
    name: str
    certified: bool
    drafts: int
    submitted: int
    published: int


def assessor_workload(*, scope: DataScope, since: date, on: date) -> list[Workload]:
    """Assessments per certified assessor in the caller's area since `since` (two grouped queries)."""
    assessors = list(certified_assessors(scope=scope, on=on))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Assessment.objects.for_scope(scope)
        .filter(created_at__date__gte=since)
        .values("assessor_1_id", "assessor_2_id", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        for key in ("assessor_1_id", "assessor_2_id"):
            counts[row[key]][row["status"]] += row["n"]
    return [
        Workload(
            assessor_id=a.pk,
            name=str(a),
            certified=True,
            drafts=counts[a.pk][AssessmentStatus.DRAFT],
            submitted=counts[a.pk][AssessmentStatus.SUBMITTED],
            published=counts[a.pk][AssessmentStatus.PUBLISHED] + counts[a.pk][AssessmentStatus.SUPERSEDED],
        )
        for a in assessors
    ]
