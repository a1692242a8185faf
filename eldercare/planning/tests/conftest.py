"""Fixtures of the planning tests: a small hand-made city with known answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from eldercare.planning.tests.factories import DISTRICT_A, DISTRICT_B, community, elder, load_city


@pytest.fixture
def city() -> dict[str, object]:
    """Elders whose presence on 2024-06-30 and age band are known by construction."""
    load_city()
    a, a2, b = community(DISTRICT_A), community(DISTRICT_A, 1), community(DISTRICT_B)
    made = {
        # counted on 2024-06-30
        "sixty_today": elder(a, date(1964, 6, 30)),  # turns 60 on the last day: counted, 60–69
        "seventies": elder(a, date(1950, 1, 1), special_difficulty=True, living_situation="alone"),
        "eighties": elder(a, date(1940, 7, 1)),  # 83 on 06-30 (84 the next day): 80–89
        "in_home": elder(a2, date(1930, 3, 3), status="in_institution"),  # 94: 90+
        "dies_later": elder(a2, date(1945, 1, 1), status="deceased", deceased_on=date(2024, 7, 15)),
        "b_poor": elder(b, date(1955, 5, 5), special_difficulty=True, economic_status="dibao"),
        "b_other": elder(b, date(1958, 8, 8)),
        # not counted on 2024-06-30
        "too_young": elder(a, date(1964, 7, 1)),  # 59 on 06-30
        "died_before": elder(a, date(1940, 1, 1), status="deceased", deceased_on=date(2024, 5, 1)),
        "moved_before": elder(b, date(1950, 1, 1), status="moved_out", status_changed_on=date(2024, 6, 1)),
        "merged": elder(b, date(1950, 1, 1), status="merged"),
    }
    return {"a": a, "a2": a2, "b": b, **made}


@pytest.fixture
def new_estates_manual() -> Iterator[None]:
    """JM01/WH04 (配套建设达标率) as in a city without the spatial module: no computation, so manual."""
    from eldercare.planning import registry
    from eldercare.planning.registry import indicator_computation

    key = "new_housing_facility_compliance"
    spec = registry.computation(key)
    registry.unregister(key)
    try:
        yield
    finally:
        if spec is not None:
            indicator_computation(key, grouped=spec.grouped)(spec.func)
