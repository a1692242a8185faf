"""The facilities module's entries in the elder's care-archive timeline: admissions, discharges,
incidents and the waitlist (applications, offers). Four queries, whatever the number of entries."""

from __future__ import annotations

from typing import Any

from eldercare.registry.timeline import TimelineEntry, timeline_source


@timeline_source
def facilities_entries(elder: Any, principal: Any) -> list[TimelineEntry]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from eldercare.facilities.models import Incident, Residency, WaitlistApplication, WaitlistOffer

    if principal is None or not principal.can("facilities.view"):
        return []
    entries: list[TimelineEntry] = []
    for stay in Residency.objects.filter(elder=elder).select_related("facility", "bed")[:100]:
        entries.append(
            TimelineEntry(
                at=stay.started_at,
                kind="admission",
                title=_("Admitted to %(facility)s") % {"facility": stay.facility.name},
                detail=f"{stay.bed} · {stay.bed.get_bed_type_display()}",
                source="facilities",
            )
        )
        if stay.ended_at is not None:
            entries.append(
                TimelineEntry(
                    at=stay.ended_at,
                    kind="discharge",
                    title=_("Left %(facility)s") % {"facility": stay.facility.name},
                    detail=str(stay.get_discharge_reason_display()),
                    source="facilities",
                )
            )
    for incident in Incident.objects.filter(elder=elder).select_related("facility")[:100]:
        entries.append(
            TimelineEntry(
                at=incident.occurred_at,
                kind="incident",
                title=_("Incident: %(kind)s") % {"kind": incident.get_kind_display()},
                detail=f"{incident.facility.name} · {incident.get_severity_display()}",
                source="facilities",
            )
        )
    for app in WaitlistApplication.objects.filter(elder=elder).select_related("facility")[:50]:
        entries.append(
            TimelineEntry(
                at=app.applied_at,
                kind="waitlist",
                title=_("Applied for %(facility)s") % {"facility": app.facility.name},
                detail=f"{app.priority_group} · {app.get_status_display()}",
                url=reverse("facilities:application_detail", args=[app.pk]),
                source="facilities",
            )
        )
    for offer in WaitlistOffer.objects.filter(application__elder=elder).select_related(
        "application__facility"
    )[:50]:
        entries.append(
            TimelineEntry(
                at=offer.offered_at,
                kind="waitlist",
                title=_("Bed offered at %(facility)s") % {"facility": offer.application.facility.name},
                detail=str(offer.get_status_display()),
                url=reverse("facilities:application_detail", args=[offer.application_id]),
                source="facilities",
            )
        )
    return entries
