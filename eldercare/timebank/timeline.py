"""The time bank's entries on an elder's care-archive timeline: services requested and their outcome."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from eldercare.registry.timeline import TimelineEntry, timeline_source
from eldercare.timebank.models import ServiceRequest


@timeline_source
def timebank_services(elder: Any, principal: Any) -> list[TimelineEntry]:
    if principal is None or not principal.can("timebank.view"):
        return []
    rows = ServiceRequest.objects.filter(elder=elder).order_by("-scheduled_at")[:50]
    return [
        TimelineEntry(
            at=r.scheduled_at,
            kind="timebank",
            title=_("Time-bank service: %(service)s") % {"service": r.get_service_type_display()},
            detail=r.get_status_display(),
            url=reverse("timebank:request_detail", args=[r.pk]),
            source="timebank",
        )
        for r in rows
    ]
