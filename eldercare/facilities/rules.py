"""Pure decisions of the facilities module: waitlist priority and position, star-rating results, the
safety risk assessment, licence warnings and the bed indicators. No Django; plain data in and out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# ---- beds and indicators -------------------------------------------------------------------------

# 养老机构 for the indicators: facilities filed as institutions under 《养老机构管理办法》, i.e. the
# institutions proper plus 农村福利院 and 特困供养服务机构 (敬老院). Community facilities (complexes, day
# care, stations, canteens) and medical partners are counted separately.
INSTITUTION_KINDS: tuple[str, ...] = ("institution", "rural_welfare_home", "tekun_facility")
BED_TYPES: tuple[str, ...] = ("nursing", "dementia", "ordinary")


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (an indicator without data)."""
    return part / whole if whole else None


# ---- waitlist priority (入住评估轮候) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    """All given fields must hold (AND). An empty condition matches everyone."""

    economic_statuses: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    min_ability_level: int | None = None
    max_disability_grade: int | None = None  # with group "disability": grade 1..n are severe
    dementia: bool | None = None
    min_age: int | None = None
    label: str = ""

    def holds(self, facts: ElderFacts) -> bool:
        if self.economic_statuses and facts.economic_status not in self.economic_statuses:
            return False
        if self.groups and not (self.groups & facts.groups):
            return False
        if self.min_ability_level is not None and (
            facts.ability_level is None or facts.ability_level < self.min_ability_level
        ):
            return False
        if self.max_disability_grade is not None and (
            facts.disability_grade is None or facts.disability_grade > self.max_disability_grade
        ):
            return False
        if self.dementia is not None and facts.dementia != self.dementia:
            return False
        return not (self.min_age is not None and facts.age < self.min_age)


@dataclass(frozen=True, slots=True)
class PriorityGroup:
    code: str
    title: str
    any_of: tuple[Condition, ...]  # OR over conditions; empty tuple = everyone
    bypass: bool = False  # admitted without waiting (特困)


@dataclass(frozen=True, slots=True)
class WaitlistPolicy:
    groups: tuple[PriorityGroup, ...]  # in priority order, first = highest
    offer_response_hours: int = 72
    max_declines: int = 2


@dataclass(frozen=True, slots=True)
class ElderFacts:
    economic_status: str
    groups: frozenset[str]
    age: int
    ability_level: int | None
    dementia: bool = False
    disability_grade: int | None = None


@dataclass(frozen=True, slots=True)
class GroupMatch:
    code: str
    rank: int  # 1 = highest
    title: str
    bypass: bool
    reasons: tuple[str, ...]


def policy_from_value(value: Mapping[str, Any]) -> WaitlistPolicy:
    """The waitlist policy from its stored JSON form (see policy_keys.WaitlistSettings)."""
    groups = []
    for g in value["groups"]:
        conditions = tuple(
            Condition(
                economic_statuses=frozenset(c.get("economic_statuses") or ()),
                groups=frozenset(c.get("groups") or ()),
                min_ability_level=c.get("min_ability_level"),
                max_disability_grade=c.get("max_disability_grade"),
                dementia=c.get("dementia"),
                min_age=c.get("min_age"),
                label=c.get("label", ""),
            )
            for c in g.get("any_of") or ()
        )
        groups.append(PriorityGroup(g["code"], g["title"], conditions, bool(g.get("bypass", False))))
    return WaitlistPolicy(
        groups=tuple(groups),
        offer_response_hours=int(value.get("offer_response_hours", 72)),
        max_declines=int(value.get("max_declines", 2)),
    )


def priority_group(facts: ElderFacts, policy: WaitlistPolicy) -> GroupMatch:
    """The first group of the policy whose conditions the elder meets, and why."""
    for rank, group in enumerate(policy.groups, start=1):
        if not group.any_of:
            return GroupMatch(group.code, rank, group.title, group.bypass, (f"{group.title}",))
        met = [c for c in group.any_of if c.holds(facts)]
        if met:
            why = tuple(f"{group.title}: {c.label}" if c.label else group.title for c in met)
            return GroupMatch(group.code, rank, group.title, group.bypass, why)
    last = len(policy.groups) + 1
    return GroupMatch("none", last, "—", False, ("no priority group matches",))


@dataclass(frozen=True, slots=True)
class Entry:
    """One open application as the queue sees it."""

    application_id: int
    rank: int
    applied_at: datetime
    bypass: bool = False
    wanted_bed: str = "any"


