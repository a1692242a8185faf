"""The visits module's entries on the elder's care-archive timeline: visits and the follow-ups they raised."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from eldercare.registry.timeline import TimelineEntry, timeline_source
from eldercare.visits.models import FollowUp, VisitRecord


@timeline_source
def visits(elder: Any, principal: Any) -> list[TimelineEntry]:
    """Two queries: the latest visits (with their visitors) and the follow-ups closed or opened."""
    if principal is None or not principal.can("visits.record_view"):
        return []
    entries = [
        TimelineEntry(
            at=r.visited_at,
            kind="visit",
            title=_("Visit: %(method)s, %(outcome)s")
            % {"method": r.get_method_display(), "outcome": r.get_outcome_display()},
            detail=str(r.visitor) + (" · " + _("needs immediate attention") if r.urgent else ""),
            url=reverse("visits:record_detail", args=[r.pk]),
            source="visits",
        )
        for r in VisitRecord.objects.filter(elder_id=elder.pk)
        .select_related("visitor")
        .order_by("-visited_at")[:100]
    ]
    for f in FollowUp.objects.filter(elder_id=elder.pk).order_by("-created_at")[:50]:
        entries.append(
            TimelineEntry(
                at=f.closed_at or f.created_at,
                kind="visit_follow_up",
                title=_("Follow-up %(kind)s: %(status)s")
                % {"kind": f.get_kind_display(), "status": f.get_status_display()},
                detail=f.resolution if f.closed_at else str(f.get_severity_display()),
                url=reverse("visits:followup_detail", args=[f.pk]),
                source="visits",
            )
        )
    return entries
