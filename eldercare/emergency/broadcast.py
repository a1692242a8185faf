"""Push alarm changes to connected consoles over the channel layer (Django Channels).

Called after the database commit, never before: a console must not show an alarm that a rollback
then removes. A failed push loses nothing — the alarm is in the database and every console
re-reads the open alarms on (re)connect and every few seconds.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

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


def alarm_publish(alarm_id: int, *, event: str) -> None:
    alarm = Alarm.objects.select_related("elder", "division", "taken_by").filter(pk=alarm_id).first()
    if alarm is not None:
        publish(alarm_message(alarm, event=event))
