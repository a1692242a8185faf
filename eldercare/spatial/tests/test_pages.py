"""The spatial pages and API as the bureau and the districts use them (aggregates, XLSX of each table)."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from eldercare.accounts.roles import Role
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import DISTRICT, UserFactory, division, sign_in_verified
from eldercare.spatial import services, tasks
from eldercare.spatial.models import CoverageRun, SitingRun
from eldercare.spatial.tests.factories import communities, hand_made_street, load_policies, set_policy

pytestmark = pytest.mark.django_db
ALL = DataScope.everything()


def signed_in(client: Client, role: str, code: str) -> Client:
    sign_in_verified(client, UserFactory(role=role, division=division(code)))
    return client


def finished_coverage() -> CoverageRun:
    run = services.coverage_run_create(scope=ALL, division_code=DISTRICT, actor=None)
    tasks.run_coverage.call(run.pk)
    return CoverageRun.objects.get(pk=run.pk)


def test_the_district_page_shows_the_walk_rule_the_shares_by_street_and_a_map_without_elders(
    client: Client, django_assert_max_num_queries: object
) -> None:
    city = hand_made_street()
    finished_coverage()
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        response = client.get(f"/spatial/?division={DISTRICT}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "1.3" in html and "4.5" in html and "15" in html
    assert city["street"].name in html and "60.0" in html  # 3 of 5 elders covered
    start = html.index('id="spatial-map-data"')
    payload = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert {a["name"] for a in payload["areas"]} == {city["street"].code}
    # the two uncovered elders are fewer than the cell minimum (10): no cell is drawn
    assert payload["clusters"] == []


def test_the_street_page_lists_its_communities_and_exports_the_same_table(client: Client) -> None:
    city = hand_made_street()
    finished_coverage()
    signed_in(client, Role.STREET_OFFICER, city["street"].code)
    html = client.get("/spatial/?kind=day_care").content.decode()
    assert city["a"].name in html and city["b"].name in html
    response = client.get("/spatial/export/coverage.xlsx?kind=day_care")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [city["a"].code, 3, 3, 100] == values[3][1:5]
    assert [city["b"].code, 2, 0, 0] == values[4][1:5]


def test_a_district_officer_queues_a_coverage_run_from_the_page(client: Client) -> None:
    load_policies()
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT)
    response = client.post("/spatial/coverage/run/", {"division": DISTRICT})
    assert response.status_code == 302
    assert CoverageRun.objects.get().status == "queued"


def test_the_siting_page_shows_chosen_sites_gains_and_the_gap(client: Client) -> None:
    hand_made_street()
    signed_in(client, Role.CITY_ADMIN, "4407")
    response = client.post("/spatial/siting/run/", {"division": DISTRICT, "kind": "day_care", "k": "3"})
    run = SitingRun.objects.get()
    assert response.status_code == 302
    services.siting_run_execute(run_id=run.pk)
    html = client.get(f"/spatial/siting/{run.pk}/").content.decode()
    assert "HiGHS" in html and 'id="milp-summary"' in html
    assert client.get(f"/spatial/export/siting.xlsx?run={run.pk}").status_code == 200


def test_the_forecast_lists_missing_inputs_instead_of_guessing(client: Client) -> None:
    hand_made_street()
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT)
    html = client.get("/spatial/forecast/").content.decode()
    assert 'id="forecast-missing"' in html and "annual_death_probability" in html


def test_the_forecast_shows_scenarios_side_by_side_once_the_inputs_are_entered(client: Client) -> None:
    hand_made_street()
    set_policy(
        "spatial.forecast",
        {
            "horizon_year": timezone.localdate().year + 5,
            "annual_death_probability": [0.01, 0.02, 0.03, 0.05, 0.08, 0.15],
            "population_50_59": {DISTRICT: 1000},
            "disability_rate": [0.1],
            "beds_per_disabled": 0.5,
            "nursing_share": 0.55,
            "scenarios": [
                {"code": "a", "name": "场景甲"},
                {"code": "b", "name": "场景乙", "entries_factor": 0},
            ],
        },
    )
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT)
    html = client.get("/spatial/forecast/").content.decode()
    assert "场景甲" in html and "场景乙" in html and 'id="forecast-missing"' not in html
    sheet = load_workbook(io.BytesIO(client.get("/spatial/export/forecast.xlsx").content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert {r[0] for r in rows} == {"场景甲", "场景乙"}


def test_a_street_officer_registers_a_development_and_sees_its_shortfall(client: Client) -> None:
    load_policies()
    street = communities(1)[0].parent
    signed_in(client, Role.STREET_OFFICER, street.code)
    client.post(
        "/spatial/developments/new/",
        {
            "name": "江畔花园",
            "division_code": street.code,
            "households": "800",
            "area_type": "new",
            "provided_m2": "100",
        },
    )
    html = client.get("/spatial/developments/").content.decode()
    assert "江畔花园" in html and "160.0" in html and "60.0" in html  # 800 households × 20 / 100; short 60


def test_the_api_queues_a_coverage_run_and_serves_its_areas(
    client: Client, django_assert_max_num_queries: object
) -> None:
    city = hand_made_street()
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT)
    response = client.post(
        "/api/v1/spatial/coverage-runs", {"division": DISTRICT}, content_type="application/json"
    )
    assert response.status_code == 202
    run_id = response.json()["id"]
    tasks.run_coverage.call(run_id)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        areas = client.get(
            f"/api/v1/spatial/coverage-runs/{run_id}/areas?parent={city['street'].code}&kind=day_care"
        ).json()
    assert {(a["division_id"], a["elders"], a["covered"]) for a in areas} >= {
        (city["a"].code, 3, 3),
        (city["b"].code, 2, 0),
    }


def test_the_api_answers_a_siting_run_outside_the_area_with_404(client: Client) -> None:
    load_policies()
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT)
    response = client.post(
        "/api/v1/spatial/siting-runs", {"division": "440705", "k": 2}, content_type="application/json"
    )
    assert response.status_code == 404


def test_an_unknown_kind_is_refused_with_a_machine_readable_400(client: Client) -> None:
    load_policies()
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT)
    response = client.post(
        "/api/v1/spatial/siting-runs",
        {"division": DISTRICT, "kind": "spa", "k": 2},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "siting_kind"
