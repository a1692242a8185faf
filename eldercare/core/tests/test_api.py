"""The API's contract: auth by token or session, one error body, pagination, 404 outside scope."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.accounts.services import token_create, token_revoke
from eldercare.core.models import Division
from eldercare.core.tests.factories import DISTRICT, OTHER_DISTRICT, ElderFactory, UserFactory, first_child

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def district_token() -> str:
    _token, secret = token_create(
        name="区民政系统",
        role=Role.DISTRICT_OFFICER,
        division=Division.objects.get(code=DISTRICT),
        actor=None,
    )
    return secret


def test_no_credentials_answer_401_with_the_error_body(client: Client) -> None:
    response = client.get("/api/v1/divisions/4407")
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "Sign in or send a valid bearer token.",
        "details": None,
    }


def test_a_wrong_token_answers_401(client: Client) -> None:
    assert client.get("/api/v1/me", **bearer("ec_not-a-token")).status_code == 401


def test_a_token_carries_its_own_role_and_scope(client: Client, district_token: str) -> None:
    response = client.get("/api/v1/me", **bearer(district_token))
    assert response.status_code == 200
    assert response.json() == {
        "role": "district_officer",
        "username": None,
        "division_codes": [DISTRICT],
        "organisation_ids": [],
        "token": True,
    }


def test_a_revoked_or_expired_token_stops_working(client: Client) -> None:
    division = Division.objects.get(code=DISTRICT)
    token, secret = token_create(name="t", role=Role.DISTRICT_OFFICER, division=division, actor=None)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    token_revoke(token=token, actor=None)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401
    _expired, old = token_create(
        name="old",
        role=Role.DISTRICT_OFFICER,
        division=division,
        actor=None,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert client.get("/api/v1/me", **bearer(old)).status_code == 401


def test_divisions_outside_the_scope_answer_404(client: Client, district_token: str) -> None:
    # own district, its ancestors (breadcrumbs) and its children are visible …
    assert client.get(f"/api/v1/divisions/{DISTRICT}", **bearer(district_token)).status_code == 200
    assert client.get("/api/v1/divisions/4407", **bearer(district_token)).status_code == 200
    # … a neighbour district, and a code that does not exist, look the same: 404
    for code in (OTHER_DISTRICT, "440799"):
        response = client.get(f"/api/v1/divisions/{code}", **bearer(district_token))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_children_are_paginated_in_one_format(client: Client, district_token: str) -> None:
    response = client.get(
        f"/api/v1/divisions/{DISTRICT}/children?page=1&page_size=3", **bearer(district_token)
    )
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"items", "count", "page", "page_size"}
    assert body["page_size"] == 3 and len(body["items"]) == 3
    assert body["count"] == Division.objects.filter(parent_id=DISTRICT).count()
    assert all(item["parent_code"] == DISTRICT for item in body["items"])


def test_children_of_a_division_outside_the_scope_answer_404(client: Client, district_token: str) -> None:
    assert (
        client.get(f"/api/v1/divisions/{OTHER_DISTRICT}/children", **bearer(district_token)).status_code
        == 404
    )


def test_invalid_parameters_answer_422_with_details(client: Client, district_token: str) -> None:
    response = client.get(f"/api/v1/divisions/{DISTRICT}/children?page=0", **bearer(district_token))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["details"]


def test_an_elder_outside_the_scope_answers_404_and_inside_shows_masked_data(
    client: Client, district_token: str
) -> None:
    mine = ElderFactory(residence_division=first_child(first_child(DISTRICT).code), phone="13800138000")
    theirs = ElderFactory(residence_division=first_child(first_child(OTHER_DISTRICT).code))
    assert client.get(f"/api/v1/elders/{theirs.pk}", **bearer(district_token)).status_code == 404
    body = client.get(f"/api/v1/elders/{mine.pk}", **bearer(district_token)).json()
    assert body["id_number_masked"] == mine.id_number_masked and "*" in body["id_number_masked"]
    assert body["phone_masked"] == "138****8000"
    assert "id_number" not in body and "phone" not in body


def test_the_elder_list_has_a_query_budget(
    client: Client, district_token: str, django_assert_max_num_queries: object
) -> None:
    community = first_child(first_child(DISTRICT).code)
    ElderFactory.create_batch(30, residence_division=community)
    with django_assert_max_num_queries(5):  # type: ignore[operator]  # +1: the page's groups, prefetched
        response = client.get("/api/v1/elders?page_size=30", **bearer(district_token))
    assert response.json()["count"] == 30


def test_the_openapi_document_is_public_and_lists_the_operations(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/divisions/{code}" in schema["paths"]
    assert "/api/v1/divisions/{code}/children" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_session_auth_works_for_the_platforms_own_pages(client: Client) -> None:
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    assert client.get("/api/v1/divisions/4407").json()["name"] == "江门市"


def test_healthz_reports_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": True}
