"""The indicator computation registry: modules say how to compute what they own.

Each app that owns data registers its computations in its own `indicators.py`, discovered with
`autodiscover_modules("indicators")`:

    from eldercare.planning.registry import Measure, indicator_computation, key_counts

    @indicator_computation("nursing_bed_share", grouped=True)
    def nursing_bed_share(division_code: str, on: date) -> dict[str, Measure]:
        # {division code under division_code: Measure(nursing beds, institution beds)}
        ...

A computation takes (division_code, on_date) and returns a `Measure` (numerator, denominator) for that
division. With `grouped=True` it instead returns a mapping from division codes *under* division_code
(communities, streets — any depth) to additive measures, and the refresh sums them up to street, district
and city in one pass (one query per month instead of one per division). The value shown is
`scale × Σnumerator ÷ Σdenominator` (or `scale × Σnumerator` without a denominator), with the scale of the
indicator (data/indicators.toml), so a ratio is always recomputed from its parts, never averaged.

Key counts (elders by age band, alarms, time-bank hours …) are registered with `@key_counts(group, labels)`:
the function takes (division_code, start, end) and returns {key: {division code: number}}, additive.
`start`..`end` is the month (flow counts sum over it); stock counts are as of `end`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True, slots=True)
class Measure:
    """An additive measurement: a count, or the two counts of a ratio."""

    numerator: float
    denominator: float | None = None

    def __add__(self, other: Measure) -> Measure:
        if self.denominator is None and other.denominator is None:
            return Measure(self.numerator + other.numerator)
        return Measure(self.numerator + other.numerator, (self.denominator or 0) + (other.denominator or 0))


SingleComputation = Callable[[str, date], Measure]
GroupedComputation = Callable[[str, date], Mapping[str, Measure]]


@dataclass(frozen=True, slots=True)
class ComputationSpec:
    key: str
    func: Callable[[str, date], Any]
    grouped: bool
    module: str


@dataclass(frozen=True, slots=True)
class KeyCountSpec:
    group: str
    labels: Mapping[str, str]
    units: Mapping[str, str]
    flow: bool
    func: Callable[[str, date, date], Mapping[str, Mapping[str, float]]]
    module: str


_COMPUTATIONS: dict[str, ComputationSpec] = {}
_KEY_COUNTS: dict[str, KeyCountSpec] = {}
_discovered = False


def indicator_computation(key: str, *, grouped: bool = False) -> Callable[[Any], Any]:
    """Register a computation under `key` (the key that data/indicators.toml maps indicator codes to)."""

    def register(func: Any) -> Any:
        _COMPUTATIONS[key] = ComputationSpec(
            key=key, func=func, grouped=grouped, module=func.__module__.split(".")[1]
        )
        return func

    return register


def key_counts(
    group: str, *, labels: Mapping[str, str], units: Mapping[str, str] | None = None, flow: bool = False
) -> Callable[[Any], Any]:
    """Register a function producing the key counts named in `labels` ({key: label})."""

    def register(func: Any) -> Any:
        _KEY_COUNTS[group] = KeyCountSpec(
            group=group,
            labels=dict(labels),
            units=dict(units or {}),
            flow=flow,
            func=func,
            module=func.__module__.split(".")[1],
        )
        return func

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("indicators")
        _discovered = True


def computations() -> dict[str, ComputationSpec]:
    _discover()
    return dict(_COMPUTATIONS)


def computation(key: str) -> ComputationSpec | None:
    if not key:
        return None
    _discover()
    return _COMPUTATIONS.get(key)


def key_count_specs() -> list[KeyCountSpec]:
    _discover()
    return [spec for _group, spec in sorted(_KEY_COUNTS.items())]


def key_count_labels() -> dict[str, tuple[str, str]]:
    """{key: (label, unit)} of every registered key count, in registration order of the groups."""
    return {
        key: (label, spec.units.get(key, ""))
        for spec in key_count_specs()
        for key, label in spec.labels.items()
    }


def unregister(key: str) -> None:
    """Tests only: remove a computation registered for the test."""
    _COMPUTATIONS.pop(key, None)
