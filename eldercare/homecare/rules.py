"""Pure decisions of home and community services: the order state machine, on-site verification and
fraud patterns, subsidy shares, meal splits, schedules, recurring slots and home-adaptation subsidy.

No Django here: plain data in, plain data out. Services turn rows into these facts, load the policy
version and store the decision with the version and the reasons.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)

# --- the order state machine -------------------------------------------------------------------------

REQUESTED, ASSIGNED, ON_THE_WAY, IN_SERVICE = "requested", "assigned", "on_the_way", "in_service"
COMPLETED, VERIFIED, SETTLED, CANCELLED, FAILED = "completed", "verified", "settled", "cancelled", "failed"

TRANSITIONS: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({ASSIGNED, CANCELLED}),
    ASSIGNED: frozenset({ASSIGNED, ON_THE_WAY, IN_SERVICE, CANCELLED, FAILED}),
    ON_THE_WAY: frozenset({IN_SERVICE, FAILED, CANCELLED}),
    IN_SERVICE: frozenset({COMPLETED, FAILED}),
    COMPLETED: frozenset({VERIFIED, FAILED}),
    VERIFIED: frozenset({SETTLED, COMPLETED}),  # back to completed when a call-back denies the service
    SETTLED: frozenset(),
    CANCELLED: frozenset(),
    FAILED: frozenset(),
}
NEEDS_REASON = frozenset({CANCELLED, FAILED})


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


# --- verification ------------------------------------------------------------------------------------


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine formula)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class VerificationPolicy:
    check_in_radius_m: int
    min_duration_share: float
    overlap_grace_minutes: int
    code_length: int = 6
    code_valid_minutes: int = 120
    code_max_attempts: int = 5
    callback_share: float = 0.05

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> VerificationPolicy:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in value.items() if k in names})


@dataclass(frozen=True, slots=True)
class Visit:
    """One order's time on site: [start, end)."""

    order_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class VisitFacts:
    home: tuple[float, float] | None  # (lon, lat) of the elder's home
    check_in: tuple[float, float] | None
    check_out: tuple[float, float] | None
    served_minutes: int
    catalogue_minutes: int


def distance_to_home(home: tuple[float, float] | None, point: tuple[float, float] | None) -> int | None:
    if home is None or point is None:
        return None
    return round(haversine_m(home[0], home[1], point[0], point[1]))


def overlapping(visit: Visit, others: Iterable[Visit], *, grace_minutes: int) -> list[int]:
    """Ids of other visits overlapping this one by more than the grace (travel clocks are imprecise)."""
    grace = timedelta(minutes=grace_minutes)
    found = []
    for other in others:
        if other.order_id == visit.order_id:
            continue
        overlap = min(visit.end, other.end) - max(visit.start, other.start)
        if overlap > grace:
            found.append(other.order_id)
    return sorted(found)


def visit_flags(
    facts: VisitFacts,
    policy: VerificationPolicy,
    *,
    worker_overlaps: Sequence[int] = (),
    elder_overlaps: Sequence[int] = (),
) -> list[str]:
    """The suspicious patterns of one finished visit (codes of `choices.Flag`), in a stable order."""
    flags: list[str] = []
    in_distance = distance_to_home(facts.home, facts.check_in)
    if facts.check_in is None:
        flags.append("no_location")
    elif in_distance is not None and in_distance > policy.check_in_radius_m:
        flags.append("far_check_in")
    out_distance = distance_to_home(facts.home, facts.check_out)
    if out_distance is not None and out_distance > policy.check_in_radius_m:
        flags.append("far_check_out")
    if facts.served_minutes < facts.catalogue_minutes * policy.min_duration_share:
        flags.append("short_duration")
    if worker_overlaps:
        flags.append("worker_overlap")
    if elder_overlaps:
        flags.append("elder_double")
    return flags


# --- funding -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ElderFacts:
    age: int
    economic_status: str
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class FundingDecision:
    subsidy_fen: int
    elder_fen: int
    reasons: tuple[str, ...]


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _rule_matches(rule: dict[str, Any], service_type: str, facts: ElderFacts) -> bool:
    types = rule.get("service_types") or ["*"]
    if "*" not in types and service_type not in types:
        return False
    statuses, groups, min_age = (
        rule.get("economic_statuses") or [],
        rule.get("groups") or [],
        rule.get("min_age"),
    )
    if not (statuses or groups or min_age is not None):
        return True
    return (
        facts.economic_status in statuses
        or bool(facts.groups & set(groups))
        or (min_age is not None and facts.age >= min_age)
    )


