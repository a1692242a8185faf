"""Scoring of an ability assessment (能力评估计分与定级): pure functions over frozen dataclasses.

The instrument (items, options, dimension maxima, level bands, adjustment rules) is data, parsed from
`assessment/data/*.toml` by `instruments.parse_instrument`; the city's adjustment policy comes from the
`assessment.adjustments` policy key. Nothing here imports Django.

GB/T 42195-2022: the total of the 26 items (0–90) gives the preliminary level (C.3); C.4 adjusts it:
coma → level 4 directly, overriding everything; dementia F00–F03 or a psychiatrist-diagnosed F04–F99
disorder → one level up; two or more care-risk events in the last 30 days → one level up; never past 4.
MZ/T 039-2013: four first-level dimensions are graded and combined by the standard's 判定卡.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ICD10_CODE = re.compile(r"^([A-Z])(\d{2})(?:\.\d{1,2})?$")


@dataclass(frozen=True, slots=True)
class Option:
    score: int
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    number: int
    dimension: str
    name: str
    definition: str
    options: tuple[Option, ...]

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)

    @property
    def scores(self) -> frozenset[int]:
        return frozenset(o.score for o in self.options)

    def option_text(self, score: int) -> str:
        return next((o.text for o in self.options if o.score == score), "")


@dataclass(frozen=True, slots=True)
class GradeBand:
    grade: int
    min_total: int
    max_total: int


@dataclass(frozen=True, slots=True)
class Dimension:
    code: str
    name: str
    name_en: str
    max_score: int
    direction: Literal["higher_better", "higher_worse"] = "higher_better"
    grading: Literal["none", "bands", "perception_rule"] = "none"
    grade_bands: tuple[GradeBand, ...] = ()


@dataclass(frozen=True, slots=True)
class Level:
    level: int
    name: str
    name_en: str
    min_total: int | None = None
    max_total: int | None = None


@dataclass(frozen=True, slots=True)
class RiskEventType:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class AdjustmentRules:
    """The instrument's own adjustment rules (C.4); the city decides stacking and event counting."""

    coma_level: int
    coma_text: str
    dementia_codes: frozenset[str]
    dementia_text: str
    psychiatric_range: tuple[str, str]
    psychiatric_requires_psychiatrist: bool
    psychiatric_text: str
    risk_events_text: str
    raise_cap: int
    risk_event_types: tuple[RiskEventType, ...] = ()


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    version: int
    title: str
    scoring: Literal["sum_bands", "mzt039_grades"]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    levels: tuple[Level, ...]
    adjustments: AdjustmentRules
    total_of: tuple[str, ...] = ()  # dimensions summed into `total`; empty = all items

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def level(self, level: int) -> Level:
        return next(lv for lv in self.levels if lv.level == level)

    @property
    def max_level(self) -> int:
        return max(lv.level for lv in self.levels)


@dataclass(frozen=True, slots=True)
class AdjustmentPolicy:
    """City policy `assessment.adjustments` (domain.md §1: both defaults are flagged for confirmation)."""

    stack_raises: bool = False  # False: dementia/psychiatric and risk events raise one level in total
    risk_events_counting: Literal["sum", "single_type"] = "sum"  # sum over types, or any one type
    risk_events_threshold: int = 2


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """Inputs from the health record: A.5.11 昏迷, A.4.1 疾病诊断 (ICD-10), A.2.14 近30天照护风险事件."""

    coma: bool = False
    diagnoses: tuple[str, ...] = ()
    psychiatrist_diagnosed: bool = False
    risk_events: Mapping[str, int] = field(default_factory=dict)  # event type -> count (3 = 3 or more)


@dataclass(frozen=True, slots=True)
class Adjustment:
    rule: Literal["coma", "dementia", "psychiatric", "risk_events"]
    reason: str
    from_level: int
    to_level: int

    @property
    def applied(self) -> bool:
        return self.to_level != self.from_level


@dataclass(frozen=True, slots=True)
class DimensionScore:
    code: str
    name: str
    score: int
    max_score: int
    grade: int | None = None


@dataclass(frozen=True, slots=True)
class Result:
    instrument: str
    version: int
    total: int
    dimensions: tuple[DimensionScore, ...]
    preliminary_level: int
    level: int
    level_name: str
    adjustments: tuple[Adjustment, ...]


