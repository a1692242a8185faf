"""Demo-city steps contributed by each app.

An app adds its part of the synthetic city (institutions, assessments, orders, alarms …) in its own
`demo.py` with `@demo_step(order=…)`; `build_demo_city` discovers those modules and runs the steps in
order after the elders and accounts exist. Steps must be deterministic for a given `ctx.seed`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoContext:
    city_key: str
    city_code: str
    scale: float
    seed: int
    today: date
    actor: Any = None
    notes: list[str] = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """A random source of its own for each step, so adding a step never changes another's output."""
        return random.Random(f"{self.seed}:{self.city_code}:{name}")


DemoStep = Callable[[DemoContext], None]
_STEPS: list[tuple[int, str, DemoStep]] = []


def demo_step(*, order: int) -> Callable[[DemoStep], DemoStep]:
    def register(step: DemoStep) -> DemoStep:
        name = f"{step.__module__}.{step.__name__}"
        if all(existing != name for _o, existing, _s in _STEPS):
            _STEPS.append((order, name, step))
        return step

    return register


DemoReset = Callable[[str], None]
_RESETS: dict[str, DemoReset] = {}


def demo_reset(func: DemoReset) -> DemoReset:
    """Register a function that deletes an app's rows about a city's elders (given the city code) before
    `--reset` deletes the elders themselves; without it, the app's foreign keys would block the reset."""
    _RESETS[f"{func.__module__}.{func.__name__}"] = func
    return func


def registered_resets() -> list[DemoReset]:
    """The resets in the reverse order of the steps that built the rows: a later step's rows (a provider's
    staff) refer to an earlier step's (the provider), so they must go first."""
    steps = registered_steps()

    def built_at(name: str) -> tuple[int, str]:
        module = name.rsplit(".", 1)[0]
        orders = [order for order, step, _s in steps if step.rsplit(".", 1)[0] == module]
        return (min(orders, default=0), name)

    return [_RESETS[name] for name in sorted(_RESETS, key=built_at, reverse=True)]


def registered_steps() -> list[tuple[int, str, DemoStep]]:
    autodiscover_modules("demo")
    return sorted(_STEPS, key=lambda entry: (entry[0], entry[1]))
