"""The emergency centre's entries on the elder's care-archive timeline: alarms and their outcomes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from eldercare.emergency.models import Alarm
from eldercare.registry.timeline import TimelineEntry, timeline_source


@timeline_source
def alarms(elder: Any, principal: Any) -> list[TimelineEntry]:
    if principal is None or not principal.can("emergency.view"):
        return []
    rows = Alarm.objects.filter(elder_id=elder.pk).exclude(kind="test").order_by("-received_at")[:50]
    return [
        TimelineEntry(
            at=a.received_at,
            kind="alarm",
            title=str(a.get_kind_display()),
            detail=str(a.get_outcome_display() or a.get_status_display()),
            url=reverse("emergency:alarm_detail", args=[a.pk]),
            source="emergency",
        )
        for a in rows
    ]
