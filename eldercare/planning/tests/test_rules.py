"""The target path, traffic lights, gaps and roll-ups, as pure functions."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from eldercare.planning import rules

JM02_BASE, JM02_TARGETS = {"2020": 47}, {"2023": 50, "2025": 55}


def test_the_path_runs_straight_from_the_base_to_each_target() -> None:
    points = rules.target_path(base=JM02_BASE, targets=JM02_TARGETS)
    assert rules.expected_on(points, date(2020, 12, 31)) == 47
    assert rules.expected_on(points, date(2023, 12, 31)) == 50
    halfway = date(2024, 12, 31)  # 366 of 731 days from 2023-12-31 to 2025-12-31
    assert rules.expected_on(points, halfway) == 50 + 5 * 366 / 731
    assert rules.expected_on(points, date(2027, 1, 1)) == 55
    assert rules.expected_on(points, date(2019, 1, 1)) == 47


def test_without_a_base_the_first_observation_starts_the_path() -> None:
    first = rules.PathPoint(date(2022, 6, 30), 20.0)
    points = rules.target_path(base={}, targets={"2023": 40, "2025": 60}, first_observed=first)
    assert points[0] == first
    assert rules.expected_on(points, date(2023, 12, 31)) == 40
    assert rules.target_path(base={}, targets={"2025": 100})[0].value == 100


def test_traffic_lights_against_the_path() -> None:
    # JM02 on 2024-06-30: expected = 50 + 5 × 182/731 ≈ 51.24; band = 10 % of (55 − 47) = 0.8
    on = date(2024, 6, 30)
    green = rules.assess(direction=">=", base=JM02_BASE, targets=JM02_TARGETS, value=53, on=on)
    amber = rules.assess(direction=">=", base=JM02_BASE, targets=JM02_TARGETS, value=50.8, on=on)
    red = rules.assess(direction=">=", base=JM02_BASE, targets=JM02_TARGETS, value=50, on=on)
    assert (green.status, amber.status, red.status) == ("green", "amber", "red")
    assert (green.target_year, green.target, green.gap) == (2025, 55, 2)
    assert (
        rules.assess(direction=">=", base=JM02_BASE, targets=JM02_TARGETS, value=None, on=on).status == "none"
    )
    assert (
        rules.assess(direction="established", base={}, targets={"2025": "全面建立"}, value=0.5, on=on).status
        == "amber"
    )
    # ">" needs to be strictly above once the final year has come
    assert (
        rules.assess(direction=">", base={}, targets={"2025": 60}, value=60, on=date(2025, 12, 31)).status
        == "amber"
    )
    assert (
        rules.assess(direction="<=", base={"2020": 10}, targets={"2025": 5}, value=4, on=on).status == "green"
    )


@given(
    value=st.floats(min_value=0, max_value=200, allow_nan=False),
    lead=st.floats(min_value=0, max_value=50, allow_nan=False),
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31)),
)
def test_more_is_never_worse_for_a_minimum_indicator(value: float, lead: float, day: date) -> None:
    order = {"red": 0, "amber": 1, "green": 2}
    low = rules.assess(direction=">=", base=JM02_BASE, targets=JM02_TARGETS, value=value, on=day)
    high = rules.assess(direction=">=", base=JM02_BASE, targets=JM02_TARGETS, value=value + lead, on=day)
    assert order[high.status] >= order[low.status]
    assert high.gap is not None and low.gap is not None and high.gap <= low.gap


@given(st.lists(st.tuples(st.integers(0, 99), st.integers(0, 1000), st.integers(0, 1000)), max_size=40))
def test_roll_up_sums_parts_to_every_level(parts: list[tuple[int, int, int]]) -> None:
    rows = [(f"4407{n % 10:02d}{n:03d}001", float(a), float(b)) for n, a, b in parts]
    summed = rules.roll_up(rows, lengths=(4, 6, 9))
    if rows:
        assert summed["4407"] == (sum(r[1] for r in rows), sum(r[2] for r in rows))
        districts = [v for k, v in summed.items() if len(k) == 6]
        assert sum(v[0] for v in districts) == summed["4407"][0]


def test_values_and_small_cells() -> None:
    assert rules.value_of(2, 7, scale=100) == 100 * 2 / 7
    assert rules.value_of(0, 0, scale=100) is None
    assert rules.value_of(12_500, None, scale=0.0001) == 1.25
    assert rules.suppress_small(3, threshold=5) is None and rules.suppress_small(0, threshold=5) == 0
    assert rules.month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert rules.months_back(date(2024, 1, 1), 3) == [date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1)]
