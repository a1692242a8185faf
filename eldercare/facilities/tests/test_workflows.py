"""Filing, licences, safety, star rating and the rating-coverage indicator; public pages, the API,
query budgets and scope."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import (
    ElderFactory,
    OrganisationFactory,
    UserFactory,
    division,
    first_child,
)
from eldercare.emergency.models import CareRiskEvent
from eldercare.facilities import rules, selectors, services
from eldercare.facilities.models import Facility, Rating
from eldercare.facilities.tests.factories import admit, load_policies, make_facility

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _policies() -> None:
    load_policies()


def operator_user(facility: Facility) -> Any:
    return UserFactory(role=Role.INSTITUTION_OPERATOR, division=None, organisation=facility.operator)


def test_filing_accepted_makes_the_facility_operate_and_listed_and_a_closure_closes_it() -> None:
    # given a registered facility
    org = OrganisationFactory()
    facility = services.facility_register(
        actor=None,
        name="颐养院",
        kind="institution",
        ownership="private",
        operator=org,
        division=org.division,
    )
    assert (facility.status, facility.publicly_listed) == ("planned", False)
    # when it files with a document and the district accepts
    filing = services.filing_create(facility=facility, kind="initial", actor=None)
    with pytest.raises(DomainError):
        services.filing_submit(filing=filing, actor=None)
    services.filing_add_document(
        filing=filing, title="营业执照", file_name="licence.pdf", content=b"%PDF", actor=None
    )
    services.filing_submit(filing=filing, actor=None)
    services.filing_decide(filing=filing, accept=True, actor=None)
    facility.refresh_from_db()
    # then it operates, has a filing number and is listed publicly
    assert facility.status == "operating" and facility.filing_no and facility.publicly_listed
    # and a change is applied only when its filing is accepted
    change = services.filing_create(facility=facility, kind="change", changes={"capacity": 120}, actor=None)
    services.filing_add_document(filing=change, title="变更", file_name="c.pdf", content=b"x", actor=None)
    services.filing_submit(filing=change, actor=None)
    facility.refresh_from_db()
    assert facility.capacity == 0
    services.filing_decide(filing=change, accept=True, actor=None)
    facility.refresh_from_db()
    assert facility.capacity == 120
    closure = services.filing_create(facility=facility, kind="closure", actor=None)
    services.filing_submit(filing=closure, actor=None)
    services.filing_decide(filing=closure, accept=True, actor=None)
    facility.refresh_from_db()
    assert facility.status == "closed" and not facility.publicly_listed
    assert AuditEntry.objects.filter(action="facilities.filing_accepted").count() == 3


def test_licences_expiring_within_30_days_are_flagged() -> None:
    facility = make_facility()
    today = timezone.localdate()
    services.licence_add(
        facility=facility,
        kind="fire_safety",
        number="F1",
        valid_from=date(2020, 1, 1),
        valid_until=today + timedelta(days=20),
        actor=None,
    )
    services.licence_add(
        facility=facility,
        kind="food",
        number="S1",
        valid_from=date(2020, 1, 1),
        valid_until=today + timedelta(days=200),
        actor=None,
    )
    from eldercare.core.scope import DataScope

    due = list(selectors.licences_expiring(scope=DataScope.everything(), today=today))
    assert [lic.number for lic in due] == ["F1"]


def test_an_incident_with_a_resident_is_also_a_care_risk_event() -> None:
    facility = make_facility(beds={"nursing": 1})
    stay = admit(facility.beds.get())
    incident = services.incident_record(
        facility=facility, elder=stay.elder, kind="bed_fall", occurred_at=timezone.now(), actor=None
    )
    event = CareRiskEvent.objects.get(pk=incident.care_risk_event_id)
    assert (event.elder_id, event.kind) == (stay.elder_id, "fall")
    from eldercare.emergency.selectors import care_risk_event_count

    assert care_risk_event_count(elder_id=stay.elder_id, on=timezone.localdate()) == 1


def test_a_risk_assessment_covers_the_nine_risks_with_measures() -> None:
    facility = make_facility()
    elder = ElderFactory()
    levels = dict.fromkeys(rules.NINE_RISKS, "none") | {"choking": "high"}
    with pytest.raises(DomainError) as incomplete:
        services.risk_assessment_record(
            facility=facility, elder=elder, levels=levels, measures={}, actor=None
        )
    assert incomplete.value.details == ["choking: measures required for level high"]
    row = services.risk_assessment_record(
        facility=facility, elder=elder, levels=levels, measures={"choking": "软食、进餐看护"}, actor=None
    )
    assert row.levels["choking"] == "high"


def test_self_assessment_review_and_publication_set_the_level_and_the_coverage() -> None:
    # given two open institutions in a district, one of them rated
    district = "440705"
    community = first_child(first_child(district).code)
    rated, _unrated = make_facility(division=community), make_facility(division=community)
    sheet = services.rating_sheets_load()
    marks = {code: item.points for code, item in selectors.sheet_definition(sheet).items.items()}
    services.rating_self_assess(facility=rated, scores=marks, actor=None, submit=True)
    rating = Rating.objects.get(facility=rated)
    assert (rating.status, rating.self_stars) == ("submitted", 5)
    # when inspectors score lower on site and publish
    review = {k: int(v * 0.85) for k, v in marks.items()}
    services.rating_review(rating=rating, scores=review, actor=None)
    services.rating_publish(rating=rating, actor=None)
    rating.refresh_from_db()
    # then the inspectors' score sets the level, valid for three years
    assert (rating.status, rating.stars) == ("published", 4)
    assert rating.valid_until == rating.valid_from.replace(year=rating.valid_from.year + 3) - timedelta(
        days=1
    )
    # and 养老机构等级评定覆盖率 counts the rated institution among the open ones
    coverage = selectors.rating_coverage(district)
    assert (coverage.rated, coverage.institutions, coverage.share) == (1, 2, 0.5)
    assert selectors.rating_coverage(district, rating.valid_until + timedelta(days=1)).rated == 0


def test_the_public_pages_need_no_sign_in_and_show_no_personal_data(client: Client) -> None:
    # given a listed facility with a resident, free beds published, and an unlisted one
    facility = make_facility(beds={"nursing": 2, "ordinary": 1})
    facility.publish_free_beds = True
    facility.save()
    stay = admit(facility.beds.first())
    hidden = make_facility(listed=False)
    # when an anonymous visitor opens the list, the map and the API
    page = client.get(reverse("facilities:public_list"))
    api = client.get("/api/v1/public/facilities")
    # then they see the facility, its beds and free beds, and nothing about residents
    assert page.status_code == 200 and api.status_code == 200
    body = page.content.decode()
    assert facility.name in body and hidden.name not in body
    assert stay.elder.name not in body and stay.elder.masked_name not in body
    row = next(r for r in api.json() if r["id"] == facility.pk)
    assert (row["beds"], row["free_beds"], row["price_min_yuan"]) == (3, 2, 2000)
    assert client.get(reverse("facilities:public_map")).status_code == 200
    assert client.get(reverse("facilities:public_geojson", args=["4407"])).status_code == 200


def test_list_pages_and_apis_run_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    # given a city admin and several facilities with beds and residents
    user = UserFactory(role=Role.CITY_ADMIN, division=division("4407"))
    client.force_login(user)
    for _ in range(6):
        facility = make_facility(beds={"nursing": 3, "dementia": 1})
        admit(facility.beds.first())
        services.incident_record(facility=facility, kind="fall", occurred_at=timezone.now(), actor=None)
    # when the lists are read, the query count does not grow with the rows
    with django_assert_max_num_queries(14):
        assert client.get(reverse("facilities:facility_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("facilities:incident_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("facilities:bed_list", args=[facility.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("facilities:statistics")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/public/facilities").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/facilities").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/facilities/{facility.pk}/beds").status_code == 200


def test_an_operator_sees_only_its_own_facilities(client: Client) -> None:
    mine, theirs = make_facility(beds={"nursing": 1}), make_facility(beds={"nursing": 1})
    client.force_login(operator_user(mine))
    assert client.get(reverse("facilities:facility_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("facilities:facility_detail", args=[theirs.pk])).status_code == 404
    assert client.get(f"/api/v1/facilities/{theirs.pk}/beds").status_code == 404
    listed = client.get("/api/v1/facilities").json()["items"]
    assert [f["id"] for f in listed] == [mine.pk]


def test_an_operator_reports_live_through_the_api(client: Client) -> None:
    facility = make_facility(beds={"nursing": 1})
    bed = facility.beds.get()
    elder = ElderFactory()
    client.force_login(operator_user(facility))
    admitted = client.post(
        f"/api/v1/facilities/{facility.pk}/residents",
        {"bed_id": bed.pk, "id_number": elder.id_number},
        content_type="application/json",
    )
    assert admitted.status_code == 201, admitted.content
    assert admitted.json()["elder_name"] == elder.masked_name
    incident = client.post(
        f"/api/v1/facilities/{facility.pk}/incidents",
        {"kind": "choking", "occurred_at": timezone.now().isoformat(), "elder_id": elder.pk},
        content_type="application/json",
    )
    assert incident.status_code == 201 and incident.json()["care_risk_event_id"]
    stay_id = admitted.json()["id"]
    out = client.post(
        f"/api/v1/facilities/residents/{stay_id}/discharge",
        {"reason": "home"},
        content_type="application/json",
    )
    assert out.status_code == 200 and out.json()["discharge_reason"] == "home"


def test_the_elder_timeline_shows_admission_incident_and_discharge() -> None:
    from eldercare.accounts.principal import principal_for_user
    from eldercare.registry.timeline import elder_timeline

    facility = make_facility(beds={"nursing": 1})
    stay = admit(facility.beds.get())
    services.incident_record(
        facility=facility, elder=stay.elder, kind="fall", occurred_at=timezone.now(), actor=None
    )
    services.resident_discharge(residency=stay, reason="home", actor=None)
    officer = principal_for_user(UserFactory(role=Role.CITY_ADMIN, division=division("4407")))
    kinds = {e.kind for e in elder_timeline(elder=stay.elder, principal=officer) if e.source == "facilities"}
    assert kinds == {"admission", "incident", "discharge"}
    assert not [e for e in elder_timeline(elder=stay.elder, principal=None) if e.source == "facilities"]
