"""Pure decisions of the workforce registry: listing periods, staffing and social-worker ratios,
credit balance, skill subsidies. No Django; plain data in, plain data out."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date


def listing_in_force(*, starts_on: date, ends_on: date | None, removed: bool, on: date) -> bool:
    """A joint-punishment listing binds on [starts_on, ends_on) unless it was removed."""
    return not removed and starts_on <= on and (ends_on is None or on < ends_on)


@dataclass(frozen=True, slots=True)
class StaffingResult:
    required: int
    employed: int
    shortfall: int
    by_level: tuple[tuple[str, int, int], ...]  # (care level, residents, workers required)
    unknown_levels: tuple[str, ...]


def staffing_requirement(
    *, residents_by_level: Mapping[str, int], residents_per_worker: Mapping[str, float], employed: int
) -> StaffingResult:
    """Workers an institution needs: per care level ceil(residents / ratio), summed.

    A level without a ratio in the policy is reported in `unknown_levels` and needs no workers (so a
    gap in the policy shows, instead of being silently counted at some other level's ratio).
    """
    rows: list[tuple[str, int, int]] = []
    unknown: list[str] = []
    for level in sorted(residents_by_level):
        residents = max(0, residents_by_level[level])
        ratio = residents_per_worker.get(level)
        if ratio is None or ratio <= 0:
            unknown.append(level)
            rows.append((level, residents, 0))
            continue
        rows.append((level, residents, math.ceil(residents / ratio)))
    required = sum(r[2] for r in rows)
    return StaffingResult(
        required=required,
        employed=employed,
        shortfall=max(0, required - employed),
        by_level=tuple(rows),
        unknown_levels=tuple(unknown),
    )


@dataclass(frozen=True, slots=True)
class SocialWorkerRatio:
    social_workers: int
    elders: int
    beds: int | None
    per_1000_elders: float | None
    per_100_beds: float | None
    target_per_1000_elders: float | None
    target_per_100_beds: float | None
    shortfall: int  # workers missing to meet every target that can be computed
    meets_target: bool | None  # None when no target could be computed


def social_worker_ratio(
    *,
    social_workers: int,
    elders: int,
    beds: int | None,
    target_per_1000_elders: float | None,
    target_per_100_beds: float | None,
) -> SocialWorkerRatio:
    """每千名老年人 / 每百张床位 社会工作者: the ratios and the workers missing to meet both targets.

    `beds` is None while bed counts are unavailable: the per-bed ratio is then unknown, not zero.
    """
    per_1000 = round(social_workers * 1000 / elders, 3) if elders > 0 else None
    per_100 = round(social_workers * 100 / beds, 3) if beds else None
    needed = [0]
    if target_per_1000_elders is not None and elders > 0:
        needed.append(math.ceil(elders * target_per_1000_elders / 1000 - 1e-9))
    if target_per_100_beds is not None and beds:
        needed.append(math.ceil(beds * target_per_100_beds / 100 - 1e-9))
    computable = len(needed) > 1
    shortfall = max(0, max(needed) - social_workers)
    return SocialWorkerRatio(
        social_workers=social_workers,
        elders=elders,
        beds=beds,
        per_1000_elders=per_1000,
        per_100_beds=per_100,
        target_per_1000_elders=target_per_1000_elders,
        target_per_100_beds=target_per_100_beds,
        shortfall=shortfall,
        meets_target=(shortfall == 0) if computable else None,
    )


def credit_balance(entries: Iterable[tuple[str, int]]) -> int:
    """Sum of (direction, points): positive entries add, negative subtract."""
    return sum(points if direction == "positive" else -points for direction, points in entries)


def best_skill_level(levels: Iterable[int]) -> int | None:
    """The highest skill level held; level 1 (一级/高级技师) is the highest, 5 the entry level."""
    valid = [level for level in levels if 1 <= level <= 5]
    return min(valid) if valid else None


def skill_subsidy_fen(*, level: int | None, table: Mapping[str, int]) -> int:
    """The skill-level subsidy for a certified level (0 when uncertified or the level is not listed)."""
    if level is None:
        return 0
    return max(0, int(table.get(str(level), 0)))
