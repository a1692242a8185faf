"""Pure decisions of the visits module (探访关爱): tiers, plan dates, assignment, walking route, findings
and the monthly visit rate. No Django here: plain data in, plain data out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

TIERS = ("high_risk", "key", "general")
CHECK_ITEMS = ("health", "mood", "home_safety", "food", "heating_cooling", "medicines", "needs")
CHECK_LEVELS = ("ok", "concern", "risk")
METHODS = ("in_person", "phone", "video")
OUTCOMES = ("visited", "not_found")
FOLLOW_UP_KINDS = (
    "home_care",
    "reassessment",
    "emergency_device",
    "contact_family",
    "medical",
    "home_adaptation",
    "locate",
    "other",
)
# The follow-up a 'risk' on a checklist item calls for when the visitor picked none (domain §5: a risk
# finding creates follow-up; the local checklist example pairs each dimension with 转介/救援).
FOLLOW_UP_FOR_ITEM = {
    "health": "medical",
    "mood": "contact_family",
    "home_safety": "home_adaptation",
    "food": "home_care",
    "heating_cooling": "home_care",
    "medicines": "medical",
    "needs": "home_care",
}


# ---- tiers ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frequency:
    min_visits: int
    period: str  # week, month, quarter
    event_response_hours: int


@dataclass(frozen=True, slots=True)
class TierPolicy:
    """`visits.tiers` as plain data."""

    frequencies: Mapping[str, Frequency]
    high_min_age_living_alone: int | None
    high_living_situations: frozenset[str]
    high_conditions: frozenset[str]
    high_min_ability_level: int | None
    high_care_risk_events: int | None
    high_serious_findings: int | None
    lookback_days: int
    key_min_ability_level: int | None
    key_dementia: bool
    key_max_disability_grade: int | None
    key_economic_statuses: frozenset[str]
    key_groups: frozenset[str]

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> TierPolicy:
        high, key = value["high_risk"], value["key"]
        return cls(
            frequencies={
                tier: Frequency(
                    min_visits=int(spec.get("min_visits", 1)),
                    period=str(spec["period"]),
                    event_response_hours=int(spec.get("event_response_hours", 72)),
                )
                for tier, spec in value["frequencies"].items()
            },
            high_min_age_living_alone=high.get("min_age_living_alone"),
            high_living_situations=frozenset(high.get("living_situations", ())),
            high_conditions=frozenset(high.get("conditions", ())),
            high_min_ability_level=high.get("min_ability_level"),
            high_care_risk_events=high.get("care_risk_events"),
            high_serious_findings=high.get("serious_findings"),
            lookback_days=int(high.get("lookback_days", 90)),
            key_min_ability_level=key.get("min_ability_level"),
            key_dementia=bool(key.get("dementia", True)),
            key_max_disability_grade=key.get("max_disability_grade"),
            key_economic_statuses=frozenset(key.get("economic_statuses", ())),
            key_groups=frozenset(key.get("groups", ())),
        )


@dataclass(frozen=True, slots=True)
class TierFacts:
    """What the tier rule reads about one elder on the list."""

    age: int
    living_situation: str
    economic_status: str = "ordinary"
    groups: frozenset[str] = frozenset()
    disability_grade: int | None = None
    dementia: bool = False
    conditions: frozenset[str] = frozenset()
    ability_level: int | None = None  # GB/T 42195 level when the assessment module knows one
    care_risk_events: int = 0  # in the lookback window
    serious_findings: int = 0  # in the lookback window


@dataclass(frozen=True, slots=True)
class TierDecision:
    tier: str
    reasons: tuple[str, ...]


def tier_for(facts: TierFacts, *, policy: TierPolicy) -> TierDecision:
    """探访分级 (local example: 高风险 80+ 独居/空巢/留守, Alzheimer's, severe hypertension, heart disease;
    重点 失能失智, 分散供养特困, 计生特殊家庭; 一般 the rest). Any one high-risk reason wins; reasons are
    stable codes (`age_alone:82`, `condition:心脏病`, `ability:3`, `risk_events:2`, `findings:1`,
    `dementia`, `disability:1`, `economic:tekun`, `group:fp_special`) that pages translate."""
    high: list[str] = []
    if (
        policy.high_min_age_living_alone is not None
        and facts.age >= policy.high_min_age_living_alone
        and facts.living_situation in policy.high_living_situations
    ):
        high.append(f"age_alone:{facts.age}")
    high.extend(f"condition:{c}" for c in sorted(facts.conditions & policy.high_conditions))
    if (
        policy.high_min_ability_level is not None
        and facts.ability_level is not None
        and facts.ability_level >= policy.high_min_ability_level
    ):
        high.append(f"ability:{facts.ability_level}")
    if policy.high_care_risk_events is not None and facts.care_risk_events >= policy.high_care_risk_events:
        high.append(f"risk_events:{facts.care_risk_events}")
    if policy.high_serious_findings is not None and facts.serious_findings >= policy.high_serious_findings:
        high.append(f"findings:{facts.serious_findings}")
    if high:
        return TierDecision("high_risk", tuple(high))
    key: list[str] = []
    if (
        policy.key_min_ability_level is not None
        and facts.ability_level is not None
        and facts.ability_level >= policy.key_min_ability_level
    ):
        key.append(f"ability:{facts.ability_level}")
    if policy.key_dementia and facts.dementia:
        key.append("dementia")
    if (
        policy.key_max_disability_grade is not None
        and "disability" in facts.groups
        and facts.disability_grade is not None
        and facts.disability_grade <= policy.key_max_disability_grade
    ):
        key.append(f"disability:{facts.disability_grade}")
    if facts.economic_status in policy.key_economic_statuses:
        key.append(f"economic:{facts.economic_status}")
    key.extend(f"group:{g}" for g in sorted(facts.groups & policy.key_groups))
    if key:
        return TierDecision("key", tuple(key))
    return TierDecision("general", ())


def effective_tier(rule_tier: str, override_tier: str = "") -> str:
    """The tier in force: a worker's override, when there is one, else the rule's."""
    return override_tier or rule_tier


# ---- plan dates -------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_end(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def quarter_end(month: date) -> date:
    last_month = ((month.month - 1) // 3) * 3 + 3
    return month_end(date(month.year, last_month, 1))


def weeks_of_month(month: date) -> list[tuple[date, date]]:
    """ISO weeks (Monday, Sunday) that belong to the month: those whose Thursday falls in it, so each
    week belongs to exactly one month and a weekly visit is never planned twice or skipped."""
    first = month_start(month)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    weeks = []
    while thursday.month == first.month:
        monday = thursday - timedelta(days=3)
        weeks.append((monday, monday + timedelta(days=6)))
        thursday += timedelta(days=7)
    return weeks


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    seq: int
    due_on: date
    deadline: date


def slot_of(stable_key: str) -> int:
    """A number that spreads elders over days and months, stable for an elder whatever the database (taken
    from the keyed hash of the ID number, so a rebuilt or restored database plans the same days)."""
    try:
        return int(stable_key[:8], 16)
    except ValueError:
        return sum(stable_key.encode())


def _spread(days: Sequence[date], k: int, slot: int) -> list[date]:
    """k days out of `days`, evenly spaced, shifted by the elder's slot so that visits spread over the
    period instead of piling up on its first day."""
    n = len(days)
    step = n / k
    offset = slot % max(1, int(step))
    return [days[min(n - 1, int(i * step) + offset)] for i in range(k)]


def planned_visits(
    frequency: Frequency, *, month: date, slot: int, working_days: Sequence[date], today: date
) -> list[PlannedVisit]:
    """The visits of one elder planned for `month`.

    Weekly tiers get `min_visits` in each ISO week of the month, monthly tiers `min_visits` in the month,
    quarterly tiers `min_visits` in one month of the quarter (chosen by `slot`, so a community's general
    elders spread over the quarter). Due days are working days (`working_days`, the official calendar),
    spread by `slot`; a period already over on `today` is skipped and a due day already past moves to
    `today`, so a plan generated late in a month asks only for what can still be done.
    """
    first, last = month_start(month), month_end(month)
    periods: list[tuple[date, date, date]] = []  # (from, to, deadline) of each period to plan
    if frequency.period == "week":
        periods = [(max(mon, first), min(sun, last), sun) for mon, sun in weeks_of_month(first)]
    elif frequency.period == "month":
        periods = [(first, last, last)]
    elif frequency.period == "quarter":
        if (first.month - 1) % 3 == slot % 3:
            periods = [(first, last, quarter_end(first))]
    else:
        raise ValueError(f"unknown period {frequency.period!r}")
    visits: list[PlannedVisit] = []
    for index, (start, end, deadline) in enumerate(periods):
        if deadline < today:
            continue
        days = [d for d in working_days if start <= d <= end] or [end]
        for i, due in enumerate(_spread(days, frequency.min_visits, slot)):
            due_on = min(max(due, today), deadline)
            visits.append(
                PlannedVisit(seq=index * frequency.min_visits + i + 1, due_on=due_on, deadline=deadline)
            )
    return visits


# ---- assignment by area and load --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VisitorSlot:
    visitor_id: int
    area_code: str  # community (12 digits) or street (9 digits)
    capacity: int
    load: int = 0  # visits already assigned in the month


@dataclass(frozen=True, slots=True)
class TaskToAssign:
    key: int
    community_code: str


def assign(tasks: Iterable[TaskToAssign], visitors: Iterable[VisitorSlot]) -> dict[int, int | None]:
    """Each task to a visitor whose area holds the task's community: the most local visitors first
    (community before street), then the lowest load relative to capacity, then the lowest id. When every
    local visitor is full the task still goes to the least loaded one (overload is shown on the workload
    page); a task with no visitor covering its community stays unassigned (None)."""
    slots = sorted(visitors, key=lambda v: v.visitor_id)
    load = {v.visitor_id: v.load for v in slots}
    by_area: dict[str, list[VisitorSlot]] = {}
    for v in slots:
        by_area.setdefault(v.area_code, []).append(v)
    result: dict[int, int | None] = {}
    for task in sorted(tasks, key=lambda t: (t.community_code, t.key)):
        candidates: list[VisitorSlot] = []
        for length in range(len(task.community_code), 0, -1):
            candidates = by_area.get(task.community_code[:length], [])
            if candidates:
                break
        if not candidates:
            result[task.key] = None
            continue
        best = min(candidates, key=lambda v: (load[v.visitor_id] / max(1, v.capacity), v.visitor_id))
        load[best.visitor_id] += 1
        result[task.key] = best.visitor_id
    return result


# ---- walking route ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stop:
    key: int
    lon: float | None
    lat: float | None


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular approximation (metres): accurate to well under 1 % at a community's scale."""
    lon1, lat1 = a
    lon2, lat2 = b
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000.0 * math.hypot(x, y)