@dataclass(frozen=True, slots=True)
class ItemProblem:
    item: str
    problem: Literal["missing", "unknown_item", "not_an_integer", "out_of_range"]
    allowed: tuple[int, ...] = ()


class InvalidAnswersError(ValueError):
    def __init__(self, problems: Sequence[ItemProblem]) -> None:
        super().__init__(", ".join(f"{p.item}: {p.problem}" for p in problems))
        self.problems = tuple(problems)


def check_answers(
    instrument: Instrument, answers: Mapping[str, object], *, partial: bool = False
) -> list[ItemProblem]:
    """Every problem with the answers, item by item (missing items only when not `partial`)."""
    problems: list[ItemProblem] = []
    for item in instrument.items:
        if item.code not in answers:
            if not partial:
                problems.append(ItemProblem(item.code, "missing", tuple(sorted(item.scores))))
            continue
        value = answers[item.code]
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(ItemProblem(item.code, "not_an_integer", tuple(sorted(item.scores))))
        elif value not in item.scores:
            problems.append(ItemProblem(item.code, "out_of_range", tuple(sorted(item.scores))))
    known = {i.code for i in instrument.items}
    problems.extend(ItemProblem(code, "unknown_item") for code in sorted(set(answers) - known))
    return problems


def icd10_category(code: str) -> str | None:
    """'F03.9' -> 'F03'; None for anything that is not an ICD-10 code."""
    match = ICD10_CODE.match(code.strip().upper())
    return f"{match.group(1)}{match.group(2)}" if match else None


def counts_as_risk(events: Mapping[str, int], policy: AdjustmentPolicy) -> bool:
    counts = [max(0, n) for n in events.values()]
    if policy.risk_events_counting == "single_type":
        return any(n >= policy.risk_events_threshold for n in counts)
    return sum(counts) >= policy.risk_events_threshold


def preliminary_level(instrument: Instrument, total: int) -> int:
    for level in instrument.levels:
        if (
            level.min_total is not None
            and level.max_total is not None
            and level.min_total <= total <= level.max_total
        ):
            return level.level
    raise ValueError(f"No level band of {instrument.code} holds the total {total}.")


def adjust_level(
    preliminary: int, facts: HealthFacts, *, rules: AdjustmentRules, policy: AdjustmentPolicy
) -> tuple[int, tuple[Adjustment, ...]]:
    """C.4: the final level and each rule that was triggered (a non-stacking second raise shows as 0)."""
    if facts.coma:
        return rules.coma_level, (Adjustment("coma", rules.coma_text, preliminary, rules.coma_level),)
    categories = {c for c in (icd10_category(d) for d in facts.diagnoses) if c}
    triggered: list[tuple[Literal["dementia", "psychiatric", "risk_events"], str]] = []
    if categories & rules.dementia_codes:
        triggered.append(("dementia", rules.dementia_text))
    else:
        low, high = rules.psychiatric_range
        in_range = any(low <= c <= high and c[0] == low[0] for c in categories)
        if in_range and (facts.psychiatrist_diagnosed or not rules.psychiatric_requires_psychiatrist):
            triggered.append(("psychiatric", rules.psychiatric_text))
    if counts_as_risk(facts.risk_events, policy):
        triggered.append(("risk_events", rules.risk_events_text))
    level = preliminary
    applied: list[Adjustment] = []
    raised = 0
    for rule, reason in triggered:
        step = 1 if (policy.stack_raises or raised == 0) else 0
        new_level = min(rules.raise_cap, level + step)
        applied.append(Adjustment(rule, reason, level, new_level))
        raised += new_level - level
        level = new_level
    return level, tuple(applied)


