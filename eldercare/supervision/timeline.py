"""Supervision's entries on an elder's care-archive timeline: complaints about the elder's care."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from eldercare.registry.timeline import TimelineEntry, timeline_source
from eldercare.supervision.models import Complaint


@timeline_source
def supervision_complaints(elder: Any, principal: Any) -> list[TimelineEntry]:
    if principal is None or not principal.can("supervision.complaints"):
        return []
    rows = Complaint.objects.filter(elder=elder).order_by("-received_at")[:50]
    return [
        TimelineEntry(
            at=c.received_at,
            kind="complaint",
            title=_("Complaint %(case)s: %(subject)s")
            % {"case": c.case_number, "subject": c.get_subject_display()},
            detail=c.get_status_display(),
            url=reverse("supervision:complaint_detail", args=[c.pk]),
            source="supervision",
        )
        for c in rows
    ]