def walking_route(start: tuple[float, float] | None, stops: Sequence[Stop]) -> list[int]:
    """A walking order: nearest neighbour from `start` (the visitor's community centroid), each next stop
    the nearest unvisited one. Not optimal (a greedy tour can be ~25 % longer than the best), but good on
    a community's few dozen homes and stable. Stops without coordinates come last, in the given order."""
    located = {s.key: (s.lon, s.lat) for s in stops if s.lon is not None and s.lat is not None}
    unknown = [s.key for s in stops if s.key not in located]
    if not located:
        return unknown
    here = start or next(iter(located.values()))
    remaining = dict(located)
    order: list[int] = []
    while remaining:
        nearest = min(remaining, key=lambda k: (distance_m(here, remaining[k]), k))
        order.append(nearest)
        here = remaining.pop(nearest)
    return order + unknown


def route_length_m(start: tuple[float, float] | None, stops: Sequence[Stop], order: Sequence[int]) -> float:
    """Length of the walk in metres: from `start` through the located stops in `order`."""
    located = {s.key: (s.lon, s.lat) for s in stops if s.lon is not None and s.lat is not None}
    points = [located[k] for k in order if k in located]
    if start is not None:
        points.insert(0, start)
    return sum(distance_m(a, b) for a, b in itertools.pairwise(points))