def score(
    instrument: Instrument,
    answers: Mapping[str, object],
    facts: HealthFacts | None = None,
    policy: AdjustmentPolicy | None = None,
) -> Result:
    """Score complete answers; raises InvalidAnswersError naming every bad or missing item."""
    problems = check_answers(instrument, answers)
    if problems:
        raise InvalidAnswersError(problems)
    values: dict[str, int] = {k: int(v) for k, v in answers.items()}  # type: ignore[call-overload]
    facts = facts or HealthFacts()
    policy = policy or AdjustmentPolicy()
    sums = {d.code: 0 for d in instrument.dimensions}
    for item in instrument.items:
        sums[item.dimension] += values[item.code]
    grades: dict[str, int | None] = {d.code: None for d in instrument.dimensions}
    if instrument.scoring == "mzt039_grades":
        grades = {d.code: _grade(d, sums[d.code], values) for d in instrument.dimensions}
        preliminary = mzt039_combined_grade(
            adl=int(grades["adl"] or 0),
            mental=int(grades["mental"] or 0),
            perception=int(grades["perception"] or 0),
            social=int(grades["social"] or 0),
        )
    total = sum(sums[d] for d in instrument.total_of) if instrument.total_of else sum(values.values())
    if instrument.scoring == "sum_bands":
        preliminary = preliminary_level(instrument, total)
    level, adjustments = adjust_level(preliminary, facts, rules=instrument.adjustments, policy=policy)
    return Result(
        instrument=instrument.code,
        version=instrument.version,
        total=total,
        dimensions=tuple(
            DimensionScore(d.code, d.name, sums[d.code], d.max_score, grades[d.code])
            for d in instrument.dimensions
        ),
        preliminary_level=preliminary,
        level=level,
        level_name=instrument.level(level).name,
        adjustments=adjustments,
    )


def _grade(dimension: Dimension, total: int, values: Mapping[str, int]) -> int:
    if dimension.grading == "perception_rule":
        return mzt039_perception_grade(
            consciousness=values["consciousness"],
            vision=values["vision"],
            hearing=values["hearing"],
            communication=values["communication"],
        )
    for band in dimension.grade_bands:
        if band.min_total <= total <= band.max_total:
            return band.grade
    raise ValueError(f"No grade band of {dimension.code} holds {total}.")


def mzt039_perception_grade(*, consciousness: int, vision: int, hearing: int, communication: int) -> int:
    """MZ/T 039 感知觉与沟通 (higher = worse). Consciousness: 0 清醒, 1 嗜睡, 2 昏睡, 3 昏迷."""
    if consciousness >= 2 or vision == 4 or hearing == 4 or communication == 3:
        return 3
    if consciousness == 1 or vision == 3 or hearing == 3 or communication == 2:
        return 2
    if vision == 2 or hearing == 2 or communication == 1:
        return 1
    return 0


def mzt039_combined_grade(*, adl: int, mental: int, perception: int, social: int) -> int:
    """MZ/T 039 判定卡, checked from the most severe grade down.

    Combinations the card leaves open (e.g. ADL 2 with the other three all at 0, or all at 1) take the
    ADL grade, the card's leading indicator.
    """
    others = (mental, perception, social)
    if adl == 3 or all(g == 2 for g in (adl, *others)) or (adl == 2 and 3 in others):
        return 3
    if (adl == 1 and (all(g == 2 for g in others) or 3 in others)) or (
        adl == 2 and 1 <= sum(1 for g in others if g in (1, 2)) <= 2
    ):
        return 2
    if (adl == 0 and (mental >= 1 or perception >= 1 or social >= 2)) or (
        adl == 1 and any(g in (0, 1) for g in others)
    ):
        return 1
    if adl == 0:
        return 0
    return adl


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def level_names(level: Level) -> tuple[str, ...]:
    """The ways a level is written: its full name and the short term in brackets, if any."""
    names = [level.name]
    for open_, close in (("（", "）"), ("(", ")")):
        if open_ in level.name and level.name.endswith(close):
            names.append(level.name[level.name.index(open_) + 1 : -1])
    return tuple(names)


def level_from_text(instrument: Instrument, text: str) -> int | None:
    """A level written as its number (0–4 as the instrument defines) or its name, full or the short term
    in brackets (能力轻度受损（轻度失能） or 轻度失能); None when the instrument has no such level."""
    value = text.strip()
    for level in instrument.levels:
        if value == str(level.level) or value in level_names(level):
            return level.level
    return None


def max_total(instrument: Instrument) -> int:
    """The highest total an instrument can give (the items of `total_of`, or all items)."""
    dims = set(instrument.total_of)
    return sum(i.max_score for i in instrument.items if not dims or i.dimension in dims)
