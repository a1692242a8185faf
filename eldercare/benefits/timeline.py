"""Benefits' entries on the elder's care-archive timeline: applications, review decisions, payments."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eldercare.benefits.models import Application, PaymentLine, ReviewDecision
from eldercare.registry.timeline import TimelineEntry, timeline_source


@timeline_source
def benefit_entries(elder: Any, principal: Any) -> list[TimelineEntry]:
    """Three queries: applications, their decisions, and the latest payment lines."""
    if principal is None or not principal.can("benefits.view"):
        return []
    entries = []
    for a in Application.objects.filter(elder_id=elder.pk).order_by("-created_at")[:20]:
        entries.append(
            TimelineEntry(
                at=a.created_at,
                kind="application",
                title=_("Benefit application: %(p)s") % {"p": a.programme_code},
                detail=f"{a.get_channel_display()} · {a.get_status_display()}",
                url=reverse("benefits:application_detail", args=[a.pk]),
                source="benefits",
            )
        )
    for d in (
        ReviewDecision.objects.filter(application__elder_id=elder.pk)
        .select_related("application", "reviewer")
        .order_by("-created_at")[:40]
    ):
        entries.append(
            TimelineEntry(
                at=d.created_at,
                kind="decision",
                title=_("Review %(step)s: %(decision)s")
                % {"step": d.step_code, "decision": d.get_decision_display()},
                detail=d.reason,
                url=reverse("benefits:application_detail", args=[d.application_id]),
                source="benefits",
            )
        )
    zone = timezone.get_current_timezone()
    for line in PaymentLine.objects.filter(elder_id=elder.pk).order_by("-for_period", "-id")[:24]:
        entries.append(
            TimelineEntry(
                at=datetime.combine(line.for_period, time(0), tzinfo=zone),
                kind="payment",
                title=_("%(p)s %(month)s: %(amount)s yuan")
                % {
                    "p": line.programme_code,
                    "month": line.for_period.strftime("%Y-%m"),
                    "amount": f"{line.amount_fen / 100:.2f}",
                },
                detail=f"{line.get_kind_display()} · {line.get_status_display()}",
                url=reverse("benefits:elder_services", args=[elder.pk]),
                source="benefits",
            )
        )
    return entries
