"""Handling an alarm: take → (dispatch →) close, each step time-stamped; escalation; follow-up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.models import AuditEntry
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import DISTRICT, ElderFactory, UserFactory, division, first_child
from eldercare.emergency import services
from eldercare.emergency.models import Alarm, AlarmEvent, CallLog, CareRiskEvent, Device
from eldercare.emergency.selectors import care_risk_event_count, elder_card
from eldercare.emergency.tests.factories import make_alarm, make_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return UserFactory(role=Role.EMERGENCY_OPERATOR, username="op1")


def test_an_alarm_goes_new_taken_dispatched_closed_with_a_time_for_each_step(operator) -> None:
    # given a new alarm
    alarm = make_alarm(kind="sos")
    # when the operator takes it, calls, dispatches 120 and closes it
    services.alarm_take(alarm=alarm, actor=operator)
    services.alarm_call(alarm=alarm, callee="elder", result="no_answer", actor=operator)
    services.alarm_dispatch(alarm=alarm, target="ambulance_120", actor=operator)
    services.alarm_close(alarm=alarm, outcome="ambulance", note="送医", actor=operator)
    # then every step has its time, in order, and the log shows them all
    alarm.refresh_from_db()
    assert alarm.status == "closed"
    assert alarm.received_at <= alarm.taken_at <= alarm.dispatched_at <= alarm.closed_at
    assert alarm.taken_by == operator
    assert alarm.next_escalation_at is None
    kinds = list(AlarmEvent.objects.filter(alarm=alarm).values_list("kind", flat=True))
    assert kinds == ["received", "taken", "call", "dispatched", "closed"]
    call = CallLog.objects.get()
    assert call.adapter_ref.startswith("dev-")
    assert AuditEntry.objects.filter(action="emergency.alarm_closed").exists()


def test_an_alarm_cannot_be_taken_twice(operator) -> None:
    alarm = make_alarm()
    services.alarm_take(alarm=alarm, actor=operator)
    other = UserFactory(role=Role.EMERGENCY_OPERATOR, username="op2")
    with pytest.raises(ConflictError) as exc:
        services.alarm_take(alarm=alarm, actor=other)
    assert exc.value.code == "alarm_already_taken"
    assert Alarm.objects.get().taken_by == operator


def test_only_the_operator_who_took_it_handles_it(operator) -> None:
    alarm = make_alarm()
    services.alarm_take(alarm=alarm, actor=operator)
    other = UserFactory(role=Role.EMERGENCY_OPERATOR, username="op2")
    with pytest.raises(ConflictError):
        services.alarm_close(alarm=alarm, outcome="phone", actor=other)


def test_a_new_alarm_cannot_be_closed_before_it_is_taken(operator) -> None:
    alarm = make_alarm()
    with pytest.raises(ConflictError):
        services.alarm_close(alarm=alarm, outcome="phone", actor=operator)
    with pytest.raises(DomainError):
        services.alarm_close(alarm=alarm, outcome="test", actor=operator)


def test_a_fall_becomes_a_care_risk_event_and_queues_the_follow_up(
    operator, django_capture_on_commit_callbacks
) -> None:
    # given a fall alarm taken by the operator
    alarm = make_alarm(kind="fall")
    services.alarm_take(alarm=alarm, actor=operator)
    # when it is closed as handled by phone
    with django_capture_on_commit_callbacks(execute=True):
        services.alarm_close(alarm=alarm, outcome="phone", actor=operator)
    # then the elder has one fall event that the assessment module counts over 30 days, and a task is queued
    event = CareRiskEvent.objects.get()
    assert (event.elder_id, event.kind, event.alarm_id) == (alarm.elder_id, "fall", alarm.pk)
    assert care_risk_event_count(elder_id=alarm.elder_id, on=timezone.localdate()) == 1
    assert care_risk_event_count(elder_id=alarm.elder_id, on=timezone.localdate() + timedelta(days=31)) == 0
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="alarm_follow_up").count() == 1


def test_a_false_alarm_leaves_no_care_risk_event(operator) -> None:
    alarm = make_alarm(kind="fall")
    services.alarm_take(alarm=alarm, actor=operator)
    services.alarm_close(alarm=alarm, outcome="false_alarm", actor=operator)
    assert not CareRiskEvent.objects.exists()


def test_an_untaken_alarm_escalates_once_per_level_from_its_stored_deadline(operator) -> None:
    # given a shift led by a lead, a street officer of the elder's street, and an alarm nobody takes
    lead = UserFactory(role=Role.EMERGENCY_OPERATOR, username="lead")
    street = first_child(DISTRICT)
    officer = UserFactory(role=Role.STREET_OFFICER, username="street1", division=street)
    now = timezone.now()
    services.shift_create(
        name="day",
        division_id="4407",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
        lead=lead,
        actor=None,
    )
    elder = ElderFactory(residence_division=first_child(street.code))
    alarm = make_alarm(make_device(elder))
    # when the escalation command runs before, at 61 s (twice) and after 31 minutes
    assert services.alarms_escalate(now=now) == 0
    assert services.alarms_escalate(now=alarm.received_at + timedelta(seconds=61)) == 1
    assert services.alarms_escalate(now=alarm.received_at + timedelta(seconds=62)) == 0
    alarm.refresh_from_db()
    assert alarm.escalation_level == 1
    assert alarm.next_escalation_at == alarm.received_at + timedelta(minutes=30)
    assert services.alarms_escalate(now=alarm.received_at + timedelta(minutes=31)) == 1
    # then the lead was notified at level 1 and the street officer at level 2, and nothing more is due
    alarm.refresh_from_db()
    notified = [e.detail for e in AlarmEvent.objects.filter(alarm=alarm, kind="escalated").order_by("at")]
    assert notified == [
        {"level": 1, "notified": [lead.username]},
        {"level": 2, "notified": [officer.username]},
    ]
    assert alarm.next_escalation_at is None
    assert services.alarms_escalate(now=alarm.received_at + timedelta(hours=5)) == 0


def test_a_silent_device_raises_one_technical_alarm(operator) -> None:
    creds = make_device(heartbeat_interval_s=600)
    Device.objects.filter(pk=creds.device.pk).update(last_heartbeat_at=timezone.now() - timedelta(minutes=30))
    assert services.devices_check_silent() == 1
    assert services.devices_check_silent() == 0
    assert Alarm.objects.get().kind == "device_silent"


def test_a_healthy_device_raises_nothing() -> None:
    make_device(heartbeat_interval_s=600)
    assert services.devices_check_silent() == 0


def test_the_elder_card_shows_registry_facts_and_recent_alarms() -> None:
    elder = ElderFactory(living_situation="alone")
    creds = make_device(elder)
    first = make_alarm(creds)
    second = make_alarm(creds)
    card = elder_card(scope=DataScope.everything(), elder=elder, exclude_alarm=second.pk)
    assert card.age > 60
    assert [a.pk for a in card.recent_alarms] == [first.pk]
    assert card.conditions == [] and card.ability_level is None and card.contacts == []


def test_an_api_token_cannot_take_an_alarm() -> None:
    alarm = make_alarm()
    with pytest.raises(DomainError) as exc:
        services.alarm_take(alarm=alarm, actor=None)
    assert exc.value.code == "operator_required"
    assert division("4407").code == "4407"