# ---- findings of a visit ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindingsPolicy:
    serious_items: frozenset[str]
    due_days: Mapping[str, int]
    not_found_serious_after: int
    not_found_retry_days: int

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> FindingsPolicy:
        return cls(
            serious_items=frozenset(value.get("serious_items", ())),
            due_days=dict(value.get("follow_up_due_days", {})),
            not_found_serious_after=int(value.get("not_found_serious_after", 2)),
            not_found_retry_days=int(value.get("not_found_retry_days", 2)),
        )


@dataclass(frozen=True, slots=True)
class FollowUpSpec:
    kind: str
    severity: str  # normal, serious
    due_days: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Findings:
    follow_ups: tuple[FollowUpSpec, ...]
    serious: bool
    retry_in_days: int | None = None  # not found: revisit after this many days


def check_levels(checklist: Mapping[str, Any]) -> dict[str, str]:
    """{item: level} from the stored checklist ({item: {"level": …, "note": …}} or {item: level})."""
    levels: dict[str, str] = {}
    for item, entry in checklist.items():
        level = entry.get("level", "") if isinstance(entry, Mapping) else entry
        if level:
            levels[str(item)] = str(level)
    return levels


def checklist_errors(checklist: Mapping[str, Any]) -> list[str]:
    """Stable codes of what is wrong with a checklist (unknown item or level, note too long)."""
    errors = []
    for item, entry in checklist.items():
        if item not in CHECK_ITEMS:
            errors.append(f"item:{item}")
            continue
        level = entry.get("level", "") if isinstance(entry, Mapping) else entry
        if level not in CHECK_LEVELS:
            errors.append(f"level:{item}")
        note = entry.get("note", "") if isinstance(entry, Mapping) else ""
        if len(str(note)) > 500:
            errors.append(f"note:{item}")
    return errors


