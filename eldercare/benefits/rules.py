"""Eligibility and amounts of benefit programmes: pure functions over frozen dataclasses (no Django).

`evaluate(elder, programme, month)` is the one rule used by the preview an elder sees, the review of an
application, the basic service list and the monthly settlement, so all four always agree.

Conventions (each one is policy, not code, where a city could differ):
- Qualifying (e.g. the 80th birthday) counts from the 1st of the birthday month (`start_rule = same_month`)
  or of the month after (`next_month`). The age band of a month follows the same rule: the age reached by the
  last day of that month, or of the month before.
- A new ability level counts from the month it is published or the month after (`level_change_from`).
- An end (death, move-out, admission, status lost) is inclusive: the elder is eligible on the day itself.
- Partial months (`proration`): `daily` pays amount × eligible days / days in month (rounded down to fen),
  `full` pays the whole month for any eligible day, `none` pays only months eligible on every day.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any


# ---- months -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """'YYYY-MM' → Month; raises ValueError otherwise."""
        year, _, month = text.partition("-")
        if len(year) != 4 or len(month) != 2 or not (year.isdigit() and month.isdigit()):
            raise ValueError(f"not a period YYYY-MM: {text!r}")
        value = cls(int(year), int(month))
        if not 1 <= value.month <= 12:
            raise ValueError(f"not a period YYYY-MM: {text!r}")
        return value

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, self.days)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), 12 if self.month == 1 else self.month - 1)

    def add(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def birthday_in(birth: date, year: int) -> date:
    """The birthday in a given year; 29 February falls on 28 February in common years."""
    try:
        return birth.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def age_on(birth: date, day: date) -> int:
    """Completed years on `day`; a 29 February birthday is reached on 28 February in common years."""
    return day.year - birth.year - (day < birthday_in(birth, day.year))


# ---- inputs -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LevelFact:
    """A published ability level and the day it was published."""

    published_on: date
    level: int


@dataclass(frozen=True, slots=True)
class ElderSnapshot:
    """What the rules need to know about one elder (built by `benefits.snapshots` from the registry)."""

    elder_id: int
    birth_date: date
    economic_status: str = "ordinary"
    economic_valid_from: date | None = None
    economic_valid_to: date | None = None  # inclusive
    hukou_local: bool = True
    groups: frozenset[str] = frozenset()
    levels: tuple[LevelFact, ...] = ()  # oldest first
    deceased_on: date | None = None
    left_on: date | None = None  # moved out of the city (inclusive)
    admitted_on: date | None = None  # admitted to an institution (ends programmes with ends_on_admission)


@dataclass(frozen=True, slots=True)
class Tier:
    label: str
    amount_fen: int
    min_age: int | None = None
    max_age: int | None = None
    levels: frozenset[int] | None = None
    economic_statuses: frozenset[str] | None = None
    groups: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Programme:
    code: str
    name: str
    tiers: tuple[Tier, ...]
    kind: str = "monthly"  # monthly / per_meal / one_off
    payment_form: str = "cash"
    grant: str = "application"
    start_rule: str = "next_month"
    proration: str = "daily"
    min_age: int = 60
    hukou_required: bool = True
    economic_statuses: frozenset[str] = frozenset()
    min_level: int | None = None
    groups_any: frozenset[str] = frozenset()
    notice_days: int = 0
    suspend_on_absence: bool = False
    ends_on_admission: bool = True
    required_documents: tuple[str, ...] = ()
    unit_price_fen: int | None = None
    name_en: str = ""
    source: str = ""
    certainty: str = "assumption"


def _set(values: Sequence[Any] | None) -> frozenset[Any] | None:
    return None if values is None else frozenset(values)


def programme_from_value(value: Mapping[str, Any]) -> Programme:
    """A programme from its stored policy form (the `benefits.programmes` schema)."""
    tiers = tuple(
        Tier(
            label=t["label"],
            amount_fen=int(t["amount_fen"]),
            min_age=t.get("min_age"),
            max_age=t.get("max_age"),
            levels=_set(t.get("levels")),
            economic_statuses=_set(t.get("economic_statuses")),
            groups=_set(t.get("groups")),
        )
        for t in value["tiers"]
    )
    simple = {
        k: value[k]
        for k in (
            "kind",
            "payment_form",
            "grant",
            "start_rule",
            "proration",
            "min_age",
            "hukou_required",
            "min_level",
            "notice_days",
            "suspend_on_absence",
            "ends_on_admission",
            "unit_price_fen",
            "name_en",
            "source",
            "certainty",
        )
        if k in value
    }
    return Programme(
        code=value["code"],
        name=value["name"],
        tiers=tiers,
        economic_statuses=frozenset(value.get("economic_statuses") or ()),
        groups_any=frozenset(value.get("groups_any") or ()),
        required_documents=tuple(value.get("required_documents") or ()),
        **simple,
    )


def programmes_from_value(value: Mapping[str, Any]) -> dict[str, Programme]:
    return {p["code"]: programme_from_value(p) for p in value["programmes"]}


# ---- output -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Decision:
    eligible: bool
    amount_fen: int  # for the month after pro-rating (per meal / once for those kinds)
    reasons: tuple[str, ...]
    tier: str = ""
    full_amount_fen: int = 0
    days: int = 0
    qualifies_from: date | None = None  # when age qualification starts (for "not yet" answers)
    codes: tuple[str, ...] = field(default=())  # machine-readable reason codes


def qualifying_start(birth: date, min_age: int, start_rule: str) -> date:
    """First day from which the age condition holds under the start rule."""
    birthday = birthday_in(birth, birth.year + min_age)
    month = Month.of(birthday)
    return month.first if start_rule == "same_month" else month.next().first


def band_age(birth: date, month: Month, start_rule: str) -> int:
    """The age that decides the band of a month (see the module docstring)."""
    reference = month.last if start_rule == "same_month" else month.previous().last
    return age_on(birth, reference)


def level_for_month(levels: Sequence[LevelFact], month: Month, level_change_from: str) -> int | None:
    """The level that counts for a month: the latest one published by the month's end (same_month) or
    before the month began (next_month)."""
    limit = month.last if level_change_from == "same_month" else month.first - timedelta(days=1)
    found: int | None = None
    for fact in sorted(levels, key=lambda f: f.published_on):
        if fact.published_on <= limit:
            found = fact.level
    return found


def _tier_for(programme: Programme, *, age: int, level: int | None, elder: ElderSnapshot) -> Tier | None:
    for tier in programme.tiers:
        if tier.min_age is not None and age < tier.min_age:
            continue
        if tier.max_age is not None and age > tier.max_age:
            continue
        if tier.levels is not None and (level is None or level not in tier.levels):
            continue
        if tier.economic_statuses is not None and elder.economic_status not in tier.economic_statuses:
            continue
        if tier.groups is not None and not (tier.groups & elder.groups):
            continue
        return tier
    return None


def _no(reasons: list[str], codes: list[str], qualifies_from: date | None = None) -> Decision:
    return Decision(
        eligible=False,
        amount_fen=0,
        reasons=tuple(reasons),
        codes=tuple(codes),
        qualifies_from=qualifies_from,
    )


def evaluate(
    elder: ElderSnapshot,
    programme: Programme,
    month: Month,
    *,
    level_change_from: str = "next_month",
    window: tuple[date, date | None] | None = None,
) -> Decision:
    """Eligibility and amount of one programme for one elder in one month, with the reasons.

    `window` is the entitlement's own [start, end] (inclusive; end None = open); without it the answer is
    "would be eligible" (preview, review, basic service list).
    """
    reasons: list[str] = []
    start = month.first
    end = month.last
    # age and the start rule
    qualifies = qualifying_start(elder.birth_date, programme.min_age, programme.start_rule)
    if qualifies > end:
        rule = "the month of" if programme.start_rule == "same_month" else "the month after"
        return _no(
            [f"age: under {programme.min_age}; paid from {Month.of(qualifies)} ({rule} the birthday)"],
            ["age"],
            qualifies,
        )
    reasons.append(f"age: {programme.min_age}+ from {qualifies}")
    start = max(start, qualifies)
    # household registration
    if programme.hukou_required and not elder.hukou_local:
        return _no([*reasons, "hukou: not registered in this city"], ["hukou"])
    # economic status and its validity
    if programme.economic_statuses:
        if elder.economic_status not in programme.economic_statuses:
            return _no(
                [*reasons, f"economic status: {elder.economic_status} is not one of the eligible statuses"],
                ["economic_status"],
            )
        if elder.economic_valid_from is not None:
            start = max(start, elder.economic_valid_from)
        if elder.economic_valid_to is not None:
            end = min(end, elder.economic_valid_to)
        if start > end:
            return _no([*reasons, "economic status: not valid in this month"], ["economic_status_validity"])
        reasons.append(f"economic status: {elder.economic_status}")
    # ability level
    level = level_for_month(elder.levels, month, level_change_from)
    if programme.min_level is not None:
        if level is None:
            return _no([*reasons, "ability level: not assessed"], ["level_missing"])
        if level < programme.min_level:
            return _no(
                [*reasons, f"ability level: {level} is below {programme.min_level}"], ["level_too_low"]
            )
        reasons.append(f"ability level: {level}")
    # groups
    if programme.groups_any:
        if not (programme.groups_any & elder.groups):
            return _no([*reasons, "group: none of the eligible groups"], ["group"])
        reasons.append("group: " + ", ".join(sorted(programme.groups_any & elder.groups)))
    # life events
    for ended_on, label, code in (
        (elder.deceased_on, "died", "deceased"),
        (elder.left_on, "moved out", "left"),
        (
            elder.admitted_on if programme.ends_on_admission else None,
            "admitted to an institution",
            "admitted",
        ),
    ):
        if ended_on is not None:
            end = min(end, ended_on)
            if ended_on < month.first:
                return _no([*reasons, f"{label} on {ended_on}"], [code])
            if ended_on <= month.last:
                reasons.append(f"{label} on {ended_on}")
    # the entitlement's own window
    if window is not None:
        window_start, window_end = window
        start = max(start, window_start)
        if window_end is not None:
            end = min(end, window_end)
        if start > end:
            return _no([*reasons, "entitlement: not running in this month"], ["window"])
    if start > end:
        return _no([*reasons, "no eligible day in this month"], ["no_days"])
    # amount
    tier = _tier_for(
        programme, age=band_age(elder.birth_date, month, programme.start_rule), level=level, elder=elder
    )
    if tier is None:
        return _no([*reasons, "amount: no tier matches"], ["no_tier"])
    days = (end - start).days + 1
    full = tier.amount_fen
    if programme.kind == "one_off":
        if window is not None and Month.of(window[0]) != month:
            return _no([*reasons, "one-off subsidy: paid in the month it was granted"], ["one_off_paid"])
        amount = full
    elif programme.kind == "per_meal" or programme.proration == "full" or days == month.days:
        amount = full
    elif programme.proration == "daily":
        amount = full * days // month.days
        reasons.append(f"pro-rated: {days} of {month.days} days")
    else:  # "none"
        return _no([*reasons, f"partial month ({days} of {month.days} days) is not paid"], ["partial_month"])
    reasons.append(f"tier: {tier.label}")
    return Decision(
        eligible=True,
        amount_fen=amount,
        reasons=tuple(reasons),
        tier=tier.label,
        full_amount_fen=full,
        days=days,
        qualifies_from=qualifies,
        codes=("eligible",),
    )


# ---- the set-based settlement path ---------------------------------------------------------------
def latest_birth(holds: Callable[[date], bool], *, by: date, years: int) -> date | None:
    """The latest birth date (on or before `by`, at most `years` + 2 years earlier) for which `holds` is
    true, where `holds` is true up to some day and false after it (a monotone age condition)."""
    low = date(max(by.year - years - 2, 1), 1, 1).toordinal()
    high = by.toordinal()
    if not holds(date.fromordinal(low)):
        return None
    while low < high:  # invariant: holds(low)
        middle = (low + high + 1) // 2
        if holds(date.fromordinal(middle)):
            low = middle
        else:
            high = middle - 1
    return date.fromordinal(low)


@dataclass(frozen=True, slots=True)
class TierBounds:
    """A tier's age band for one month as birth dates: born after `born_after` and on or before
    `born_by` (None = no bound)."""

    tier: Tier
    born_after: date | None
    born_by: date | None


@dataclass(frozen=True, slots=True)
class FullMonthPlan:
    """What decides a whole, uneventful month of one programme, as conditions a database can test.

    It covers an elder who qualified by age before the month began, whose entitlement, economic status
    and registry status hold on every day of the month: for them `evaluate` pays the first matching
    tier's full amount with no reason beyond the tier. Every other case is left to `evaluate` itself.
    """

    programme: Programme
    qualified_born_by: date | None  # None: nobody qualifies before the month begins
    level_published_by: date  # the last publication day of a level that counts for the month
    tiers: tuple[TierBounds, ...]


def full_month_plan(programme: Programme, month: Month, *, level_change_from: str) -> FullMonthPlan:
    reference = month.last if programme.start_rule == "same_month" else month.previous().last

    def born_by_age(age: int) -> date | None:
        """The latest birth date of someone `age` or older on the reference day."""
        return latest_birth(lambda birth: age_on(birth, reference) >= age, by=reference, years=age)

    tiers = []
    for tier in programme.tiers:
        born_by = None if tier.min_age is None else born_by_age(tier.min_age)
        born_after = None if tier.max_age is None else born_by_age(tier.max_age + 1)
        tiers.append(TierBounds(tier=tier, born_after=born_after, born_by=born_by))
    return FullMonthPlan(
        programme=programme,
        qualified_born_by=latest_birth(
            lambda b: qualifying_start(b, programme.min_age, programme.start_rule) <= month.first,
            by=month.first,
            years=programme.min_age,
        ),
        level_published_by=month.last
        if level_change_from == "same_month"
        else month.first - timedelta(days=1),
        tiers=tuple(tiers),
    )


def correction_amount(*, should_fen: int, booked_fen: int) -> int:
    """What a correction line must carry: positive = back pay (补发), negative = recovery (追回)."""
    return should_fen - booked_fen


def net_by_payee(lines: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Sum of (payee, amount) pairs; the bank file pays positive nets, negative nets are recoveries."""
    totals: dict[int, int] = {}
    for payee, amount in lines:
        totals[payee] = totals.get(payee, 0) + amount
    return totals


# ---- review workflow ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StepOutcome:
    complete: bool
    rejected: bool
    approvals: int
    needed: int


def step_outcome(*, mode: str, n: int, reviewers: int, approvals: int, rejections: int) -> StepOutcome:
    """Whether a review step is done: one approval, all reviewers, or N of them; any rejection rejects."""
    needed = 1 if mode == "one" else max(reviewers, 1) if mode == "all" else n
    return StepOutcome(
        complete=rejections == 0 and approvals >= needed,
        rejected=rejections > 0,
        approvals=approvals,
        needed=needed,
    )
