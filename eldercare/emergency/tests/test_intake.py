"""Alarm intake over HTTPS: authenticated, signed, idempotent, stored before the answer."""

import json

import pytest

from eldercare.core.models import AuditEntry
from eldercare.emergency import rules
from eldercare.emergency.models import Alarm, AlarmEvent
from eldercare.emergency.tests.factories import make_device, post_signed

pytestmark = pytest.mark.django_db
URL = "/api/v1/devices/alarms"


def test_a_signed_event_becomes_one_alarm_with_its_timer(client) -> None:
    # given a registered call button
    creds = make_device()
    # when it reports an SOS
    response = post_signed(client, URL, creds, {"event_id": "e-1", "kind": "sos"})
    # then the alarm is stored, escalation is scheduled, and the answer names it
    assert response.status_code == 201, response.content
    alarm = Alarm.objects.get()
    assert response.json()["alarm_id"] == alarm.pk
    assert response.json()["duplicate"] is False
    assert alarm.status == "new"
    assert alarm.elder_id == creds.device.elder_id
    assert alarm.division_id == creds.device.division_id
    assert alarm.next_escalation_at is not None
    assert AuditEntry.objects.filter(action="emergency.alarm_received", target_id=str(alarm.pk)).exists()


def test_the_same_device_event_twice_gives_one_alarm(client) -> None:
    # given a device that already reported event e-7
    creds = make_device()
    first = post_signed(client, URL, creds, {"event_id": "e-7", "kind": "fall"})
    # when it resends the same event (it never saw the first answer)
    second = post_signed(client, URL, creds, {"event_id": "e-7", "kind": "fall"})
    # then there is still one alarm; the retry is answered 200 and recorded as a duplicate
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == {**first.json(), "duplicate": True}
    assert Alarm.objects.count() == 1
    assert AlarmEvent.objects.filter(kind="duplicate").count() == 1


def test_the_same_event_id_from_another_device_is_another_alarm(client) -> None:
    a, b = make_device(), make_device()
    post_signed(client, URL, a, {"event_id": "e-1", "kind": "sos"})
    post_signed(client, URL, b, {"event_id": "e-1", "kind": "sos"})
    assert Alarm.objects.count() == 2


def test_a_wrong_signature_or_token_is_refused_and_stores_nothing(client) -> None:
    creds = make_device()
    raw = json.dumps({"event_id": "e-1", "kind": "sos"}).encode()
    bad_sig = client.post(
        URL,
        data=raw,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {creds.token}",
        HTTP_X_SIGNATURE=rules.sign("not-the-secret", raw),
    )
    no_sig = client.post(
        URL, data=raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {creds.token}"
    )
    bad_token = client.post(
        URL,
        data=raw,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer dv_wrong",
        HTTP_X_SIGNATURE=rules.sign(creds.secret, raw),
    )
    assert [r.status_code for r in (bad_sig, no_sig, bad_token)] == [401, 401, 401]
    assert bad_sig.json()["code"] == "unauthenticated"
    assert not Alarm.objects.exists()


def test_a_retired_device_is_refused(client) -> None:
    from eldercare.emergency.services import device_retire

    creds = make_device()
    device_retire(device=creds.device, actor=None)
    assert post_signed(client, URL, creds, {"event_id": "e-1", "kind": "sos"}).status_code == 401


def test_an_unknown_kind_is_a_validation_error(client) -> None:
    creds = make_device()
    response = post_signed(client, URL, creds, {"event_id": "e-1", "kind": "party"})
    assert response.status_code == 422
    assert response.json()["code"] == "alarm_kind_unknown"


def test_the_token_is_stored_only_as_a_hash() -> None:
    creds = make_device()
    creds.device.refresh_from_db()
    assert creds.token not in creds.device.token_hash
    assert creds.device.token_hash == __import__("hashlib").sha256(creds.token.encode()).hexdigest()


def test_a_test_call_is_closed_at_once_and_marks_the_device(client) -> None:
    creds = make_device()
    response = post_signed(client, URL, creds, {"event_id": "t-1", "kind": "test"})
    alarm = Alarm.objects.get(pk=response.json()["alarm_id"])
    creds.device.refresh_from_db()
    assert alarm.status == "closed"
    assert alarm.outcome == "test"
    assert alarm.next_escalation_at is None
    assert creds.device.last_test_call_at is not None


def test_a_heartbeat_with_a_low_battery_raises_one_technical_alarm_a_day(client) -> None:
    creds = make_device()
    for _ in range(2):
        response = post_signed(client, "/api/v1/devices/heartbeat", creds, {"battery_pct": 5})
    assert response.status_code == 200
    assert Alarm.objects.filter(kind="low_battery").count() == 1
    creds.device.refresh_from_db()
    assert creds.device.battery_pct == 5
