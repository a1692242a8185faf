"""The pure engine: walking time, coverage on a hand-made city, MCLP against enumeration, projection."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eldercare.spatial import rules
from eldercare.spatial.travel import KM_PER_DEG_LAT, StraightLineWalk, TravelTimeSource

WALK = StraightLineWalk(detour_factor=1.3, speed_kmh=4.5, lat0=0.0)
KM = 1 / KM_PER_DEG_LAT  # one kilometre north, in degrees


def test_fifteen_minutes_at_4_5_kmh_with_detour_1_3_reach_865_metres_in_a_straight_line() -> None:
    assert WALK.km_for_minutes(15) == pytest.approx(4.5 / 4 / 1.3)
    minutes, idx = WALK.nearest(np.array([[0.0, 0.0]]), np.array([[0.0, 1 * KM], [0.0, 3 * KM]]))
    assert idx[0] == 0 and minutes[0] == pytest.approx(1.3 / 4.5 * 60)


def test_the_straight_line_walk_is_a_travel_time_source() -> None:
    assert isinstance(WALK, TravelTimeSource)


def test_coverage_of_a_hand_made_city_has_the_known_answers() -> None:
    # a street of five elders at 0, 0.5, 0.8, 0.9 and 2 km north of a day-care centre at 0
    elders = np.array([[0.0, d * KM] for d in (0, 0.5, 0.8, 0.9, 2.0)])
    centre = np.array([[0.0, 0.0]])
    result = rules.coverage(WALK, elders, centre, threshold_minutes=15)
    # 15 min reach 0.865 km: the first three are covered, not the last two
    assert result.covered.tolist() == [True, True, True, False, False]
    # two communities: elders 0–2 in community 0, the others in community 1; elders 2 and 4 disabled
    sums = rules.aggregate_by_area(
        np.array([0, 0, 0, 1, 1]),
        2,
        result.covered,
        disabled=np.array([0, 0, 1, 0, 1]),
        aged80=np.array([1, 0, 0, 1, 0]),
    )
    assert sums["elders"].tolist() == [3, 2] and sums["covered"].tolist() == [3, 0]
    assert sums["disabled_covered"].tolist() == [1, 0] and sums["aged80_covered"].tolist() == [1, 0]


def test_without_any_facility_nobody_is_covered() -> None:
    result = rules.coverage(WALK, np.array([[0.0, 0.0]]), np.zeros((0, 2)), threshold_minutes=15)
    assert not result.covered.any() and result.nearest.tolist() == [-1]


def test_totals_roll_up_from_communities_to_streets_and_districts() -> None:
    t = {
        "440703001001": rules.AreaTotals(2, 1),
        "440703001002": rules.AreaTotals(3, 3),
        "440704001001": rules.AreaTotals(5, 0),
    }
    streets = rules.roll_up(t, 9)
    assert (streets["440703001"].elders, streets["440703001"].covered) == (5, 4)
    assert rules.roll_up(t, 6)["440704"].share("covered") == 0


def test_uncovered_cells_drop_cells_with_fewer_elders_than_the_threshold() -> None:
    pts = np.array([[113.0, 22.5]] * 12 + [[113.2, 22.7]] * 3)
    cells = rules.uncovered_cells(pts, np.ones(len(pts)), cell_km=0.5, min_count=10, lat0=22.5)
    assert len(cells) == 1 and cells[0][2] == 12


def _problem(
    seed: int, n_demand: int, n_cand: int, k: int, required: bool, budget: bool
) -> rules.SitingProblem:
    rng = np.random.default_rng(seed)
    demand = rng.random((n_demand, 2)) * 3 * KM
    cand = rng.random((n_cand, 2)) * 3 * KM
    i, j = WALK.pairs_within(demand, cand, 15)
    costs = rng.integers(1, 4, n_cand).astype(float) if budget else None
    return rules.SitingProblem(
        weights=rng.random(n_demand) * 3,
        pair_demand=i,
        pair_candidate=j,
        n_candidates=n_cand,
        k=k,
        costs=costs,
        budget=5.0 if budget else None,
        required_groups=[[0, 1]] if required else [],
    )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_cand=st.integers(2, 8),
    k=st.integers(1, 3),
    required=st.booleans(),
    budget=st.booleans(),
)
def test_the_milp_siting_equals_the_optimum_found_by_enumeration(
    seed: int, n_cand: int, k: int, required: bool, budget: bool
) -> None:
    problem = _problem(seed, 25, n_cand, k, required, budget)
    exact = rules.solve_enumeration(problem)
    milp = rules.solve_mclp(problem)
    assert milp.objective == pytest.approx(exact.objective, abs=1e-6)
    assert sum(milp.gains) == pytest.approx(milp.objective)
    assert milp.gap <= 1e-3
    # greedy is feasible and never better than the optimum
    greedy = rules.solve_greedy(problem)
    assert greedy.objective <= exact.objective + 1e-6
    assert len(greedy.chosen) <= k


def test_siting_on_a_small_instance_picks_the_two_sites_that_cover_most_need() -> None:
    # demand at 0, 1, 2, 3 km (weights 1, 5, 1, 5); candidates at 1 km and 3 km and 0 km; K = 2
    demand = np.array([[0.0, d * KM] for d in (0, 1, 2, 3)])
    cand = np.array([[0.0, 1 * KM], [0.0, 3 * KM], [0.0, 0.0]])
    i, j = WALK.pairs_within(demand, cand, 15)
    problem = rules.SitingProblem(np.array([1.0, 5, 1, 5]), i, j, 3, 2)
    solution = rules.solve_mclp(problem)
    assert sorted(solution.chosen) == [0, 1] and solution.objective == pytest.approx(10)
    assert solution.gains == [5, 5] and solution.status == "optimal"


def test_a_required_street_gets_its_site_even_when_another_would_cover_more() -> None:
    demand = np.array([[0.0, d * KM] for d in (0, 1, 2, 3)])
    cand = np.array([[0.0, 1 * KM], [0.0, 3 * KM], [0.0, 0.0]])
    i, j = WALK.pairs_within(demand, cand, 15)
    problem = rules.SitingProblem(np.array([1.0, 5, 1, 5]), i, j, 3, 2, required_groups=[[2]])
    assert 2 in rules.solve_mclp(problem).chosen and 2 in rules.solve_greedy(problem).chosen


@given(
    pop=st.lists(st.floats(0, 1e5), min_size=6, max_size=6),
    years=st.integers(0, 15),
)
def test_without_deaths_or_entries_the_projection_keeps_everyone(pop: list[float], years: int) -> None:
    path = rules.project_cohorts(pop, annual_death_probability=[0.0] * 6, entries_per_year=0, years=years)
    assert sum(path[-1]) == pytest.approx(sum(pop), rel=1e-9, abs=1e-6)
    assert len(path) == years + 1


def test_the_projection_ages_a_fifth_of_a_band_each_year_and_adds_the_entries() -> None:
    path = rules.project_cohorts(
        [100, 0, 0, 0, 0, 0], annual_death_probability=[0.1] + [0] * 5, entries_per_year=7, years=1
    )
    assert path[1] == pytest.approx([90 * 0.8 + 7, 18, 0, 0, 0, 0])


def test_bed_demand_applies_disability_rates_and_the_nursing_share() -> None:
    disabled, beds, nursing = rules.bed_demand(
        [100] * 6, disability_rate=[0.1] * 6, beds_per_disabled=0.5, nursing_share=0.55
    )
    assert (disabled, beds, nursing) == pytest.approx((60, 30, 16.5))


@given(households=st.integers(1, 100_000), per=st.floats(1, 50))
def test_a_development_complies_only_when_accepted_with_the_required_area(
    households: int, per: float
) -> None:
    required = rules.required_area_m2(households, per)
    assert rules.development_complies(provided_m2=required, required_m2=required, accepted=True)
    assert not rules.development_complies(provided_m2=required, required_m2=required, accepted=False)
    assert not rules.development_complies(provided_m2=required * 0.9, required_m2=required, accepted=True)
