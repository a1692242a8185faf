"""Pure rules of plan monitoring: the target path, red/amber/green, the gap, and roll-ups.

No Django here: plain data in, plain data out.

The target path (规划目标路径)
    A plan gives a base value (e.g. 2020: 47 %) and targets for later years (2023: 50, 2025: 55). Each is
    placed at the end of its year (31 December). The expected value on a date is read off the straight
    lines between consecutive points; before the first point it is the first point's value, after the
    last it is the last target. Without a base value in the plan, the first value the platform recorded
    for that division (its month's end) is the base; with neither, the path is the first target itself.

Red / amber / green (against the path, on the date of the value)
    band = `amber_band` (policy `planning.rag`, default 0.10) × |final target − base| — the share of the
    plan's whole change one may lag behind; when base and target are equal (e.g. 100 → 100) the band is
    `amber_band` × |final target|.
    ≥ and >: green if value ≥ expected (for >, strictly above once the final target year has come),
             amber if value ≥ expected − band, otherwise red.
    ≤:       mirrored: green if value ≤ expected, amber if value ≤ expected + band, otherwise red.
    =:       green if |value − expected| ≤ band / 2, amber if ≤ band, otherwise red.
    established (qualitative): 1 (全面建立) green, 0.5 (建设中) amber, 0 (未建立) red.
    No value, or no target at all: no colour.

The gap (差距)
    measured against the next target (the first target year on or after the date's year; after the last
    target year, the last target): for ≥ and > it is max(0, target − value), for ≤ max(0, value − target),
    for = |value − target|. Zero means the next target is already met.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

Number = float | int


@dataclass(frozen=True, slots=True)
class PathPoint:
    on: date
    value: float


@dataclass(frozen=True, slots=True)
class Assessment:
    expected: float | None
    target: float | None
    target_year: int | None
    gap: float | None
    status: str  # green / amber / red / none


def _numeric(items: Mapping[str, object]) -> list[tuple[int, float]]:
    out = []
    for year, value in items.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.append((int(year), float(value)))
    return sorted(out)


def target_path(
    *, base: Mapping[str, object], targets: Mapping[str, object], first_observed: PathPoint | None = None
) -> list[PathPoint]:
    """The points of the path: base (or first observation) then each numeric target at its year's end."""
    points = [PathPoint(date(y, 12, 31), v) for y, v in _numeric(base)]
    if not points and first_observed is not None:
        target_years = [y for y, _v in _numeric(targets)]
        if target_years and first_observed.on < date(target_years[0], 12, 31):
            points = [first_observed]
    points += [PathPoint(date(y, 12, 31), v) for y, v in _numeric(targets)]
    points.sort(key=lambda p: p.on)
    return points


def expected_on(points: list[PathPoint], on: date) -> float | None:
    """Linear interpolation on the path (by days); flat before the first and after the last point."""
    if not points:
        return None
    if on <= points[0].on:
        return points[0].value
    for left, right in pairwise(points):
        if on <= right.on:
            span = (right.on - left.on).days
            if span <= 0:
                return right.value
            return left.value + (right.value - left.value) * (on - left.on).days / span
    return points[-1].value


def next_target(targets: Mapping[str, object], on: date) -> tuple[int, float] | None:
    numeric = _numeric(targets)
    if not numeric:
        return None
    for year, value in numeric:
        if year >= on.year:
            return year, value
    return numeric[-1]


def gap_to(direction: str, value: float, target: float) -> float:
    if direction in (">=", ">"):
        return max(0.0, target - value)
    if direction == "<=":
        return max(0.0, value - target)
    return abs(value - target)


def rag(
    *,
    direction: str,
    value: float | None,
    expected: float | None,
    band: float,
    final_year_reached: bool = False,
) -> str:
    if value is None:
        return "none"
    if direction == "established":
        return "green" if value >= 1 else "amber" if value >= 0.5 else "red"
    if expected is None:
        return "none"
    if direction in (">=", ">"):
        on_track = value > expected if (direction == ">" and final_year_reached) else value >= expected
        if on_track:
            return "green"
        return "amber" if value >= expected - band else "red"
    if direction == "<=":
        if value <= expected:
            return "green"
        return "amber" if value <= expected + band else "red"
    if abs(value - expected) <= band / 2:
        return "green"
    return "amber" if abs(value - expected) <= band else "red"


def assess(
    *,
    direction: str,
    base: Mapping[str, object],
    targets: Mapping[str, object],
    value: float | None,
    on: date,
    amber_band: float = 0.10,
    first_observed: PathPoint | None = None,
) -> Assessment:
    """Expected value on the path, the next target, the gap and the colour for one value."""
    points = target_path(base=base, targets=targets, first_observed=first_observed)
    expected = expected_on(points, on)
    nxt = next_target(targets, on)
    final = _numeric(targets)[-1] if _numeric(targets) else None
    if points and final is not None:
        start = points[0].value
        span = abs(final[1] - start) or abs(final[1])
        band = amber_band * span
    else:
        band = 0.0
    status = rag(
        direction=direction,
        value=value,
        expected=expected,
        band=band,
        final_year_reached=final is not None and on.year >= final[0],
    )
    gap = gap_to(direction, value, nxt[1]) if (value is not None and nxt is not None) else None
    return Assessment(
        expected=expected,
        target=nxt[1] if nxt else None,
        target_year=nxt[0] if nxt else None,
        gap=gap,
        status=status,
    )


def value_of(numerator: float | None, denominator: float | None, *, scale: float) -> float | None:
    """scale × numerator ÷ denominator (a ratio), or scale × numerator (a count); None if undefined."""
    if numerator is None:
        return None
    if denominator is None:
        return scale * numerator
    if denominator == 0:
        return None
    return scale * numerator / denominator


def roll_up(
    parts: Iterable[tuple[str, float, float | None]], *, lengths: Iterable[int]
) -> dict[str, tuple[float, float | None]]:
    """Sum (code, numerator, denominator) rows to every ancestor code of the given lengths.

    A code shorter than a length does not contribute to that level (it cannot be placed below it).
    The denominator stays None only when every contributing row had none.
    """
    wanted = sorted(set(lengths))
    sums: dict[str, list[float | None]] = {}
    for code, numerator, denominator in parts:
        for n in wanted:
            if len(code) < n:
                continue
            key = code[:n]
            entry = sums.setdefault(key, [0.0, None])
            entry[0] = float(entry[0] or 0) + numerator
            if denominator is not None:
                entry[1] = float(entry[1] or 0) + denominator
    return {code: (float(v[0] or 0), v[1]) for code, v in sums.items()}


def month_end(month: date) -> date:
    """The last day of the month that `month` falls in."""
    if month.month == 12:
        return date(month.year, 12, 31)
    return date(month.year, month.month + 1, 1) - timedelta(days=1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_back(month: date, count: int) -> list[date]:
    """`count` month starts ending with `month`'s, oldest first."""
    out = []
    y, m = month.year, month.month
    for _ in range(count):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


def suppress_small(value: float | None, *, threshold: int) -> float | None:
    """Open-data rule: counts of people below the threshold (but above zero) are not published."""
    if value is None:
        return None
    return None if 0 < value < threshold else value