def order_key(entry: Entry) -> tuple[int, int, datetime, int]:
    """特困 (bypass) first; then by group rank; within a group by application time; then by id."""
    return (0 if entry.bypass else 1, entry.rank, entry.applied_at, entry.application_id)


def waitlist_order(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=order_key)


@dataclass(frozen=True, slots=True)
class Position:
    position: int  # 1-based
    ahead: int
    reasons: tuple[str, ...]
    ahead_by_group: dict[int, int] = field(default_factory=dict)


def waitlist_position(application_id: int, entries: Sequence[Entry]) -> Position:
    """The applicant's place in the queue and why: how many are ahead, from which groups, and how many
    of the same group applied earlier. Raises KeyError if the application is not in `entries`."""
    ordered = waitlist_order(entries)
    index = next(i for i, e in enumerate(ordered) if e.application_id == application_id)
    me = ordered[index]
    ahead = ordered[:index]
    by_group: dict[int, int] = {}
    for e in ahead:
        by_group[0 if e.bypass else e.rank] = by_group.get(0 if e.bypass else e.rank, 0) + 1
    reasons: list[str] = []
    if me.bypass:
        reasons.append("特困: admitted without waiting (first in line)")
    else:
        reasons.append(f"priority group {me.rank}")
    bypassing = by_group.get(0, 0)
    if bypassing:
        reasons.append(f"{bypassing} 特困 applicant(s) ahead (admitted without waiting)")
    higher = sum(n for rank, n in by_group.items() if 0 < rank < me.rank)
    if higher:
        reasons.append(f"{higher} applicant(s) in higher priority groups ahead")
    same = by_group.get(me.rank, 0) if not me.bypass else 0
    if same:
        reasons.append(f"{same} applicant(s) of the same group applied earlier")
    if not ahead:
        reasons.append("nobody ahead")
    return Position(index + 1, len(ahead), tuple(reasons), by_group)


def positions(entries: Sequence[Entry]) -> dict[int, int]:
    """application id → 1-based position, for every entry."""
    return {e.application_id: i for i, e in enumerate(waitlist_order(entries), start=1)}


# Events after which a position may grow (move backwards); every other event may only keep or lower it.
BACKWARD_EVENTS = frozenset({"joined_ahead", "priority_changed", "other_priority_changed"})


class PositionRuleError(ValueError):
    """A position would move backwards for an event that does not allow it."""


def check_move(before: int | None, after: int | None, event: str) -> None:
    """A position moves backwards only for a reason that allows it (someone of a higher group joined,
    or a priority group changed). Raises PositionRuleError otherwise."""
    if before is not None and after is not None and after > before and event not in BACKWARD_EVENTS:
        raise PositionRuleError(f"position {before}→{after} is not allowed for event {event!r}")


def next_for_bed(
    entries: Sequence[Entry], bed_type: str, *, skip: frozenset[int] = frozenset()
) -> Entry | None:
    """The first applicant in queue order who wants this bed type (or any bed)."""
    for entry in waitlist_order(entries):
        if entry.application_id in skip:
            continue
        if entry.wanted_bed in ("any", bed_type):
            return entry
    return None


# ---- star rating (GB/T 37276-2018) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetItem:
    code: str
    name: str
    points: int
    required: bool = False


@dataclass(frozen=True, slots=True)
class SheetSection:
    code: str
    name: str
    max_points: int
    items: tuple[SheetItem, ...]


@dataclass(frozen=True, slots=True)
class SheetLevel:
    stars: int
    min_total: int
    min_section_share: float


@dataclass(frozen=True, slots=True)
class Sheet:
    code: str
    version: int
    sections: tuple[SheetSection, ...]
    levels: tuple[SheetLevel, ...]

    @property
    def items(self) -> dict[str, SheetItem]:
        return {i.code: i for s in self.sections for i in s.items}

    @property
    def max_total(self) -> int:
        return sum(s.max_points for s in self.sections)


def sheet_from_definition(code: str, version: int, definition: Mapping[str, Any]) -> Sheet:
    sections = tuple(
        SheetSection(
            s["code"],
            s["name"],
            int(s["max_points"]),
            tuple(
                SheetItem(i["code"], i["name"], int(i["points"]), bool(i.get("required", False)))
                for i in s["items"]
            ),
        )
        for s in definition["sections"]
    )
    levels = tuple(
        SheetLevel(int(lv["stars"]), int(lv["min_total"]), float(lv["min_section_share"]))
        for lv in definition["levels"]
    )
    return Sheet(code, version, sections, levels)


