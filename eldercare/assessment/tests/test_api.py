"""The assessment API: the scoring preview, create/list/retrieve within scope, the elder's level."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.assessment.tests import factories as f
from eldercare.core.tests.factories import OTHER_DISTRICT, ElderFactory, UserFactory, division, first_child

pytestmark = pytest.mark.django_db
SCORE = "/api/v1/assessments/score"


@pytest.fixture(autouse=True)
def _instruments() -> None:
    f.load_instruments()


@pytest.fixture
def assessor_client(client: Client) -> tuple[Client, Any]:
    user = f.certified_assessor()
    client.force_login(user)
    return client, user


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_the_preview_answers_total_dimensions_levels_and_adjustments(
    assessor_client: tuple[Client, Any],
) -> None:
    client, _user = assessor_client
    # given a form adding up to 70 with dementia and two falls
    body = {
        "instrument": "GB/T 42195-2022",
        "items": f.answers(70),
        "diagnoses": ["F03"],
        "risk_events_30d": 2,
    }
    # when previewed
    response = post(client, SCORE, body)
    # then the result follows the standard and the default policy (raises do not stack)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["total"] == 70
    assert set(data["dimensions"]) == {"self_care", "mobility", "mental", "perception_social"}
    assert sum(data["dimensions"].values()) == 70
    assert (data["preliminary_level"], data["level"]) == (1, 2)
    assert data["level_name"] == "能力中度受损（中度失能）"
    assert [(a["rule"], a["applied"]) for a in data["adjustments"]] == [
        ("dementia", True),
        ("risk_events", False),
    ]


def test_the_preview_defaults_the_optional_facts_and_coma_gives_level_4(
    assessor_client: tuple[Client, Any],
) -> None:
    client, _user = assessor_client
    assert post(client, SCORE, {"items": f.answers()}).json()["level"] == 0
    assert post(client, SCORE, {"items": f.answers(), "coma": True}).json()["level"] == 4


def test_the_preview_names_each_missing_or_out_of_range_item_with_422(
    assessor_client: tuple[Client, Any],
) -> None:
    client, _user = assessor_client
    items: dict[str, Any] = f.answers()
    del items["memory"]
    items["stairs"] = 4
    items["vision"] = -1
    items["hearing"] = "2"
    response = post(client, SCORE, {"items": items})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "items_invalid"
    assert {(d["item"], d["problem"]) for d in body["details"]} == {
        ("memory", "missing"),
        ("stairs", "out_of_range"),
        ("vision", "out_of_range"),
        ("hearing", "not_an_integer"),
    }
    assert "memory" in body["message"] and "stairs" in body["message"]


def test_the_preview_refuses_an_unknown_instrument_and_bad_diagnosis_codes(
    assessor_client: tuple[Client, Any],
) -> None:
    client, _user = assessor_client
    assert post(client, SCORE, {"instrument": "XYZ", "items": {}}).json()["code"] == "instrument_unknown"
    response = post(client, SCORE, {"items": f.answers(), "diagnoses": ["dementia"]})
    assert (response.status_code, response.json()["code"]) == (422, "diagnoses_invalid")


def test_the_preview_scores_the_legacy_instrument(assessor_client: tuple[Client, Any]) -> None:
    client, _user = assessor_client
    items = {
        **dict.fromkeys(["eating", "dressing", "bowel_control", "urine_control", "toileting", "stairs"], 10),
        **dict.fromkeys(["bathing", "grooming"], 5),
        **dict.fromkeys(["chair_transfer", "level_walking"], 15),
    }
    items.update(
        dict.fromkeys(["cognition", "aggression", "depression", "consciousness", "vision", "hearing"], 0)
    )
    items.update(dict.fromkeys(["communication", "life_skills", "work_skills"], 0))
    items.update(dict.fromkeys(["time_space_orientation", "person_orientation", "social_interaction"], 0))
    data = post(client, SCORE, {"instrument": "MZ/T 039-2013", "items": items}).json()
    assert (data["total"], data["level"], data["level_name"]) == (100, 0, "能力完好")


def test_an_assessor_records_an_assessment_and_it_is_listed_and_retrieved(
    assessor_client: tuple[Client, Any], django_assert_max_num_queries: Any
) -> None:
    client, user = assessor_client
    elder = ElderFactory()
    partner = f.certified_assessor()
    # when the assessor posts a complete form with their partner
    response = post(
        client,
        "/api/v1/assessments",
        {
            "elder_id": elder.pk,
            "assessors": [{"id": user.pk}, {"id": partner.pk, "relation": "none"}],
            "items": f.answers(50),
            "diagnoses": ["F20"],
            "psychiatrist_diagnosed": True,
        },
    )
    # then it is stored submitted, scored and waiting for review
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["total"], created["preliminary_level"], created["level"]) == (
        "submitted",
        50,
        2,
        3,
    )
    for _ in range(3):
        f.submitted_assessment(ElderFactory())
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/assessments").json()
    assert listed["count"] == 4
    detail = client.get(f"/api/v1/assessments/{created['id']}").json()
    assert detail["items"]["eating"] == created["items"]["eating"] and detail["assessor_ids"] == [
        user.pk,
        partner.pk,
    ]


def test_a_relative_is_refused_through_the_api(assessor_client: tuple[Client, Any]) -> None:
    client, user = assessor_client
    elder = ElderFactory()
    response = post(
        client,
        "/api/v1/assessments",
        {
            "elder_id": elder.pk,
            "assessors": [{"id": user.pk, "relation": "spouse"}, {"id": f.certified_assessor().pk}],
            "items": f.answers(),
        },
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["problem"] == "relative"


def test_assessments_outside_the_callers_scope_are_404(client: Client) -> None:
    # given a published assessment in 蓬江区 and an assessor of 新会区
    assessment = f.published_assessment(ElderFactory())
    outsider = UserFactory(role=Role.ASSESSOR, division=division(OTHER_DISTRICT))
    client.force_login(outsider)
    # then neither the assessment nor the elder's level can be seen, and the list is empty
    assert client.get(f"/api/v1/assessments/{assessment.pk}").status_code == 404
    assert client.get(f"/api/v1/elders/{assessment.elder_id}/ability-level").status_code == 404
    assert client.get("/api/v1/assessments").json()["count"] == 0
    other_elder = ElderFactory(residence_division=first_child(first_child(OTHER_DISTRICT).code))
    response = post(
        client,
        "/api/v1/assessments",
        {"elder_id": assessment.elder_id, "assessors": [], "items": {}},
    )
    assert response.status_code == 404
    assert other_elder.pk


def test_the_published_level_appears_through_the_api_and_a_superseded_one_stays_in_history(
    client: Client,
) -> None:
    # given an elder assessed twice
    elder = ElderFactory()
    first = f.published_assessment(elder, total=80)
    second = f.published_assessment(elder, total=35, reason="immediate")
    client.force_login(UserFactory(role=Role.COMMUNITY_WORKER, division=elder.residence_division))
    # then the API gives the new level, and the history keeps the superseded result
    level = client.get(f"/api/v1/elders/{elder.pk}/ability-level").json()
    assert (level["assessed"], level["level"], level["assessment_id"]) == (True, 3, second.pk)
    history = client.get(f"/api/v1/assessments?elder_id={elder.pk}").json()["items"]
    assert {(a["id"], a["status"]) for a in history} == {(second.pk, "published"), (first.pk, "superseded")}
    assert next(a for a in history if a["id"] == first.pk)["superseded_by_id"] == second.pk
