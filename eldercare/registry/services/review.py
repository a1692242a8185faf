"""The review queue (待核对): a person decides on values that contradict the record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.registry.choices import ChangeKind, ReviewStatus
from eldercare.registry.models import Elder, LifeEvent, ReviewItem
from eldercare.registry.services.elders import actor_label, elder_update, record_change


@transaction.atomic
def review_resolve(*, item: ReviewItem, accept: bool, actor: Any) -> ReviewItem:
    """Accept the incoming value (it replaces the record's, with history) or reject it (kept as is)."""
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ReviewStatus.OPEN:
        raise DomainError("review_closed", "This item was already decided.", status=409)
    elder = Elder.objects.get(pk=item.elder_id)
    if accept:
        if item.field == "name":
            elder_update(elder=elder, actor=actor, name=item.incoming_value, source="review")
        elif item.field == "birth_date":
            old = elder.birth_date
            elder.birth_date = date.fromisoformat(item.incoming_value)
            elder.save(update_fields=["birth_date", "updated_at"])
            record_change(
                elder=elder,
                kind=ChangeKind.UPDATED,
                actor=actor,
                changes={"birth_date": [old.isoformat(), item.incoming_value]},
                source="review",
            )
        elif item.field.endswith("_date"):
            kind = item.field.removesuffix("_date")
            on = date.fromisoformat(item.incoming_value)
            LifeEvent.objects.filter(elder=elder, kind=kind).update(occurred_on=on)
            if kind == "death":
                elder.deceased_on = on
            elder.status_changed_on = on
            elder.save(update_fields=["deceased_on", "status_changed_on", "updated_at"])
            record_change(
                elder=elder,
                kind=ChangeKind.STATUS,
                actor=actor,
                changes={item.field: [item.current_value, item.incoming_value]},
                source="review",
            )
        else:
            raise DomainError("review_field_unknown", f"Cannot apply {item.field}.", status=422)
    item.status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    item.resolved_by = actor_label(actor)
    item.save(update_fields=["status", "resolved_by", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.review_accepted" if accept else "registry.review_rejected",
        target=elder,
        changes={"field": item.field, "values": [item.current_value, item.incoming_value]},
    )
    return item