def sheet_problems(sheet: Sheet) -> list[str]:
    """A sheet is consistent when each section's items add up to its maximum and levels are ordered."""
    problems = []
    for s in sheet.sections:
        total = sum(i.points for i in s.items)
        if total != s.max_points:
            problems.append(f"section {s.code}: items add up to {total}, not {s.max_points}")
    codes = [i.code for s in sheet.sections for i in s.items]
    if len(codes) != len(set(codes)):
        problems.append("item codes repeat")
    stars = [lv.stars for lv in sheet.levels]
    if stars != sorted(stars) or [lv.min_total for lv in sheet.levels] != sorted(
        lv.min_total for lv in sheet.levels
    ):
        problems.append("levels must be ordered from the lowest")
    return problems


@dataclass(frozen=True, slots=True)
class RatingResult:
    total: int
    by_section: dict[str, int]
    stars: int  # 0 = below the lowest level
    reasons: tuple[str, ...]
    missing_required: tuple[str, ...]


def rating_result(sheet: Sheet, scores: Mapping[str, int]) -> RatingResult:
    """The level reached: total ≥ the level's minimum and every section ≥ its share of the section
    maximum; any required item scored 0 (or missing) means no level at all. Raises ValueError for an
    unknown item or a score outside 0..points."""
    items = sheet.items
    for code, value in scores.items():
        if code not in items:
            raise ValueError(f"unknown item {code!r}")
        if not 0 <= int(value) <= items[code].points:
            raise ValueError(f"item {code}: {value} is outside 0..{items[code].points}")
    by_section = {s.code: sum(int(scores.get(i.code, 0)) for i in s.items) for s in sheet.sections}
    total = sum(by_section.values())
    missing = tuple(i.code for i in items.values() if i.required and int(scores.get(i.code, 0)) == 0)
    reasons: list[str] = [f"total {total} of {sheet.max_total}"]
    if missing:
        reasons.append("required items not met: " + ", ".join(missing))
        return RatingResult(total, by_section, 0, tuple(reasons), missing)
    stars = 0
    for level in sheet.levels:
        weak = [s.code for s in sheet.sections if by_section[s.code] < level.min_section_share * s.max_points]
        if total >= level.min_total and not weak:
            stars = level.stars
        else:
            if total < level.min_total:
                reasons.append(f"level {level.stars} needs a total of {level.min_total}")
            for code in weak:
                reasons.append(
                    f"level {level.stars} needs {level.min_section_share:.0%} in every section;"
                    f" {code} is below"
                )
            break
    reasons.insert(1, f"level {stars}" if stars else "below the lowest level")
    return RatingResult(total, by_section, stars, tuple(reasons), ())


# ---- safety (GB 38600-2019) ----------------------------------------------------------------------------

NINE_RISKS: tuple[str, ...] = (
    "choking",
    "misingestion",
    "pressure_ulcer",
    "scald",
    "bed_fall",
    "fall",
    "harm",
    "wandering",
    "activity",
)
RISK_LEVELS = ("none", "protect", "high")


def risk_assessment_problems(levels: Mapping[str, str], measures: Mapping[str, str]) -> list[str]:
    """Each of the nine risks needs a level; a level other than 'none' needs protective measures."""
    problems = []
    for risk in NINE_RISKS:
        level = levels.get(risk)
        if level not in RISK_LEVELS:
            problems.append(f"{risk}: level missing")
        elif level != "none" and not (measures.get(risk) or "").strip():
            problems.append(f"{risk}: measures required for level {level}")
    unknown = set(levels) - set(NINE_RISKS)
    if unknown:
        problems.append("unknown risks: " + ", ".join(sorted(unknown)))
    return problems


# Incident kind → care-risk kind of GB/T 42195 A.2.14 (read by the assessment for its 30-day count).
CARE_RISK_BY_INCIDENT: dict[str, str] = {
    "fall": "fall",
    "bed_fall": "fall",
    "choking": "choking",
    "harm": "self_harm",
    "wandering": "wandering",
    "misingestion": "other",
    "scald": "other",
    "pressure_ulcer": "other",
    "activity": "other",
    "other": "other",
}


def care_risk_kind(incident_kind: str) -> str:
    return CARE_RISK_BY_INCIDENT.get(incident_kind, "other")


# ---- licences -------------------------------------------------------------------------------------------


def licence_state(valid_until: date | None, *, today: date, warn_days: int) -> str:
    """'valid', 'expiring' (within `warn_days`) or 'expired'."""
    if valid_until is None:
        return "valid"
    if valid_until < today:
        return "expired"
    return "expiring" if (valid_until - today).days <= warn_days else "valid"


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
