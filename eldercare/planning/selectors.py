"""Reads of plan monitoring, always inside the caller's scope; dashboards read pre-aggregated rows only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel
from eldercare.core.scope import DataScope
from eldercare.core.selectors import city_profile, current_profile_code, policy_value
from eldercare.planning import rules
from eldercare.planning.choices import IndicatorKind, ValueSource
from eldercare.planning.models import (
    FundingEntry,
    Indicator,
    IndicatorValue,
    KeyCount,
    ManualEntry,
    OutboxMessage,
    Project,
    RefreshRun,
    Report,
)
from eldercare.planning.registry import computation, key_count_labels

TREND_MONTHS = 12


def access_dashboard_division(*, scope: DataScope, code: str) -> Division:
    """A city, district or street inside the caller's scope (ancestors are not enough): else 404."""
    division = Division.objects.filter(code=code).select_related("parent").first()
    if (
        division is None
        or not scope.covers_division(code)
        or not DivisionLevel.CITY <= division.level <= DivisionLevel.STREET
    ):
        raise Http404("No such division.")
    return division


def home_division_code(*, scope: DataScope, user_division: str | None) -> str:
    """Where a caller's dashboard opens: their own division, cut to street level; the city for the system."""
    if user_division:
        return user_division[: CODE_LENGTH[DivisionLevel.STREET]]
    profile = city_profile()
    if profile is None:
        raise Http404("No city profile.")
    return profile.division_id


def indicator_list(*, profile_code: str | None = None) -> QuerySet[Indicator]:
    """The city's indicators; on first use (before any refresh) they are synced from the policy."""
    profile_code = profile_code or current_profile_code()
    qs = Indicator.objects.filter(profile_code=profile_code).order_by("kind", "position", "code")
    if not qs.exists():
        from eldercare.planning.services import indicators_sync

        indicators_sync(profile_code=profile_code)
    return qs


def access_indicator(*, code: str) -> Indicator:
    indicator = indicator_list().filter(code=code).first()
    if indicator is None:
        raise Http404("No such indicator.")
    return indicator


def last_refresh() -> RefreshRun | None:
    return RefreshRun.objects.filter(ok=True).order_by("-finished_at").first()


def latest_month() -> date:
    """The newest month with aggregates (else this month)."""
    month = IndicatorValue.objects.order_by("-month").values_list("month", flat=True).first()
    return month or timezone.localdate().replace(day=1)


def amber_band(on: date) -> float:
    return float(
        policy_value("planning.rag", on=on, default={"amber_band": 0.10}).value.get("amber_band", 0.10)
    )


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: IndicatorValue | None
    assessment: rules.Assessment
    trend: list[dict[str, Any]]
    computed: bool

    @property
    def is_manual(self) -> bool:
        return not self.computed


@dataclass
class KeyRow:
    key: str
    label: str
    unit: str
    value: float
    previous: float | None


@dataclass
class Dashboard:
    division: Division
    month: date
    as_of: date
    rows: list[IndicatorRow]
    supplementary: list[IndicatorRow]
    keys: list[KeyRow]
    children: list[Division]
    breadcrumbs: list[Division]
    refreshed: RefreshRun | None
    months: list[date] = field(default_factory=list)