def findings(
    *,
    outcome: str,
    checklist: Mapping[str, Any],
    actions: Iterable[str],
    urgent: bool,
    tier: str,
    attempts_before: int,
    policy: FindingsPolicy,
) -> Findings:
    """What a visit calls for. A 'risk' on an item raises its follow-up (FOLLOW_UP_FOR_ITEM) unless the
    visitor picked actions; picked actions are raised as picked. The visit is serious when marked urgent
    or when an item listed in `serious_items` is at risk; serious follow-ups notify the street officer.
    An elder not found at home gets a 'locate' follow-up and a revisit; missing a high-risk elder, or
    missing anyone `not_found_serious_after` times in a row, is serious."""
    specs: dict[str, tuple[bool, list[str]]] = {}

    def add(kind: str, serious: bool, reason: str) -> None:
        was_serious, reasons = specs.get(kind, (False, []))
        specs[kind] = (was_serious or serious, [*reasons, reason])

    if outcome == "not_found":
        misses = attempts_before + 1
        serious = urgent or tier == "high_risk" or misses >= policy.not_found_serious_after
        add("locate", serious, f"not_found:{misses}")
        for kind in actions:
            add(kind, serious, "picked")
        return Findings(
            follow_ups=_specs(specs, policy),
            serious=serious,
            retry_in_days=policy.not_found_retry_days,
        )
    levels = check_levels(checklist)
    risky = sorted(item for item, level in levels.items() if level == "risk")
    serious = urgent or any(item in policy.serious_items for item in risky)
    picked = list(dict.fromkeys(actions))
    for kind in picked:
        add(kind, urgent, "picked")
    if not picked:
        for item in risky:
            add(FOLLOW_UP_FOR_ITEM[item], urgent or item in policy.serious_items, f"risk:{item}")
    else:
        for item in risky:  # keep why the visit was risky on the picked follow-ups
            for kind in picked:
                add(kind, urgent or item in policy.serious_items, f"risk:{item}")
    return Findings(follow_ups=_specs(specs, policy), serious=serious)


