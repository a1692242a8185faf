"""Pages of the emergency centre: console, alarm panel and actions, scope, query budgets."""

import pytest
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import OTHER_DISTRICT, ElderFactory, UserFactory, division, first_child
from eldercare.emergency.models import Alarm, Drill, Resource, Shift
from eldercare.emergency.tests.factories import make_alarm, make_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client: Client):
    user = UserFactory(role=Role.EMERGENCY_OPERATOR, username="console_op", division=division("4407"))
    client.force_login(user)
    client.user = user
    return client


def test_the_console_lists_open_alarms_within_a_query_budget(
    operator_client, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        make_alarm()
    with django_assert_max_num_queries(12):
        response = operator_client.get("/emergency/console/")
    assert response.status_code == 200
    assert len(response.context["alarms"]) == 5
    with django_assert_max_num_queries(8):
        data = operator_client.get("/emergency/console/open.json").json()
    assert len(data["alarms"]) == 5


def test_an_operator_takes_dispatches_and_closes_from_the_panel(operator_client) -> None:
    alarm = make_alarm(kind="fall")
    panel = operator_client.get(f"/emergency/alarms/{alarm.pk}/", HTTP_HX_REQUEST="true")
    assert b'data-action="take"' in panel.content
    assert "跌倒".encode() in panel.content or b"fall" in panel.content.lower()
    taken = operator_client.post(f"/emergency/alarms/{alarm.pk}/take/", HTTP_HX_REQUEST="true")
    assert b'data-action="close"' in taken.content
    operator_client.post(f"/emergency/alarms/{alarm.pk}/call/", {"callee": "elder", "result": "answered"})
    operator_client.post(f"/emergency/alarms/{alarm.pk}/dispatch/", {"target": "ambulance_120"})
    operator_client.post(f"/emergency/alarms/{alarm.pk}/close/", {"outcome": "ambulance"})
    alarm.refresh_from_db()
    assert (alarm.status, alarm.outcome, alarm.dispatch_target) == ("closed", "ambulance", "ambulance_120")


def test_a_second_operator_sees_a_conflict_not_an_error_page(operator_client, client) -> None:
    alarm = make_alarm()
    operator_client.post(f"/emergency/alarms/{alarm.pk}/take/")
    other = UserFactory(role=Role.EMERGENCY_OPERATOR, username="op_b", division=division("4407"))
    second = Client()
    second.force_login(other)
    response = second.post(f"/emergency/alarms/{alarm.pk}/take/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert Alarm.objects.get().taken_by == operator_client.user


def test_revealing_the_address_from_the_alarm_is_audited_with_the_alarm_as_purpose(operator_client) -> None:
    elder = ElderFactory(address="江门市蓬江区某路1号")
    alarm = make_alarm(make_device(elder))
    response = operator_client.post(f"/emergency/alarms/{alarm.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert "某路1号".encode() in response.content
    entry = AuditEntry.objects.get(action="elder.personal_revealed")
    assert entry.changes["purpose"] == f"emergency alarm #{alarm.pk}"


def test_an_alarm_outside_the_callers_division_is_404(client) -> None:
    # given a street officer of 蓬江区 and an alarm in 新会区
    street = first_child("440703")
    client.force_login(UserFactory(role=Role.STREET_OFFICER, username="st", division=street))
    elsewhere = ElderFactory(residence_division=first_child(first_child(OTHER_DISTRICT).code))
    alarm = make_alarm(make_device(elsewhere))
    assert client.get(f"/emergency/alarms/{alarm.pk}/").status_code == 404
    assert client.get(f"/api/v1/emergency/alarms/{alarm.pk}").status_code == 404
    assert client.get("/emergency/alarms/").context["page"].paginator.count == 0


def test_alarm_list_and_statistics_pages(operator_client, django_assert_max_num_queries) -> None:
    creds = make_device()
    for i in range(4):
        make_alarm(creds, kind="sos" if i % 2 else "fall")
    with django_assert_max_num_queries(12):
        assert operator_client.get("/emergency/alarms/").status_code == 200
    response = operator_client.get("/emergency/statistics/")
    assert response.status_code == 200
    assert response.context["report"].total == 4
    assert response.context["report"].devices_active == 1


def test_shifts_drills_and_resources_are_recorded(operator_client) -> None:
    operator_client.post(
        "/emergency/shifts/new/",
        {"name": "夜班", "starts_at": "2025-03-01T20:00", "ends_at": "2025-03-02T08:00"},
    )
    operator_client.post(
        "/emergency/drills/new/", {"title": "消防演练", "participant_count": "12", "findings": "通道堵塞"}
    )
    operator_client.post(
        "/emergency/resources/new/", {"kind": "vehicle", "name": "应急车1", "division": "440703"}
    )
    assert Shift.objects.get().name == "夜班"
    assert Drill.objects.get().participant_count == 12
    assert Resource.objects.get().division_id == "440703"
    assert operator_client.get("/emergency/drills/").status_code == 200
    assert operator_client.get("/emergency/resources/").status_code == 200
    assert operator_client.get("/emergency/shifts/").status_code == 200


def test_a_resource_cannot_be_filed_outside_the_callers_scope(client) -> None:
    client.force_login(UserFactory(role=Role.CITY_ADMIN, username="ca", division=division("4407")))
    response = client.post("/emergency/resources/new/", {"kind": "team", "name": "x", "division": "420102"})
    assert response.status_code == 404
    assert not Resource.objects.exists()


def test_registering_a_device_shows_its_credentials_once(operator_client) -> None:
    elder = ElderFactory()
    response = operator_client.post(
        "/emergency/devices/new/", {"elder_id": elder.pk, "kind": "watch", "serial": "W-1"}
    )
    token = response.context["credentials"].token
    assert token.encode() in response.content
    assert token.encode() not in operator_client.get("/emergency/devices/").content
