"""Dashboards, drill-down, manual entries and projects as the bureau and the districts use them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.tests.factories import UserFactory, division, sign_in_verified
from eldercare.planning import services
from eldercare.planning.models import IndicatorValue, KeyCount, ManualEntry, Project
from eldercare.planning.tests.factories import CITY, DISTRICT_A, DISTRICT_B

pytestmark = pytest.mark.django_db
JUNE = date(2024, 6, 1)


def signed_in(client: Client, role: str, code: str) -> Client:
    sign_in_verified(client, UserFactory(role=role, division=division(code)))
    return client


def map_data(response: object) -> list[dict]:
    html = response.content.decode()  # type: ignore[attr-defined]
    start = html.index('id="planning-map-data"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_the_city_dashboard_shows_every_indicator_the_last_refresh_and_a_district_map(
    client: Client, city: dict, django_assert_max_num_queries: object
) -> None:
    # given June refreshed and the bureau signed in
    services.refresh(months=[JUNE])
    signed_in(client, Role.CITY_ADMIN, CITY)
    # when it opens the city dashboard for June, within a query budget (no scan of the elder table)
    with django_assert_max_num_queries(30):  # type: ignore[operator]
        response = client.get(f"/planning/d/{CITY}/?month=2024-06")
    # then all nine plan indicators are there with their definitions, manual ones marked
    assert response.status_code == 200
    html = response.content.decode()
    for n in range(1, 10):
        assert f"JM0{n}" in html
    assert "养老机构护理型床位占比" in html and "手工填报" in html  # "manual", in the default language
    assert 'id="last-refresh"' in html and "never" not in html.split('id="last-refresh"')[1][:200]
    # and the map holds the districts with their elders
    data = {d["name"]: d["value"] for d in map_data(response)}
    assert data[DISTRICT_A] == 5 and data[DISTRICT_B] == 2
    assert 'data-mode="city"' in html
    assert "<script>" not in html.replace("<script src=", "")  # no inline scripts (CSP)


def test_a_district_sees_its_streets_as_points_and_nothing_outside(client: Client, city: dict) -> None:
    services.refresh(months=[JUNE])
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT_A)
    # the city and the other district are outside the scope: 404, not 403
    assert client.get(f"/planning/d/{CITY}/").status_code == 404
    assert client.get(f"/planning/d/{DISTRICT_B}/").status_code == 404
    # its own dashboard draws streets with coordinates on the district outline
    response = client.get(f"/planning/d/{DISTRICT_A}/?month=2024-06")
    assert response.status_code == 200 and 'data-mode="district"' in response.content.decode()
    points = map_data(response)
    assert points and all(len(p["coord"]) == 2 for p in points)
    assert {p["name"]: p["value"] for p in points}[city["a"].code[:9]] == 3
    # the landing page opens the caller's own division
    assert client.get("/planning/")["Location"] == f"/planning/d/{DISTRICT_A}/"


def test_a_street_dashboard_has_no_map_and_drill_down_links_lead_there(client: Client, city: dict) -> None:
    services.refresh(months=[JUNE])
    street = city["a"].code[:9]
    signed_in(client, Role.CITY_ADMIN, CITY)
    district_page = client.get(f"/planning/d/{DISTRICT_A}/?month=2024-06").content.decode()
    assert f"/planning/d/{street}/" in district_page
    response = client.get(f"/planning/d/{street}/?month=2024-06")
    assert response.status_code == 200
    assert 'id="planning-map"' not in response.content.decode()


def test_a_manual_entry_with_evidence_appears_on_the_dashboard_marked_manual(
    client: Client, city: dict, new_estates_manual: None
) -> None:
    # given the refreshed month and a district officer
    services.refresh(months=[JUNE])
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT_A)
    # when the district enters its new-estate facilities rate (always manual) with a file
    upload = SimpleUploadedFile("beds.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = client.post(
        f"/planning/indicators/JM01/{DISTRICT_A}/enter/",
        {
            "period": "2024-06-20",
            "value": "50",
            "evidence": "区住建局配套设施验收清单",
            "evidence_file": upload,
        },
    )
    # then it is stored with who and the file, and the dashboard shows 50 for June
    assert response.status_code == 302
    entry = ManualEntry.objects.get()
    assert entry.entered_by.role == Role.DISTRICT_OFFICER and bytes(entry.evidence_file).startswith(b"%PDF")
    row = IndicatorValue.objects.get(indicator__code="JM01", division_id=DISTRICT_A, month=JUNE)
    assert (row.source, row.value) == ("manual", 50.0)
    detail = client.get(f"/planning/indicators/JM01/{DISTRICT_A}/").content.decode()
    assert "区住建局配套设施验收清单" in detail and "beds.pdf" in detail
    assert client.get(f"/planning/manual/{entry.pk}/evidence/").status_code == 200
    # and it may not enter a value for the other district
    assert client.post(f"/planning/indicators/JM01/{DISTRICT_B}/enter/", {}).status_code == 404


def test_a_computed_indicator_refuses_manual_entries(client: Client, city: dict) -> None:
    services.refresh(months=[JUNE])
    signed_in(client, Role.CITY_ADMIN, CITY)
    client.post(
        f"/planning/indicators/PA02/{CITY}/enter/", {"period": "2024-06-20", "value": "3", "evidence": "x"}
    )
    assert not ManualEntry.objects.exists()


def test_the_qualitative_indicator_takes_a_state(city: dict) -> None:
    from eldercare.core.exceptions import DomainError
    from eldercare.core.services import profile_load
    from eldercare.planning.models import Indicator

    profile_load(code="wuhan")
    services.indicators_sync(profile_code="wuhan")
    wh06 = Indicator.objects.get(code="WH06")
    user = UserFactory(role=Role.CITY_ADMIN, division=division("4201"))
    with pytest.raises(DomainError):
        services.manual_entry_create(
            indicator=wh06,
            division=division("4201"),
            period=date(2024, 1, 5),
            value_text="好",
            evidence="文件",
            actor=user,
        )
    entry = services.manual_entry_create(
        indicator=wh06,
        division=division("4201"),
        period=date(2024, 1, 5),
        value_text="全面建立",
        evidence="武民政〔2023〕1号",
        actor=user,
    )
    assert entry.value == 1.0


def test_projects_are_seeded_from_the_plans_and_their_beds_count_once_opened(
    client: Client, city: dict
) -> None:
    from eldercare.core.services import profile_load

    # given Wuhan's project table
    profile_load(code="wuhan")
    assert services.projects_seed(profile_code="wuhan") == 10
    assert services.projects_seed(profile_code="wuhan") == 0  # idempotent
    centres = Project.objects.filter(profile_code="wuhan", kind="district_centre")
    assert centres.count() == 8 and sum(p.planned_beds for p in centres) == 3768
    assert Project.objects.get(profile_code="wuhan", seq=9).planned_units == 100
    # and a Jiangmen project in district A that opens with 120 beds in June
    project = Project.objects.create(
        profile_code="jiangmen",
        seq=50,
        kind="other",
        name="蓬江区示范中心",
        division_id=DISTRICT_A,
        planned_beds=150,
    )
    user = UserFactory(role=Role.DISTRICT_OFFICER, division=division(DISTRICT_A))
    services.project_update_add(
        project=project, reported_on=date(2024, 3, 1), stage="construction", actor=user
    )
    services.project_update_add(
        project=project, reported_on=date(2024, 6, 10), stage="opened", beds_in_use=120, actor=user
    )
    project.refresh_from_db()
    assert (project.stage, project.beds_in_use, project.opened_on) == ("opened", 120, date(2024, 6, 10))
    # when May and June are refreshed
    services.refresh(months=[date(2024, 5, 1), JUNE])
    # then its beds count from June, in the district and the city
    beds = {(k.division_id, k.month): k.value for k in KeyCount.objects.filter(key="projects.beds_in_use")}
    assert (
        beds[(DISTRICT_A, JUNE)] == 120
        and beds[(CITY, JUNE)] == 120
        and beds[(DISTRICT_A, date(2024, 5, 1))] == 0
    )
    # and the page lists it
    signed_in(client, Role.DISTRICT_OFFICER, DISTRICT_A)
    assert "蓬江区示范中心" in client.get("/planning/projects/").content.decode()


def test_funding_shares_are_checked_against_the_plan_minimum(client: Client, city: dict) -> None:
    from eldercare.core.exceptions import DomainError
    from eldercare.core.scope import DataScope
    from eldercare.planning import selectors

    user = UserFactory(role=Role.CITY_ADMIN, division=division(CITY))
    services.funding_entry_create(
        division=division(CITY),
        year=2023,
        lottery_fund_fen=10_000_000,
        elderly_care_fen=5_800_000,
        evidence="2023年决算",
        actor=user,
    )
    services.funding_entry_create(
        division=division(CITY),
        year=2022,
        lottery_fund_fen=10_000_000,
        elderly_care_fen=5_000_000,
        evidence="2022年决算",
        actor=user,
    )
    with pytest.raises(DomainError):
        services.funding_entry_create(
            division=division(CITY),
            year=2021,
            lottery_fund_fen=100,
            elderly_care_fen=101,
            evidence="x",
            actor=user,
        )
    rows = {r.entry.year: r for r in selectors.funding_rows(scope=DataScope.everything())}
    assert (rows[2023].share_pct, rows[2023].min_share_pct, rows[2023].met) == (58.0, 55.0, True)
    assert rows[2022].met is False
    signed_in(client, Role.CITY_ADMIN, CITY)
    page = client.get("/planning/funding/").content.decode()
    assert "2023年决算" in page and "58.0" in page