def dashboard(*, scope: DataScope, code: str, month: date | None = None) -> Dashboard:
    """Everything a dashboard shows for one division and month, in a fixed number of queries."""
    division = access_dashboard_division(scope=scope, code=code)
    month = rules.month_start(month or latest_month())
    as_of = min(rules.month_end(month), timezone.localdate())
    indicators = list(indicator_list())
    months = rules.months_back(month, TREND_MONTHS)
    values: dict[int, dict[date, IndicatorValue]] = defaultdict(dict)
    for v in IndicatorValue.objects.filter(division_id=code, month__in=months).select_related("manual_entry"):
        values[v.indicator_id][v.month] = v
    firsts = _first_observed(code, [i.pk for i in indicators if not i.base])
    band = amber_band(as_of)
    rows = []
    for indicator in indicators:
        current = values[indicator.pk].get(month)
        value = current.value if current else None
        rows.append(
            IndicatorRow(
                indicator=indicator,
                value=current,
                assessment=rules.assess(
                    direction=indicator.direction,
                    base=indicator.base,
                    targets=indicator.targets,
                    value=value,
                    on=as_of,
                    amber_band=band,
                    first_observed=firsts.get(indicator.pk),
                ),
                trend=[
                    {"month": m.strftime("%Y-%m"), "value": _round(values[indicator.pk][m].value)}
                    for m in months
                    if m in values[indicator.pk] and values[indicator.pk][m].source != ValueSource.MISSING
                ],
                computed=computation(indicator.computation_key) is not None,
            )
        )
    labels = key_count_labels()
    previous_month = rules.months_back(month, 2)[0]
    counts: dict[str, dict[date, float]] = defaultdict(dict)
    for key, m, amount in KeyCount.objects.filter(
        division_id=code, month__in=[month, previous_month]
    ).values_list("key", "month", "value"):
        counts[key][m] = amount
    keys = [
        KeyRow(key=k, label=label, unit=unit, value=counts[k][month], previous=counts[k].get(previous_month))
        for k, (label, unit) in labels.items()
        if month in counts.get(k, {})
    ]
    children = (
        list(Division.objects.filter(parent_id=code).order_by("code"))
        if division.level < DivisionLevel.STREET
        else []
    )
    ancestors = [c for c in division.ancestor_codes() if len(c) >= CODE_LENGTH[DivisionLevel.CITY]]
    crumbs = [
        d
        for d in Division.objects.filter(code__in=ancestors).order_by("code")
        if scope.covers_division(d.code)
    ]
    return Dashboard(
        division=division,
        month=month,
        as_of=as_of,
        rows=[r for r in rows if r.indicator.kind == IndicatorKind.PLAN],
        supplementary=[r for r in rows if r.indicator.kind == IndicatorKind.SUPPLEMENTARY],
        keys=keys,
        children=children,
        breadcrumbs=crumbs,
        refreshed=last_refresh(),
        months=months,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _first_observed(code: str, indicator_ids: list[int]) -> dict[int, rules.PathPoint]:
    """For indicators without a plan base: the first month with a value in this division (two queries)."""
    if not indicator_ids:
        return {}
    firsts = dict(
        IndicatorValue.objects.filter(division_id=code, indicator_id__in=indicator_ids, value__isnull=False)
        .values("indicator_id")
        .annotate(first=Min("month"))
        .values_list("indicator_id", "first")
        .order_by()
    )
    if not firsts:
        return {}
    q = Q()
    for indicator_id, month in firsts.items():
        q |= Q(indicator_id=indicator_id, month=month)
    return {
        v.indicator_id: rules.PathPoint(v.as_of, float(v.value))
        for v in IndicatorValue.objects.filter(q, division_id=code).only("indicator_id", "as_of", "value")
        if v.value is not None
    }


def child_values(
    *, scope: DataScope, parent: Division, month: date, indicator: Indicator | None = None, key: str = ""
) -> dict[str, float | None]:
    """One indicator's (or key count's) value in each child division of `parent`, for the map."""
    children = Division.objects.filter(parent_id=parent.code).values_list("code", flat=True)
    if indicator is not None:
        qs = IndicatorValue.objects.for_scope(scope).filter(
            indicator=indicator, division_id__in=children, month=month
        )
        return dict(qs.values_list("division_id", "value"))
    qs2 = KeyCount.objects.for_scope(scope).filter(key=key, division_id__in=children, month=month)
    return dict(qs2.values_list("division_id", "value"))


def street_centroids(district_code: str) -> dict[str, tuple[float, float]]:
    """Mean position of each street's communities (synthetic points, see core/data/README.md)."""
    rows = (
        Division.objects.filter(
            code__startswith=district_code, level=DivisionLevel.COMMUNITY, lon__isnull=False
        )
        .values("parent_id")
        .annotate(lon=Avg("lon"), lat=Avg("lat"))
        .order_by()
    )
    return {r["parent_id"]: (round(r["lon"], 5), round(r["lat"], 5)) for r in rows}


def indicator_series(
    *, scope: DataScope, indicator: Indicator, code: str, months: int = 24
) -> list[IndicatorValue]:
    access_dashboard_division(scope=scope, code=code)
    return list(
        IndicatorValue.objects.filter(indicator=indicator, division_id=code)
        .order_by("-month")[:months]
        .select_related("manual_entry")
    )[::-1]


def values_on(*, scope: DataScope, code: str, on: date) -> list[IndicatorValue]:
    """Every indicator's value in one division for the month holding `on`."""
    access_dashboard_division(scope=scope, code=code)
    return list(
        IndicatorValue.objects.filter(division_id=code, month=rules.month_start(on))
        .select_related("indicator")
        .order_by("indicator__kind", "indicator__position")
    )


def manual_entries(*, scope: DataScope, indicator: Indicator, code: str = "") -> QuerySet[ManualEntry]:
    qs = ManualEntry.objects.for_scope(scope).filter(indicator=indicator)
    if code:
        qs = qs.filter(division_id=code)
    return qs.select_related("division", "entered_by").order_by("-period", "-id")


def access_manual_entry(*, scope: DataScope, entry_id: int) -> ManualEntry:
    entry = ManualEntry.objects.for_scope(scope).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry.")
    return entry


# ---- projects and funds ---------------------------------------------------------------------------
def project_list(*, scope: DataScope) -> QuerySet[Project]:
    """Projects in scope; city-wide programmes (division = city) are shown to everyone in the city."""
    profile = current_profile_code()
    q = scope.filter_q(Project)
    city = city_profile()
    if city is not None and not scope.is_empty:
        q |= Q(division_id=city.division_id)
    return Project.objects.filter(q, profile_code=profile).select_related("division").order_by("seq")


def access_project(*, scope: DataScope, project_id: int) -> Project:
    project = project_list(scope=scope).filter(pk=project_id).first()
    if project is None:
        raise Http404("No such project.")
    return project


@dataclass(frozen=True, slots=True)
class FundingRow:
    entry: FundingEntry
    share_pct: float | None
    min_share_pct: float | None
    met: bool | None


def funding_rows(*, scope: DataScope) -> list[FundingRow]:
    entries = (
        FundingEntry.objects.for_scope(scope)
        .select_related("division", "entered_by")
        .order_by("-year", "division_id", "-id")
    )
    out = []
    for entry in entries:
        policy = policy_value("plan.funding", on=date(entry.year, 12, 31), default=[]).value
        minimum = float(policy[0]["min_share_pct"]) if policy else None
        share = entry.share_pct
        out.append(
            FundingRow(
                entry=entry,
                share_pct=share,
                min_share_pct=minimum,
                met=None if share is None or minimum is None else share >= minimum,
            )
        )
    return out


# ---- reports and exchange ------------------------------------------------------------------------
def report_list(*, scope: DataScope) -> QuerySet[Report]:
    return Report.objects.for_scope(scope).select_related("division", "requested_by").defer("xlsx", "pdf")


def access_report(*, scope: DataScope, report_id: int) -> Report:
    report = Report.objects.for_scope(scope).filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report.")
    return report


def outbox(*, scope: DataScope) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.for_scope(scope).defer("payload").select_related("division")


def access_outbox_message(*, scope: DataScope, message_id: int) -> OutboxMessage:
    message = OutboxMessage.objects.for_scope(scope).filter(pk=message_id).first()
    if message is None:
        raise Http404("No such message.")
    return message
