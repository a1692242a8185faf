"""MQTT intake (`manage.py alarm_ingest`): devices and gateways publish to the broker; this subscriber
stores each alarm and only then acknowledges the message (PUBACK, QoS 1, manual acknowledgement).

A persistent session (fixed client id, clean_session off) makes the broker keep and redeliver messages
that were not acknowledged when the subscriber died; the (device, event_id) constraint makes each
redelivery a recognised duplicate.

Message: a JSON envelope `{"token": "dv_…", "signature": "<hex HMAC-SHA256(secret, body)>", "body": "<the
same JSON text the HTTPS endpoint takes>"}`; `body.kind == "heartbeat"` is a heartbeat.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from django.db import close_old_connections, connection

from eldercare.core.exceptions import DomainError
from eldercare.emergency import rules, services
from eldercare.emergency.choices import AlarmSource
from eldercare.emergency.selectors import device_by_token

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestResult:
    status: str  # "created", "duplicate", "heartbeat", "rejected"
    alarm_id: int | None = None
    reason: str = ""


def handle_message(payload: bytes) -> IngestResult:
    """Authenticate and store one MQTT message. Rejected messages are logged, never retried."""
    try:
        envelope = json.loads(payload)
        token, signature, body = envelope["token"], envelope["signature"], envelope["body"]
        raw = body.encode() if isinstance(body, str) else b""
        event = json.loads(raw)
    except (ValueError, KeyError, TypeError, AttributeError):
        return IngestResult(status="rejected", reason="malformed")
    device = device_by_token(str(token))
    if device is None or not rules.signature_valid(device.secret, raw, str(signature)):
        return IngestResult(status="rejected", reason="unauthenticated")
    if event.get("kind") == "heartbeat":
        services.device_heartbeat(device=device, battery_pct=event.get("battery_pct"))
        return IngestResult(status="heartbeat")
    try:
        data = dict(event.get("data") or {})
        if event.get("battery_pct") is not None:
            data["battery_pct"] = event["battery_pct"]
        occurred = event.get("occurred_at")
        from django.utils.dateparse import parse_datetime

        alarm, created = services.alarm_receive(
            device=device,
            event_id=str(event.get("event_id", "")),
            kind=str(event.get("kind", "")),
            source=AlarmSource.MQTT,
            occurred_at=parse_datetime(occurred) if isinstance(occurred, str) else None,
            payload=data,
        )
    except DomainError as exc:
        return IngestResult(status="rejected", reason=exc.code)
    return IngestResult(status="created" if created else "duplicate", alarm_id=alarm.pk)


def envelope(*, token: str, secret: str, event: dict[str, Any]) -> bytes:
    """What a device publishes (used by the simulator, the benchmark and the tests)."""
    body = json.dumps(event)
    return json.dumps({"token": token, "signature": rules.sign(secret, body.encode()), "body": body}).encode()


def run_ingest(
    *,
    url: str,
    topic: str,
    client_id: str = "eldercare-alarm-ingest",
    max_messages: int | None = None,
    timeout: float | None = None,
    on_ready: Callable[[], None] | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
) -> int:
    """Subscribe and store messages until `max_messages` were handled or `timeout` seconds passed
    (both None: forever). Runs the network loop in this thread, so each message is stored on this
    thread's database connection and acknowledged after its transaction committed."""
    import paho.mqtt.client as mqtt

    parsed = urlparse(url)
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False, manual_ack=True
    )
    if parsed.username:
        client.username_pw_set(parsed.username, parsed.password)
    if parsed.scheme == "mqtts":
        client.tls_set()
    handled = 0
    ready = False

    def on_connect(c: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        c.subscribe(topic, qos=1)

    def on_subscribe(c: Any, userdata: Any, mid: Any, reasons: Any, properties: Any) -> None:
        nonlocal ready
        if not ready:
            ready = True
            if on_ready is not None:
                on_ready()

    def on_message(c: Any, userdata: Any, msg: Any) -> None:
        nonlocal handled
        if not connection.in_atomic_block:  # a long-running loop drops stale connections
            close_old_connections()
        result = handle_message(msg.payload)
        if result.status == "rejected":
            logger.warning("mqtt message on %s rejected: %s", msg.topic, result.reason)
        c.ack(msg.mid, msg.qos)  # after the alarm's transaction committed
        handled += 1
        if on_result is not None:
            on_result(result)

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.connect(
        parsed.hostname or "127.0.0.1", parsed.port or (8883 if parsed.scheme == "mqtts" else 1883)
    )
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while (max_messages is None or handled < max_messages) and (
            deadline is None or time.monotonic() < deadline
        ):
            client.loop(timeout=0.1)
    finally:
        client.disconnect()
    return handled
