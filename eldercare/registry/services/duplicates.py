"""Possible duplicates (疑似重复) and the audited merge that keeps both histories."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Min

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.scope import DataScope
from eldercare.registry import rules
from eldercare.registry.choices import ChangeKind, DuplicateReason, ElderStatus, ReviewStatus
from eldercare.registry.models import (
    DuplicateCandidate,
    Elder,
    ElderChange,
    ElderConsent,
    ElderContact,
    ElderGroupMembership,
    LifeEvent,
    ReviewItem,
)
from eldercare.registry.services.elders import actor_label, id_number_hash, record_change


def _flag(elder: Elder, other_id: int, reason: str) -> None:
    a, b = sorted((elder.pk, other_id))
    try:
        with transaction.atomic():
            DuplicateCandidate.objects.get_or_create(elder_id=a, other_id=b, defaults={"reason": reason})
    except IntegrityError:  # flagged concurrently
        pass


def duplicates_detect(*, elder: Elder) -> int:
    """Flag records that may be the same person as `elder` (two queries): same name and birth date,
    or an ID number one typing slip away (looked up by hash, so no decryption)."""
    found = 0
    same = (
        Elder.objects.filter(name=elder.name, birth_date=elder.birth_date)
        .exclude(pk=elder.pk)
        .exclude(status=ElderStatus.MERGED)
        .values_list("pk", flat=True)
    )
    for pk in same:
        _flag(elder, pk, DuplicateReason.SAME_NAME_BIRTH)
        found += 1
    hashes = [id_number_hash(v) for v in rules.id_typo_variants(elder.id_number)]
    for pk in (
        Elder.objects.filter(id_number_hash__in=hashes)
        .exclude(status=ElderStatus.MERGED)
        .values_list("pk", flat=True)
    ):
        _flag(elder, pk, DuplicateReason.ID_TYPO)
        found += 1
    return found


def duplicates_scan(*, scope: DataScope) -> int:
    """Flag every pair in scope with the same name and birth date (one grouped query, then the groups)."""
    groups = (
        Elder.objects.for_scope(scope)
        .exclude(status=ElderStatus.MERGED)
        .values("name", "birth_date")
        .annotate(n=Count("id"), first=Min("id"))
        .filter(n__gt=1)
    )
    found = 0
    for group in groups[:1000]:
        ids = list(
            Elder.objects.filter(name=group["name"], birth_date=group["birth_date"])
            .exclude(status=ElderStatus.MERGED)
            .values_list("pk", flat=True)
        )
        first = Elder(pk=ids[0])
        for other in ids[1:]:
            _flag(first, other, DuplicateReason.SAME_NAME_BIRTH)
            found += 1
    return found


@transaction.atomic
def elders_merge(*, survivor: Elder, duplicate: Elder, actor: Any, note: str = "") -> Elder:
    """Merge `duplicate` into `survivor`: contacts, groups, consents, events and history move over
    (history rows keep `original_elder_id`); the duplicate stays as a MERGED record pointing at the
    survivor, so nothing is deleted and both histories remain readable."""
    if survivor.pk == duplicate.pk:
        raise DomainError("merge_same", "An elder cannot be merged with itself.", status=422)
    locked = list(Elder.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk"))
    if any(e.status == ElderStatus.MERGED for e in locked):
        raise DomainError("merge_already_merged", "One of the records is already merged.", status=409)
    ElderChange.objects.filter(elder=duplicate, original_elder_id__isnull=True).update(
        original_elder_id=duplicate.pk
    )
    ElderChange.objects.filter(elder=duplicate).update(elder=survivor)
    ElderContact.objects.filter(elder=duplicate).update(elder=survivor)
    ElderConsent.objects.filter(elder=duplicate).update(elder=survivor)
    ReviewItem.objects.filter(elder=duplicate).update(elder=survivor)
    kept_groups = set(ElderGroupMembership.objects.filter(elder=survivor).values_list("group", flat=True))
    ElderGroupMembership.objects.filter(elder=duplicate).exclude(group__in=kept_groups).update(elder=survivor)
    kept_events = set(LifeEvent.objects.filter(elder=survivor).values_list("kind", flat=True))
    LifeEvent.objects.filter(elder=duplicate).exclude(kind__in=kept_events).update(elder=survivor)
    old_status = duplicate.status
    Elder.objects.filter(pk=duplicate.pk).update(status=ElderStatus.MERGED, merged_into=survivor)
    DuplicateCandidate.objects.filter(
        elder_id__in=[survivor.pk, duplicate.pk], other_id__in=[survivor.pk, duplicate.pk]
    ).update(status=ReviewStatus.MERGED, resolved_by=actor_label(actor))
    changes = {
        "merged": duplicate.pk,
        "merged_masked_id": duplicate.id_number_masked,
        "merged_status": old_status,
        "note": note,
    }
    record_change(elder=survivor, kind=ChangeKind.MERGED, actor=actor, changes=changes)
    audit_record(actor=actor, action="elder.merged", target=survivor, changes=changes)
    survivor.refresh_from_db()
    return survivor


@transaction.atomic
def duplicate_dismiss(*, candidate: DuplicateCandidate, actor: Any) -> DuplicateCandidate:
    candidate.status = ReviewStatus.REJECTED
    candidate.resolved_by = actor_label(actor)
    candidate.save(update_fields=["status", "resolved_by", "updated_at"])
    audit_record(
        actor=actor,
        action="elder.duplicate_dismissed",
        target=candidate.elder,
        changes={"other": candidate.other_id},
    )
    return candidate
