"""Campaigns (双随机、一公开): create, draw reproducibly while avoiding conflicts, publish; and inspectors'
declared conflicts of interest."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.models import Division, Organisation
from eldercare.supervision import rules, selectors
from eldercare.supervision.choices import CampaignStatus, ConflictKind
from eldercare.supervision.models import Campaign, Inspection, InspectorConflict


@transaction.atomic
def campaign_create(
    *,
    title: str,
    division: Division,
    target_kinds: list[str],
    target_count: int,
    checklist_code: str,
    inspect_by: date,
    actor: Any,
    inspectors_per_target: int = 2,
) -> Campaign:
    if target_count <= 0 or inspectors_per_target <= 0:
        raise DomainError("supervision_counts_invalid", "Counts must be positive.", status=422)
    unknown = set(target_kinds) - {str(k) for k in selectors.SUPERVISED_KINDS}
    if unknown or not target_kinds:
        raise DomainError(
            "supervision_kinds_invalid",
            "Targets are institutions and providers.",
            sorted(unknown),
            status=422,
        )
    selectors.checklist_current(checklist_code)  # 404 for an unknown checklist
    campaign = Campaign.objects.create(
        title=title.strip(),
        division=division,
        target_kinds=sorted(target_kinds),
        target_count=target_count,
        inspectors_per_target=inspectors_per_target,
        checklist_code=checklist_code,
        inspect_by=inspect_by,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor, action="supervision.campaign_created", target=campaign, changes={"title": campaign.title}
    )
    return campaign


@transaction.atomic
def campaign_draw(*, campaign: Campaign, actor: Any, seed: str | None = None) -> Campaign:
    """Draw targets and inspectors (双随机) and plan one inspection per drawn target.

    Records the seed (fresh from `secrets` unless given, e.g. a public lottery number), the eligible
    lists by id, the conflicts avoided, their fingerprint and the result; `rules.draw` is pure, so
    anyone can re-draw from what `campaign_publish` makes public. A draft is drawn once.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ConflictError("supervision_campaign_drawn", "This campaign has already been drawn.")
    today = timezone.localdate()
    targets = selectors.eligible_targets(campaign)
    inspectors = selectors.eligible_inspectors(campaign)
    if not targets:
        raise DomainError("supervision_no_targets", "No eligible targets in this area.", status=409)
    if not inspectors:
        raise DomainError("supervision_no_inspectors", "No eligible inspectors for this area.", status=409)
    conflicts = selectors.draw_conflicts(inspectors=inspectors, targets=targets, on=today)
    seed = (seed or secrets.token_hex(16)).strip()[:64]
    result = rules.draw(
        rules.DrawInput(
            seed=seed,
            targets=tuple(targets),
            inspectors=tuple(inspectors),
            conflicts=frozenset(conflicts),
            target_count=campaign.target_count,
            inspectors_per_target=campaign.inspectors_per_target,
        )
    )
    campaign.seed = seed
    campaign.algorithm = rules.DRAW_ALGORITHM
    campaign.eligible_targets = targets
    campaign.eligible_inspectors = inspectors
    campaign.conflicts = sorted([list(pair) for pair in conflicts])
    campaign.fingerprint = result.fingerprint
    campaign.result = rules.result_as_json(result)
    campaign.status = CampaignStatus.DRAWN
    campaign.drawn_at = timezone.now()
    campaign.save()
    checklist = selectors.checklist_current(campaign.checklist_code)
    for assignment in result.assignments:
        inspection = Inspection.objects.create(
            campaign=campaign,
            organisation_id=assignment.target,
            checklist=checklist,
            scheduled_on=campaign.inspect_by,
        )
        inspection.inspectors.set(assignment.inspectors)
    audit_record(
        actor=actor,
        action="supervision.campaign_drawn",
        target=campaign,
        changes={"seed": seed, "fingerprint": result.fingerprint, "targets": len(result.assignments)},
    )
    return campaign


@transaction.atomic
def campaign_publish(*, campaign: Campaign, actor: Any) -> Campaign:
    """Publish the draw (一公开): seed, lists, fingerprint and result appear on the public page."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAWN:
        raise ConflictError(
            "supervision_campaign_not_drawn", "Only a drawn, unpublished campaign can be published."
        )
    campaign.status = CampaignStatus.PUBLISHED
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=actor, action="supervision.campaign_published", target=campaign)
    return campaign


@transaction.atomic
def conflict_declare(
    *,
    inspector: Any,
    organisation: Organisation,
    kind: str,
    actor: Any,
    note: str = "",
    valid_until: date | None = None,
) -> InspectorConflict:
    """An inspector declares a conflict of interest (利益冲突申报); later draws never pair them."""
    if kind not in ConflictKind.values:
        raise DomainError("supervision_conflict_kind", "Unknown kind of conflict.", status=422)
    conflict = InspectorConflict.objects.create(
        inspector=inspector,
        organisation=organisation,
        kind=kind,
        note=note.strip()[:300],
        valid_until=valid_until,
    )
    audit_record(
        actor=actor,
        action="supervision.conflict_declared",
        target=conflict,
        changes={"inspector": inspector.pk, "organisation": organisation.pk, "kind": kind},
    )
    return conflict