def _specs(specs: Mapping[str, tuple[bool, list[str]]], policy: FindingsPolicy) -> tuple[FollowUpSpec, ...]:
    return tuple(
        FollowUpSpec(
            kind=kind,
            severity="serious" if serious else "normal",
            due_days=0 if serious else int(policy.due_days.get(kind, 7)),
            reasons=tuple(dict.fromkeys(reasons)),
        )
        for kind, (serious, reasons) in sorted(specs.items())
    )


# ---- the monthly visit rate -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A period on the visit list: the days [starts_on, ends_on) in one community."""

    elder_id: int
    division_code: str
    starts_on: date
    ends_on: date | None = None


@dataclass(frozen=True, slots=True)
class VisitFact:
    elder_id: int
    visited_on: date  # local date
    method: str
    outcome: str


@dataclass(frozen=True, slots=True)
class RateCounts:
    eligible: int = 0
    visited: int = 0
    elders_eligible: frozenset[int] = field(default_factory=frozenset)

    @property
    def rate(self) -> float | None:
        return 100.0 * self.visited / self.eligible if self.eligible else None


def on_list_at_start(period: Period, month: date) -> bool:
    """On the list "at the start of the month": the period includes the month's first day (it began on
    or before the 1st and had not ended by the 1st)."""
    first = month_start(month)
    return period.starts_on <= first and (period.ends_on is None or period.ends_on > first)


def counts_as_visit(visit: VisitFact, month: date, counted_methods: frozenset[str]) -> bool:
    return (
        visit.outcome == "visited"
        and visit.method in counted_methods
        and month_start(month) <= visit.visited_on < next_month(month_start(month))
    )


def monthly_rate(
    periods: Iterable[Period],
    visits: Iterable[VisitFact],
    *,
    month: date,
    counted_methods: Iterable[str] = METHODS,
) -> dict[str, RateCounts]:
    """特殊困难老年人月探访率 per community: elders in special difficulty visited at least once in the
    month ÷ all such elders at the start of the month.

    - Denominator: the elders whose period on the list includes the month's first day, counted in the
      community of that period. An elder who dies, moves away or leaves the list later in the month stays
      in it; an elder who joins the list after the 1st is not in it (they count from the next month).
    - Numerator: those same elders with at least one visit in the calendar month (local time) whose
      outcome is 'visited' (not 'not found at home') and whose method counts under the policy (in person,
      phone, video by default). A visit before a mid-month death counts; visits to elders outside the
      denominator never count, so the rate cannot exceed 100 %.
    """
    methods = frozenset(counted_methods)
    community_of: dict[int, str] = {}
    for period in periods:
        if on_list_at_start(period, month):
            community_of[period.elder_id] = period.division_code
    visited = {
        v.elder_id for v in visits if v.elder_id in community_of and counts_as_visit(v, month, methods)
    }
    result: dict[str, RateCounts] = {}
    for elder_id, code in community_of.items():
        prior = result.get(code, RateCounts())
        result[code] = RateCounts(
            eligible=prior.eligible + 1,
            visited=prior.visited + (1 if elder_id in visited else 0),
            elders_eligible=prior.elders_eligible | {elder_id},
        )
    return result


ROLL_UP_LENGTHS = (9, 6, 4)  # street, district (county), city


def roll_up(by_community: Mapping[str, tuple[int, int, int]]) -> dict[str, tuple[int, int, int]]:
    """Sum (eligible, visited, visits) of communities into their street, district and city (by code
    prefix), keeping the communities themselves."""
    totals: dict[str, tuple[int, int, int]] = dict(by_community)
    for code, (eligible, visited, visits) in by_community.items():
        for length in ROLL_UP_LENGTHS:
            if len(code) > length:
                e, v, n = totals.get(code[:length], (0, 0, 0))
                totals[code[:length]] = (e + eligible, v + visited, n + visits)
    return totals


# ---- edit conflicts ---------------------------------------------------------------------------------


EDITABLE_FIELDS = ("method", "outcome", "visited_at", "checklist", "actions", "urgent", "notes")


def differing_fields(theirs: Mapping[str, Any], mine: Mapping[str, Any]) -> list[str]:
    """The editable fields whose values differ between the stored record and an edit."""
    return [f for f in EDITABLE_FIELDS if f in mine and theirs.get(f) != mine.get(f)]
