"""Coverage and siting runs over the registers, the 配套建设 register and the indicators fed by them."""

from __future__ import annotations

from datetime import date

import pytest

from eldercare.core.exceptions import DomainError
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import DISTRICT
from eldercare.planning.registry import computation
from eldercare.spatial import services, tasks
from eldercare.spatial.models import CoverageArea
from eldercare.spatial.tests.factories import (
    communities,
    elder_at,
    facility_at,
    hand_made_street,
    load_policies,
)

pytestmark = pytest.mark.django_db
ALL = DataScope.everything()
ON = date(2025, 6, 30)


def test_a_coverage_run_stores_the_known_shares_of_a_hand_made_street() -> None:
    city = hand_made_street()
    run = services.coverage_run_create(scope=ALL, division_code=DISTRICT, actor=None, on=ON)
    # when the task runs it
    tasks.run_coverage.call(run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.result["elders"] == 5 and run.result["covered"] == 3
    a = CoverageArea.objects.get(run=run, division=city["a"], kind="day_care")
    b = CoverageArea.objects.get(run=run, division=city["b"], kind="day_care")
    street = CoverageArea.objects.get(run=run, division=city["street"], kind="day_care")
    assert (a.elders, a.covered, a.aged80, a.aged80_covered) == (3, 3, 1, 1)
    assert (b.elders, b.covered, b.aged80, b.aged80_covered) == (2, 0, 1, 0)
    assert (street.elders, street.covered, street.share()) == (5, 3, pytest.approx(0.6))
    assert CoverageArea.objects.get(run=run, division_id=DISTRICT, kind="any").covered == 3
    # the walk is written down with the run
    assert run.result["walk"]["detour_factor"] == 1.3 and run.result["walk"]["speed_kmh"] == 4.5


def test_a_coverage_run_is_refused_outside_the_callers_area() -> None:
    load_policies()
    from django.http import Http404

    with pytest.raises(Http404):
        services.coverage_run_create(
            scope=DataScope(division_codes=frozenset({"440705"})), division_code=DISTRICT, actor=None
        )


def test_a_siting_run_covers_the_uncovered_community_with_its_one_new_site() -> None:
    hand_made_street()
    run = services.siting_run_create(
        scope=ALL,
        division_code=DISTRICT,
        kind="day_care",
        k=1,
        actor=None,
        on=ON,
        require_streets=False,
        candidates=[
            {"name": "北", "lon": 113.08, "lat": 22.60 + 1.45 / 110.574, "division": communities(2)[1].code},
            {"name": "远", "lon": 113.5, "lat": 22.9, "division": communities(2)[1].code},
        ],
    )
    tasks.run_siting.call(run.pk)
    run.refresh_from_db()
    milp = run.result["milp"]
    assert run.status == "done" and [s["name"] for s in milp["sites"]] == ["北"]
    # the elders at 0.9 km and 2 km (80+: weight 1 + 1) are within 15 min of the site at 1.45 km
    assert milp["objective"] == pytest.approx(3.0) and milp["gap"] == pytest.approx(0.0)
    assert run.result["greedy"]["objective"] == pytest.approx(3.0)


def test_a_siting_run_needing_more_sites_than_k_fails_with_a_reason() -> None:
    hand_made_street()
    run = services.siting_run_create(
        scope=ALL, division_code=DISTRICT, kind="day_care", k=1, actor=None, on=ON
    )
    services.siting_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.error.startswith("siting_too_few_sites")


def test_the_required_area_follows_the_city_standard_for_new_and_old_areas() -> None:
    load_policies()
    street = communities(1)[0]
    new = services.development_create(
        scope=ALL, actor=None, name="新城", division_code=street.code, households=1000
    )
    old = services.development_create(
        scope=ALL, actor=None, name="旧城", division_code=street.code, households=1000, area_type="old"
    )
    # Jiangmen: 20 m² per 100 households in new areas, 15 in old ones
    assert (new.required_m2, old.required_m2) == (200, 150)


def test_the_new_housing_indicator_counts_delivered_developments_with_an_accepted_facility() -> None:
    load_policies()
    c = communities(1)[0]
    ok = services.development_create(
        scope=ALL,
        actor=None,
        name="达标",
        division_code=c.code,
        households=500,
        provided_m2=100,
        state="in_use",
        delivered_on=date(2023, 5, 1),
    )
    services.development_create(
        scope=ALL,
        actor=None,
        name="面积不足",
        division_code=c.code,
        households=500,
        provided_m2=80,
        state="in_use",
        delivered_on=date(2023, 5, 1),
    )
    services.development_create(
        scope=ALL, actor=None, name="未交付", division_code=c.code, households=500, state="planned"
    )
    measures = computation("new_housing_facility_compliance").func(DISTRICT, ON)  # type: ignore[union-attr]
    assert measures[c.code].numerator == 1 and measures[c.code].denominator == 2
    services.development_update(scope=ALL, actor=None, development_id=ok.pk, state="planned")
    assert computation("new_housing_facility_compliance").func(DISTRICT, ON)[c.code].numerator == 0  # type: ignore[union-attr]


def test_a_negative_area_is_refused() -> None:
    load_policies()
    with pytest.raises(DomainError):
        services.development_create(
            scope=ALL,
            actor=None,
            name="x",
            division_code=communities(1)[0].code,
            households=10,
            provided_m2=-1,
        )


def test_community_coverage_counts_urban_communities_with_an_operating_facility() -> None:
    load_policies()
    a, b = communities(2)
    facility_at(0, a)
    facility_at(0, b, status="closed")
    measures = computation("community_facility_coverage_urban").func(DISTRICT, ON)  # type: ignore[union-attr]
    assert measures[a.code].numerator == 1 and measures[b.code].numerator == 0
    assert all(int(code[9:12]) < 200 for code in measures)


def test_the_walk_circle_indicator_counts_elders_within_fifteen_minutes() -> None:
    city = hand_made_street()
    measures = computation("walk_circle_coverage").func(DISTRICT, ON)  # type: ignore[union-attr]
    assert (measures[city["a"].code].numerator, measures[city["b"].code].numerator) == (3, 0)
    assert measures[city["b"].code].denominator == 2


def test_an_elder_without_coordinates_is_placed_at_the_community_centroid() -> None:
    load_policies()
    a = communities(1)[0]
    elder = elder_at(0, a)
    elder.lon = elder.lat = None
    elder.save()
    facility_at(0, a, lon=a.lon, lat=a.lat)
    measures = computation("walk_circle_coverage").func(DISTRICT, ON)  # type: ignore[union-attr]
    assert measures[a.code].numerator == 1
