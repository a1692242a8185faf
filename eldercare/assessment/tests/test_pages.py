"""The pages: the tablet form screen by screen, the elder's archive, statistics and scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.assessment import selectors, services
from eldercare.assessment.choices import AssessmentStatus, Requester
from eldercare.assessment.models import Assessment
from eldercare.assessment.tests import factories as f
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import OTHER_DISTRICT, ElderFactory, UserFactory, division
from eldercare.registry.timeline import elder_timeline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _instruments() -> None:
    f.load_instruments()


def test_two_assessors_fill_the_form_one_item_per_screen_and_a_supervisor_publishes(client: Client) -> None:
    # given a request recorded by the community and scheduled by the district with two certified assessors
    elder = ElderFactory()
    officer = f.supervisor()
    one, two = f.certified_assessor(), f.certified_assessor()
    client.force_login(UserFactory(role=Role.COMMUNITY_WORKER, division=elder.residence_division))
    response = client.post(
        f"/assessments/elders/{elder.pk}/request/",
        {"reason": "first", "requester": "family", "note": "女儿申请"},
    )
    request_id = int(response["Location"].rstrip("/").split("/")[-1])
    client.force_login(officer)
    client.post(
        f"/assessments/requests/{request_id}/schedule/",
        {
            "visit_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "assessor_1": one.pk,
            "relation_1": "none",
            "assessor_2": two.pk,
            "relation_2": "none",
        },
    )
    # when the first assessor opens the form, fills the health facts and each item screen
    client.force_login(one)
    response = client.post(f"/assessments/requests/{request_id}/start/")
    assessment = Assessment.objects.get(request_id=request_id)
    assert response["Location"].endswith(f"/assessments/{assessment.pk}/fill/0/")
    facts = {"assessed_on": timezone.localdate().isoformat(), "diagnoses": "F03", **{"event_fall": 0}}
    assert client.post(f"/assessments/{assessment.pk}/fill/0/", facts).status_code == 302
    screen = client.get(f"/assessments/{assessment.pk}/fill/1/").content.decode()
    assert "独立使用器具将食物送进口中并咽下，没有呛咳" in screen  # option texts in full
    for step, score in enumerate(f.answers(60).values(), start=1):
        response = client.post(f"/assessments/{assessment.pk}/fill/{step}/", {"score": score})
        assert response.status_code == 302
    summary = client.get(f"/assessments/{assessment.pk}/fill/27/").content.decode()
    assert "能力重度受损" in summary  # 60 → level 2, raised to 3 by dementia
    client.post(f"/assessments/{assessment.pk}/submit/")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.total, assessment.level) == (AssessmentStatus.SUBMITTED, 60, 3)
    # then an edit is refused, and the supervisor publishes it
    client.post(f"/assessments/{assessment.pk}/fill/1/", {"score": 0})
    assessment.refresh_from_db()
    assert assessment.answers["eating"] == f.answers(60)["eating"]
    client.force_login(officer)
    client.post(f"/assessments/{assessment.pk}/review/", {"decision": "approve", "note": ""})
    assert selectors.current_level(elder).level == 3  # type: ignore[union-attr]


def test_the_published_level_appears_on_the_elders_archive_and_timeline(client: Client) -> None:
    elder = ElderFactory()
    first = f.published_assessment(elder, total=80)
    f.published_assessment(elder, total=50, reason="immediate")
    worker = UserFactory(role=Role.COMMUNITY_WORKER, division=elder.residence_division)
    client.force_login(worker)
    # the elder's record shows the current level
    record = client.get(f"/elders/{elder.pk}/").content.decode()
    assert "能力中度受损（中度失能）" in record
    # the timeline holds both results, the superseded one too
    from eldercare.accounts.principal import principal_for_user

    entries = [
        e for e in elder_timeline(elder=elder, principal=principal_for_user(worker)) if e.kind == "assessment"
    ]
    assert len(entries) == 2
    assert any(e.url.endswith(f"/{first.pk}/") for e in entries)
    history = client.get(f"/assessments/elders/{elder.pk}/").content.decode()
    assert "能力轻度受损（轻度失能）" in history  # the superseded level stays in history


def test_pages_of_another_district_are_404(client: Client) -> None:
    assessment = f.published_assessment(ElderFactory())
    client.force_login(UserFactory(role=Role.DISTRICT_OFFICER, division=division(OTHER_DISTRICT)))
    for url in [
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/report.pdf",
        f"/assessments/requests/{assessment.request_id}/",
        f"/assessments/elders/{assessment.elder_id}/",
    ]:
        assert client.get(url).status_code == 404, url


def test_the_list_page_has_a_query_budget(client: Client, django_assert_max_num_queries: Any) -> None:
    for _ in range(4):
        f.published_assessment(ElderFactory())
    client.force_login(f.supervisor())
    with django_assert_max_num_queries(15):
        assert client.get("/assessments/").status_code == 200


def test_statistics_count_levels_by_division_and_the_shares_assessed_and_expired(client: Client) -> None:
    # given four elders in 蓬江区: three assessed (levels 1, 1 and 3), one of the results expired
    elders = [ElderFactory() for _ in range(4)]
    f.published_assessment(elders[0], total=70)
    f.published_assessment(elders[1], total=80)
    expired = f.published_assessment(elders[2], total=35)
    expired.valid_until = timezone.localdate().replace(year=2020)
    expired.save(update_fields=["valid_until"])
    # when counted for the city
    stats = selectors.assessment_statistics(
        scope=DataScope(division_codes=("4407",)), on=timezone.localdate()
    )
    # then
    assert stats.elders == 4 and stats.assessed == 3 and stats.expired == 1
    assert stats.by_level == {1: 2, 3: 1}
    assert round(stats.share_assessed, 2) == 0.75 and round(stats.share_expired, 2) == 0.33
    assert [d.code for d in stats.by_division] == ["440703"]
    client.force_login(UserFactory(role=Role.CITY_ADMIN, division=division("4407")))
    assert client.get("/assessments/statistics/").status_code == 200


def test_the_health_facts_screen_is_prefilled_with_the_care_risk_events_on_record(client: Client) -> None:
    # given two falls recorded by the emergency centre in the last 30 days, and one older fall
    from datetime import timedelta

    from eldercare.emergency.models import CareRiskEvent

    elder = ElderFactory()
    today = timezone.localdate()
    for days_ago in (3, 12, 45):
        CareRiskEvent.objects.create(
            elder=elder,
            division=elder.residence_division,
            kind="fall",
            occurred_on=today - timedelta(days=days_ago),
        )
    request = services.request_create(elder=elder, reason="first", requester=Requester.ELDER, actor=None)
    one = f.certified_assessor()
    team = [services.AssessorDeclaration(one), services.AssessorDeclaration(f.certified_assessor())]
    services.request_schedule(request=request, visit_at=timezone.now(), assessors=team, actor=None)
    client.force_login(one)
    client.post(f"/assessments/requests/{request.pk}/start/")
    assessment = Assessment.objects.get(request=request)
    # when the assessor opens the health-facts screen
    form = client.get(f"/assessments/{assessment.pk}/fill/0/").context["form"]
    # then the falls of the last 30 days are filled in for the assessor to confirm
    assert form.initial["event_fall"] == 2
