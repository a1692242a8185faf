"""Push alarm changes to connected consoles over the channel layer (Django Channels).

Called after the database commit, never before: a console must not show an alarm that a rollback
then removes. A failed push loses nothing — the alarm is in the database and every console
re-reads the open alarms on (re)connect and every few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from eldercare.emergency.models import Alarm

GROUP = "emergency.alarms"
logger = logging.getLogger(__name__)


def alarm_message(alarm: Alarm, *, event: str) -> dict[str, Any]:
    """The JSON a console needs to show one alarm row (no personal data beyond the masked name)."""
    return {
        "event": event,
        "id": alarm.pk,
        "kind": alarm.kind,
        "status": alarm.status,
        "division": alarm.division_id,
        "division_name": alarm.division.name if alarm.division_id else "",
        "elder": alarm.elder.masked_name if alarm.elder_id and alarm.elder else "",
        "received_at": alarm.received_at.isoformat(),
        "received_ts": alarm.received_at.timestamp(),
        "escalation_level": alarm.escalation_level,
        "taken_by": str(alarm.taken_by) if alarm.taken_by_id and alarm.taken_by else "",
        "sent_ts": time.time(),
    }


def publish(message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(GROUP, {"type": "alarm.update", "alarm": message})
    except Exception:  # the push is best effort; the database is the truth
        logger.exception("could not push alarm %s to consoles", message.get("id"))


def alarm_publish_now(alarm_id: int, *, event: str) -> None:
    alarm = Alarm.objects.select_related("elder", "division", "taken_by").filter(pk=alarm_id).first()
    if alarm is not None:
        publish(alarm_message(alarm, event=event))


_queue: queue.SimpleQueue[tuple[int, str]] = queue.SimpleQueue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


def _drain() -> None:
    """The push thread: takes whatever is queued (up to 200), reads those alarms in one query and sends them
    on this thread's own event loop. One loop for the thread's life keeps the channel layer's Redis
    connections open; `async_to_sync` per message would build a loop, and a connection, per alarm."""
    from django.db import close_old_connections

    loop = asyncio.new_event_loop()
    while True:
        batch = [_queue.get()]
        while len(batch) < 200:
            try:
                batch.append(_queue.get_nowait())
            except queue.Empty:
                break
        try:
            found = Alarm.objects.select_related("elder", "division", "taken_by").in_bulk(
                {alarm_id for alarm_id, _ in batch}
            )
            messages = [alarm_message(found[i], event=event) for i, event in batch if i in found]
            layer = get_channel_layer()
            if layer is not None and messages:
                loop.run_until_complete(_send_all(layer, messages))
        except Exception:
            logger.exception("could not push alarms %s", [alarm_id for alarm_id, _ in batch])
        finally:
            close_old_connections()


async def _send_all(layer: Any, messages: list[dict[str, Any]]) -> None:
    for message in messages:  # in order: a console must see "new" before "taken"
        try:
            await layer.group_send(GROUP, {"type": "alarm.update", "alarm": message})
        except Exception:  # the push is best effort; the database is the truth
            logger.exception("could not push alarm %s to consoles", message.get("id"))


def alarm_publish(alarm_id: int, *, event: str) -> None:
    """Queue the push (called from `on_commit`): a daemon thread of this process reads the alarm and
    sends it, so the device's acknowledgement never waits for the channel layer. With
    `EMERGENCY_PUSH_INLINE` (tests, commands that exit at once) it is sent before returning."""
    global _worker
    if getattr(settings, "EMERGENCY_PUSH_INLINE", False):
        alarm_publish_now(alarm_id, event=event)
        return
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_drain, name="alarm-push", daemon=True)
            _worker.start()
    _queue.put((alarm_id, event))


def wait_idle(timeout: float = 5.0) -> None:
    """Let queued pushes go out before a short-lived process exits."""
    deadline = time.monotonic() + timeout
    while not _queue.empty() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
