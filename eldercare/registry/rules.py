"""Pure decisions of the registry: the special-difficulty flag, pinyin initials, ID-number variants.

No Django here: plain data in, plain data out, so every rule is tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


@dataclass(frozen=True, slots=True)
class ElderFacts:
    """What the special-difficulty rule reads from a record."""

    birth_date: date
    living_situation: str
    economic_status: str
    groups: frozenset[str]
    disability_grade: int | None = None  # of the 残疾证 membership, 1 (most severe) … 4
    dementia_diagnosed: bool = False
    ability_level: int | None = None  # GB/T 42195 level 0–4 when an assessment exists (assessment module)
    status: str = "active"


@dataclass(frozen=True, slots=True)
class SpecialDifficultyPolicy:
    """Which facts make an elder 特殊困难老年人 (policy key `registry.special_difficulty`)."""

    living_situations: frozenset[str]
    economic_statuses: frozenset[str]
    groups: frozenset[str]
    max_disability_grade: int  # grades 1..max count as 重残
    dementia: bool
    min_ability_level: int | None  # 失能: assessed level at or above this
    min_age: int = 60

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> SpecialDifficultyPolicy:
        level = value.get("min_ability_level")
        return cls(
            living_situations=frozenset(value.get("living_situations", ())),
            economic_statuses=frozenset(value.get("economic_statuses", ())),
            groups=frozenset(value.get("groups", ())),
            max_disability_grade=int(value.get("max_disability_grade", 2)),
            dementia=bool(value.get("dementia", True)),
            min_ability_level=None if level is None else int(level),
            min_age=int(value.get("min_age", 60)),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    flag: bool
    reasons: tuple[str, ...]


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def special_difficulty(facts: ElderFacts, *, policy: SpecialDifficultyPolicy, today: date) -> Decision:
    """特殊困难老年人 (民政部等 2022 探访关爱指导意见): any one qualifying fact sets the flag.

    Reasons are stable codes (`living:alone`, `economic:dibao`, `group:fp_special`, `disability:1`,
    `dementia`, `ability:3`) that pages translate; only active elders of the minimum age are flagged.
    """
    if facts.status not in ("active", "in_institution") or age_on(facts.birth_date, today) < policy.min_age:
        return Decision(False, ())
    reasons: list[str] = []
    if facts.living_situation in policy.living_situations:
        reasons.append(f"living:{facts.living_situation}")
    if facts.economic_status in policy.economic_statuses:
        reasons.append(f"economic:{facts.economic_status}")
    reasons.extend(f"group:{g}" for g in sorted(facts.groups & policy.groups))
    if (
        "disability" in facts.groups
        and facts.disability_grade is not None
        and facts.disability_grade <= policy.max_disability_grade
    ):
        reasons.append(f"disability:{facts.disability_grade}")
    if policy.dementia and facts.dementia_diagnosed:
        reasons.append("dementia")
    if (
        policy.min_ability_level is not None
        and facts.ability_level is not None
        and facts.ability_level >= policy.min_ability_level
    ):
        reasons.append(f"ability:{facts.ability_level}")
    return Decision(bool(reasons), tuple(reasons))


@lru_cache(maxsize=65536)
def name_initials(name: str) -> str:
    """Lower-case pinyin initials of a Chinese name (张三丰 → zsf); letters in the name are kept."""
    letters = lazy_pinyin(name.strip(), style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(ch for ch in "".join(letters).lower() if ch.isalnum())[:32]


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def upgrade_legacy_id(number: str) -> str | None:
    """The 18-character form of a 15-digit legacy ID (century 19 inserted, check digit added)."""
    number = number.strip()
    if len(number) != 15 or not number.isdigit():
        return None
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def id_typo_variants(number: str) -> set[str]:
    """Valid ID numbers one typing slip away in the 17 digits: one digit changed, or two neighbours
    swapped, each with its own check character (MOD 11-2 catches a slip when the check character is
    kept, so a slipped number that passed validation had its check character computed anew).
    About 170 numbers: looked up by hash in one query.
    """
    if len(number) != 18:
        return set()
    body = number[:17]
    candidates: set[str] = set()
    for i in range(17):
        for digit in "0123456789":
            if digit != body[i]:
                candidates.add(body[:i] + digit + body[i + 1 :])
        if i < 16 and body[i] != body[i + 1]:
            candidates.add(body[:i] + body[i + 1] + body[i] + body[i + 2 :])
    return {c + check_character(c) for c in candidates}


def changed_fields(before: dict[str, object], after: dict[str, object]) -> dict[str, list[object]]:
    """{field: [old, new]} for the fields of `after` whose value differs."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def split_conditions(text: str, separators: Iterable[str] = (";", "；", "、", ",", "，")) -> list[str]:
    """A department's list cell ("高血压；糖尿病") as a sorted list without blanks or repeats."""
    for sep in separators:
        text = text.replace(sep, ";")
    return sorted({part.strip() for part in text.split(";") if part.strip()})


# ---- privacy (PIPL): when an elder's personal fields may be erased, and retention cut-offs

EXITED_STATUSES = frozenset({"deceased", "moved_out"})


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def erasure_allowed(*, status: str, exited_on: date | None, today: date, retention_years: int) -> bool:
    """Personal fields may be erased only for an elder who died or left, once the retention period since
    that day has passed; a living, resident elder's record is still needed to serve them."""
    if status not in EXITED_STATUSES or exited_on is None:
        return False
    return exited_on <= years_before(today, retention_years)
