"""The assessment's entries on the elder's care-archive timeline (档案时间线)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from eldercare.assessment.choices import AssessmentStatus
from eldercare.assessment.models import Assessment, AssessmentRequest
from eldercare.registry.timeline import TimelineEntry, timeline_source


@timeline_source
def assessment_entries(elder: Any, principal: Any) -> list[TimelineEntry]:
    """Published and superseded results (history stays visible) and requests; two queries."""
    if principal is None or not principal.can("assessments.view"):
        return []
    entries = []
    for a in (
        Assessment.objects.filter(
            elder_id=elder.pk, status__in=[AssessmentStatus.PUBLISHED, AssessmentStatus.SUPERSEDED]
        )
        .select_related("instrument")
        .order_by("-published_at")[:50]
    ):
        if a.published_at is None:
            continue
        state = (
            _("superseded")
            if a.status == AssessmentStatus.SUPERSEDED
            else _("valid until %(d)s") % {"d": a.valid_until}
        )
        entries.append(
            TimelineEntry(
                at=a.published_at,
                kind="assessment",
                title=_("Ability level %(level)s: %(name)s") % {"level": a.level, "name": a.level_name},
                detail=f"{a.instrument.code} · {a.get_purpose_display()} · {state}",
                url=reverse("assessment:assessment_detail", args=[a.pk]),
                source="assessment",
            )
        )
    for r in AssessmentRequest.objects.filter(elder_id=elder.pk).order_by("-created_at")[:20]:
        entries.append(
            TimelineEntry(
                at=r.created_at,
                kind="assessment_request",
                title=_("Assessment requested: %(reason)s") % {"reason": r.get_reason_display()},
                detail=f"{r.get_trigger_display()} · {r.get_status_display()}",
                url=reverse("assessment:request_detail", args=[r.pk]),
                source="assessment",
            )
        )
    return entries
