"""MQTT intake against the local Mosquitto (127.0.0.1:1883): stored, then acknowledged; duplicates once."""

import uuid

import paho.mqtt.publish as publish
import pytest
from django.core.management import call_command

from eldercare.emergency.models import Alarm
from eldercare.emergency.mqtt import envelope, handle_message, run_ingest
from eldercare.emergency.tests.factories import make_device

pytestmark = pytest.mark.django_db


def test_a_published_alarm_is_stored_and_its_duplicate_recognised() -> None:
    # given a device and the subscriber on a topic of this test's own
    creds = make_device()
    topic = f"eldercare-test/{uuid.uuid4().hex}/alarms"
    message = envelope(token=creds.token, secret=creds.secret, event={"event_id": "m-1", "kind": "sos"})
    results = []

    def publish_twice() -> None:
        for _ in range(2):
            publish.single(topic, message, qos=1, hostname="127.0.0.1", port=1883)

    # when the device publishes the same event twice
    handled = run_ingest(
        url="mqtt://127.0.0.1:1883",
        topic=topic,
        client_id=f"test-{uuid.uuid4().hex[:8]}",
        max_messages=2,
        timeout=10,
        on_ready=publish_twice,
        on_result=results.append,
    )
    # then one alarm is stored from MQTT and the second delivery is recognised
    assert handled == 2
    assert [r.status for r in results] == ["created", "duplicate"]
    alarm = Alarm.objects.get()
    assert (alarm.source, alarm.kind, alarm.device_id) == ("mqtt", "sos", creds.device.pk)


def test_forged_or_malformed_messages_are_rejected() -> None:
    creds = make_device()
    forged = envelope(token=creds.token, secret="wrong", event={"event_id": "m-1", "kind": "sos"})
    assert handle_message(forged).status == "rejected"
    assert handle_message(b"not json").reason == "malformed"
    assert not Alarm.objects.exists()


def test_a_heartbeat_over_mqtt_updates_the_device() -> None:
    creds = make_device()
    result = handle_message(
        envelope(token=creds.token, secret=creds.secret, event={"kind": "heartbeat", "battery_pct": 80})
    )
    creds.device.refresh_from_db()
    assert result.status == "heartbeat"
    assert creds.device.battery_pct == 80


def test_the_escalate_command_runs_once_without_loop(capsys) -> None:
    call_command("alarm_escalate")
    assert "0 escalated" in capsys.readouterr().out


def test_the_simulator_sends_alarms_over_mqtt_that_the_ingest_stores(capsys) -> None:
    from eldercare.core.tests.factories import ElderFactory

    ElderFactory()
    call_command(
        "alarm_simulate", "--mqtt", "--count", "1", "--interval", "0", "--devices", "1", "--seed", "1"
    )
    assert "published to" in capsys.readouterr().out


def test_alarms_appear_on_the_elders_timeline() -> None:
    from eldercare.accounts.principal import principal_for_user
    from eldercare.core.tests.factories import UserFactory
    from eldercare.emergency.tests.factories import make_alarm
    from eldercare.registry.timeline import elder_timeline

    alarm = make_alarm(kind="fall")
    principal = principal_for_user(UserFactory(role="emergency_operator", username="tl"))
    entries = elder_timeline(elder=alarm.elder, principal=principal)
    assert [e.kind for e in entries] == ["alarm"]
