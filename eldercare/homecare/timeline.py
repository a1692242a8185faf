"""Home care's entries on an elder's care-archive timeline: service orders, adaptation and family bed."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eldercare.homecare.models import FamilyCareBed, HomeAdaptation, ServiceOrder
from eldercare.registry.timeline import TimelineEntry, timeline_source


def _at(day: Any) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


@timeline_source
def homecare_entries(elder: Any, principal: Any) -> list[TimelineEntry]:
    """Three queries: the latest orders, adaptations and family beds of the elder."""
    if principal is None or not principal.can("homecare.view"):
        return []
    entries = [
        TimelineEntry(
            at=o.scheduled_at,
            kind="order",
            title=_("Home-care service: %(service)s") % {"service": o.get_service_type_display()},
            detail=o.get_status_display() + (" · " + ", ".join(o.flags) if o.flags else ""),
            url=reverse("homecare:order_detail", args=[o.pk]),
            source="homecare",
        )
        for o in ServiceOrder.objects.filter(elder=elder).order_by("-scheduled_at")[:50]
    ]
    entries += [
        TimelineEntry(
            at=_at(a.accepted_on or a.applied_on),
            kind="adaptation",
            title=_("Home adaptation"),
            detail=a.get_status_display(),
            url=reverse("homecare:adaptation_detail", args=[a.pk]),
            source="homecare",
        )
        for a in HomeAdaptation.objects.filter(elder=elder).order_by("-applied_on")[:10]
    ]
    entries += [
        TimelineEntry(
            at=_at(b.applied_on),
            kind="family_bed",
            title=_("Family care bed"),
            detail=b.get_status_display(),
            url=reverse("homecare:bed_detail", args=[b.pk]),
            source="homecare",
        )
        for b in FamilyCareBed.objects.filter(elder=elder).order_by("-applied_on")[:10]
    ]
    return entries