def order_funding(
    *, price_fen: int, service_type: str, facts: ElderFacts, policy: dict[str, Any]
) -> FundingDecision:
    """The subsidy share of one order: the first matching rule's percentage of the price (rounded down
    to the fen, so the subsidy never exceeds the rule); no rule: the elder pays the catalogue price."""
    for rule in policy.get("rules", []):
        if _rule_matches(rule, service_type, facts):
            subsidy = price_fen * int(rule["subsidy_pct"]) // 100
            label = rule.get("label") or f"{rule['subsidy_pct']}%"
            return FundingDecision(subsidy, price_fen - subsidy, (f"rule: {label}",))
    return FundingDecision(0, price_fen, ("no subsidy rule matches: catalogue price",))


@dataclass(frozen=True, slots=True)
class MealSplit:
    group: str
    subsidy_fen: int
    elder_fen: int
    reasons: tuple[str, ...]


def meal_group(facts: ElderFacts, policy: dict[str, Any]) -> str:
    """Hardship first (特困/低保/低收入/优抚), then 80+, then 60–79 (domain-reference §8.3)."""
    if facts.economic_status in policy.get("hardship_statuses", []) or facts.groups & set(
        policy.get("hardship_groups", [])
    ):
        return "hardship"
    if facts.age >= 80:
        return "age_80"
    if facts.age >= 60:
        return "age_60"
    return "none"


def meal_split(*, price_fen: int, facts: ElderFacts, policy: dict[str, Any]) -> MealSplit:
    """The elder pays the group's part; the subsidy covers the rest up to the reference price; a meal
    dearer than the reference costs the elder the difference too."""
    group = meal_group(facts, policy)
    pays = policy.get("elder_pays_fen", {}).get(group)
    if pays is None:
        return MealSplit(group, 0, price_fen, (f"group {group}: no subsidy",))
    covered = min(price_fen, int(policy["reference_price_fen"]))
    subsidy = max(0, covered - int(pays))
    return MealSplit(group, subsidy, price_fen - subsidy, (f"group {group}: elder pays {pays} fen",))


# --- schedules and recurring orders ------------------------------------------------------------------

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def within_schedule(schedule: dict[str, Any], start: datetime, minutes: int) -> bool:
    """True if [start, start + minutes) lies inside one of the worker's working windows that weekday.
    An empty schedule means "not declared": always available."""
    if not schedule:
        return True
    end = start + timedelta(minutes=minutes)
    if end.date() != start.date() and end.time() != time(0):
        return False
    for window in schedule.get(WEEKDAY_KEYS[start.weekday()], []):
        opens, closes = _hhmm(window[0]), _hhmm(window[1])
        if opens <= start.time() and (end.time() <= closes or (closes == time(0) and end.time() == time(0))):
            return True
    return False


def plan_slots(
    *, weekdays: Iterable[int], at: time, week_start: date, valid_from: date, valid_to: date | None
) -> list[tuple[date, time]]:
    """The (day, time) slots of a weekly plan in the week starting `week_start` (a Monday)."""
    days = []
    for weekday in sorted(set(weekdays)):
        day = week_start + timedelta(days=weekday)
        if day >= valid_from and (valid_to is None or day <= valid_to):
            days.append((day, at))
    return days


# --- settlement --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    price_fen: int
    subsidy_fen: int
    elder_fen: int
    correction: bool = False


@dataclass(frozen=True, slots=True)
class Totals:
    order_count: int
    price_fen: int
    subsidy_fen: int
    elder_fen: int
    correction_fen: int


def settlement_totals(lines: Iterable[Line]) -> Totals:
    """Sums of a settlement: order lines count as orders; correction lines add to the totals and to the
    correction sum (they are usually negative)."""
    count = price = subsidy = elder = correction = 0
    for line in lines:
        price += line.price_fen
        subsidy += line.subsidy_fen
        elder += line.elder_fen
        if line.correction:
            correction += line.subsidy_fen
        else:
            count += 1
    return Totals(count, price, subsidy, elder, correction)


# --- home adaptation ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanItem:
    code: str
    basic: bool
    cost_fen: int


@dataclass(frozen=True, slots=True)
class AdaptationSubsidy:
    total_fen: int
    subsidy_fen: int
    reasons: tuple[str, ...] = field(default=())


def adaptation_subsidy(
    *, items: Iterable[PlanItem], economic_status: str, policy: dict[str, Any]
) -> AdaptationSubsidy:
    """Subsidy for an accepted plan: subsidised households get the (basic, by default) items' cost up
    to the per-household cap; optional items and other households pay themselves (民发〔2020〕86号)."""
    items = list(items)
    total = sum(i.cost_fen for i in items)
    if economic_status not in policy.get("subsidised_statuses", []):
        return AdaptationSubsidy(total, 0, (f"economic status {economic_status}: not subsidised",))
    eligible = sum(i.cost_fen for i in items if i.basic or not policy.get("basic_only", True))
    cap = int(policy["subsidy_cap_fen"])
    subsidy = min(eligible, cap)
    reasons = [f"eligible items {eligible} fen"]
    if eligible > cap:
        reasons.append(f"capped at {cap} fen")
    return AdaptationSubsidy(total, subsidy, tuple(reasons))
