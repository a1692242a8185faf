"""Pure sampling rules of the synthetic demo city: no ORM, deterministic for a given random source."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class AgeBand:
    start: int
    end: int  # inclusive
    weight: float
    male_share: float


def calibrate_bands(
    raw: Sequence[Mapping[str, float]], *, share_80_plus: float, share_90_plus: float
) -> list[AgeBand]:
    """Rescale three groups (60–79, 80–89, 90+) so that 80+ and 90+ have the target shares of 60+,
    keeping the relative sizes of the bands inside each group."""
    if not 0 <= share_90_plus <= share_80_plus < 1:
        raise ValueError("need 0 <= share_90_plus <= share_80_plus < 1")
    targets = {"young": 1 - share_80_plus, "old": share_80_plus - share_90_plus, "oldest": share_90_plus}

    def group(start: float) -> str:
        return "young" if start < 80 else "old" if start < 90 else "oldest"

    totals: dict[str, float] = {}
    for band in raw:
        totals[group(band["from"])] = totals.get(group(band["from"]), 0.0) + band["persons"]
    bands = []
    for band in raw:
        g = group(band["from"])
        weight = band["persons"] / totals[g] * targets[g]
        ratio = band["sex_ratio"]
        bands.append(AgeBand(int(band["from"]), int(band["to"]), weight, ratio / (100 + ratio)))
    return bands


class AgeSampler:
    """Draws (age, sex) from the calibrated bands: band by weight, age uniform inside it."""

    def __init__(self, bands: Sequence[AgeBand]) -> None:
        self.bands = list(bands)
        self.cumulative = list(itertools.accumulate(b.weight for b in self.bands))

    def draw(self, rng: random.Random) -> tuple[int, str]:
        x = rng.random() * self.cumulative[-1]
        band = self.bands[min(bisect.bisect_right(self.cumulative, x), len(self.bands) - 1)]
        age = rng.randint(band.start, band.end)
        sex = "M" if rng.random() < band.male_share else "F"
        return age, sex


def birth_date_for_age(rng: random.Random, *, today: date, age: int) -> date:
    """A birth date at which the person is exactly `age` on `today`."""
    latest = _years_before(today, age)
    earliest = _years_before(today, age + 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def allocate(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split `total` in proportion to `weights` (largest remainder); the parts add up to `total`."""
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise ValueError("weights must have a positive sum")
    exact = {k: total * w / weight_sum for k, w in weights.items()}
    parts = {k: int(v) for k, v in exact.items()}
    short = total - sum(parts.values())
    for k in sorted(exact, key=lambda k: (exact[k] - parts[k], k), reverse=True)[:short]:
        parts[k] += 1
    return parts


def living_situation(
    rng: random.Random, *, rural: bool, alone: float, empty_nest: float, left_behind_rural: float
) -> str:
    x = rng.random()
    if x < alone:
        return "alone"
    if x < alone + empty_nest:
        return "empty_nest"
    if rural and x < alone + empty_nest + left_behind_rural:
        return "left_behind"
    return "with_children"


def economic_status(rng: random.Random, *, tekun: float, dibao: float, dibian: float) -> str:
    x = rng.random()
    if x < tekun:
        return "tekun"
    if x < tekun + dibao:
        return "dibao"
    if x < tekun + dibao + dibian:
        return "dibian"
    return "ordinary"


def chinese_name(rng: random.Random, *, surnames: Sequence[tuple[str, float]], given: Sequence[str]) -> str:
    surname = rng.choices([s for s, _ in surnames], weights=[w for _, w in surnames])[0]
    return surname + "".join(rng.choice(given) for _ in range(1 if rng.random() < 0.3 else 2))


def mobile_number(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))
