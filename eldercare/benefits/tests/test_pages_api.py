"""Pages and API: the public list, an elder's service list, settlement pages, query budgets, scope → 404."""

from datetime import date

import pytest
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.benefits.rules import Month
from eldercare.benefits.services import settle_month
from eldercare.benefits.tests.factories import entitle, load_city, make_elder
from eldercare.core.tests.factories import (
    OTHER_DISTRICT,
    UserFactory,
    division,
    first_child,
    sign_in_verified,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _city() -> None:
    load_city()


def test_the_public_list_needs_no_sign_in_and_names_its_sources(client: Client) -> None:
    response = client.get("/benefits/list")
    assert response.status_code == 200
    text = response.content.decode()
    assert "高龄津贴" in text and "30" in text and "jingyanla" in text
    assert "Assumption" in text or "假设" in text


def test_an_elders_service_list_shows_receiving_eligible_and_not(client: Client) -> None:
    elder = make_elder(birth_date=date(1940, 5, 1))
    entitle(elder)
    sign_in_verified(
        client, UserFactory(role=Role.COMMUNITY_WORKER, division=division(elder.residence_division_id))
    )
    response = client.get(f"/benefits/elders/{elder.pk}")
    assert response.status_code == 200
    rows = {r.programme.code: r.state for r in response.context["rows"]}
    assert rows["old_age_allowance"] == "receiving"
    assert rows["care_service_subsidy"] == "not_eligible"
    api = client.get(f"/api/v1/elders/{elder.pk}/benefits").json()
    assert {r["programme"]: r["state"] for r in api}["old_age_allowance"] == "receiving"


def test_an_elder_outside_the_callers_area_is_404(client: Client) -> None:
    elder = make_elder(birth_date=date(1940, 5, 1))
    other = first_child(first_child(OTHER_DISTRICT).code)
    sign_in_verified(client, UserFactory(role=Role.COMMUNITY_WORKER, division=other))
    assert client.get(f"/benefits/elders/{elder.pk}").status_code == 404
    assert client.get(f"/api/v1/elders/{elder.pk}/benefits").status_code == 404


def test_settlement_pages_and_api_keep_a_query_budget(client: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(12):
        entitle(make_elder(birth_date=date(1940, 5, 1)))
    sign_in_verified(client, UserFactory(role=Role.CITY_ADMIN, division=division("4407")))
    response = client.post("/api/v1/benefits/settlements/2025-03/run")
    assert response.status_code == 200 and response.json()["regular"] == 12
    assert client.post("/api/v1/benefits/settlements/2025-03/run").json()["regular"] == 0
    with django_assert_max_num_queries(25):
        assert client.get("/benefits/settlements/2025-03").status_code == 200
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/benefits/settlements/2025-03/lines").json()
    assert body["count"] == 12
    with django_assert_max_num_queries(12):
        funds = client.get("/api/v1/benefits/funds?year=2025").json()
    assert sum(r["committed_fen"] for r in funds) == 12 * 3000
    settle_month(period=Month(2025, 4), actor="test")
    assert client.get("/benefits/funds?year=2025").status_code == 200


def test_the_settlement_page_runs_and_refuses_a_bad_month(client: Client) -> None:
    entitle(make_elder(birth_date=date(1940, 5, 1)))
    sign_in_verified(client, UserFactory(role=Role.CITY_ADMIN, division=division("4407")))
    response = client.post("/benefits/settlements/run", {"period": "2025-03"})
    assert response.status_code == 302 and response["Location"].endswith("/benefits/settlements/2025-03")
    assert client.post("/benefits/settlements/run", {"period": "March"}).status_code == 302
    assert client.get("/benefits/settlements").status_code == 200
