"""Recording life events (death, move-out, admission) and calling the listeners that end entitlements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from eldercare.core.audit import audit_record
from eldercare.core.bulk import copy_update
from eldercare.core.exceptions import DomainError
from eldercare.registry.choices import ChangeKind, ElderStatus, LifeEventKind
from eldercare.registry.life_events import LifeEventInfo, ListenerResult, listeners
from eldercare.registry.models import Elder, ElderChange, ImportBatch, LifeEvent
from eldercare.registry.services.elders import actor_label, refresh_special_difficulty

STATUS_BY_KIND = {
    LifeEventKind.DEATH: ElderStatus.DECEASED,
    LifeEventKind.MOVE_OUT: ElderStatus.MOVED_OUT,
    LifeEventKind.INSTITUTION: ElderStatus.IN_INSTITUTION,
}


@dataclass(frozen=True, slots=True)
class EventInput:
    elder: Elder
    kind: str
    occurred_on: date


@transaction.atomic
def life_events_record(
    *, events: Sequence[EventInput], actor: Any, source: str, batch: ImportBatch | None = None
) -> list[LifeEvent]:
    """Mark the elders, store the events, and let every listener react (bounded queries per call).

    The caller has checked that no event of the same kind exists yet for these elders (imports send a
    different date to the review queue instead). Elders already deceased keep that status.
    """
    if not events:
        return []
    rows = LifeEvent.objects.bulk_create(
        [
            LifeEvent(elder=e.elder, kind=e.kind, occurred_on=e.occurred_on, source=source, batch=batch)
            for e in events
        ]
    )
    if any(r.pk is None for r in rows):  # backends without RETURNING: read the ids back
        by_key = {
            (r.elder_id, r.kind): r for r in LifeEvent.objects.filter(elder__in=[e.elder for e in events])
        }
        rows = [by_key[(e.elder.pk, e.kind)] for e in events]
    elders = []
    changes = []
    label = actor_label(actor)
    for event in events:
        elder = event.elder
        if elder.status != ElderStatus.DECEASED:
            old = elder.status
            elder.status = STATUS_BY_KIND[LifeEventKind(event.kind)]
            if event.kind == LifeEventKind.DEATH:
                elder.deceased_on = event.occurred_on
            elder.status_changed_on = event.occurred_on
            elders.append(elder)
            changes.append(
                ElderChange(
                    elder=elder,
                    kind=ChangeKind.STATUS,
                    actor_label=label,
                    source=source,
                    batch=batch,
                    changes={"status": [old, elder.status], "on": event.occurred_on.isoformat()},
                )
            )
    copy_update(Elder, elders, ["status", "deceased_on", "status_changed_on"])
    ElderChange.objects.bulk_create(changes, batch_size=1000)
    refresh_special_difficulty(elders=elders)
    infos = [
        LifeEventInfo(
            event_id=row.pk, elder_id=row.elder_id, kind=row.kind, occurred_on=row.occurred_on, source=source
        )
        for row in rows
    ]
    results: dict[int, list[ListenerResult]] = {}
    for listener in listeners():
        for event_id, result in listener(infos).items():
            results.setdefault(event_id, []).append(result)
    for row in rows:
        found = results.get(row.pk, [])
        overpayments = [o for r in found for o in r.overpayments]
        row.outcome = {
            "ended": [e for r in found for e in r.ended],
            "overpayments": [
                {
                    "programme": o.programme,
                    "reference": o.reference,
                    "amount_fen": o.amount_fen,
                    "paid_on": o.paid_on.isoformat(),
                    "period": o.period,
                }
                for o in overpayments
            ],
        }
        row.overpayment_fen = sum(o.amount_fen for o in overpayments)
    copy_update(LifeEvent, rows, ["outcome", "overpayment_fen"])
    audit_record(
        actor=actor,
        action="elder.life_events_recorded",
        division_code=batch.division_id or "" if batch else None,
        changes={
            "source": source,
            "count": len(rows),
            "kinds": sorted({r.kind for r in rows}),
            "batch": batch.pk if batch else None,
            "overpayment_fen": sum(r.overpayment_fen for r in rows),
        },
    )
    return rows


def life_event_record(
    *, elder: Elder, kind: str, occurred_on: date, actor: Any, source: str = "manual"
) -> LifeEvent:
    """One event entered by staff (e.g. a community worker reports a death)."""
    if kind not in LifeEventKind.values:
        raise DomainError("life_event_kind_invalid", f"Unknown life event {kind!r}.", status=422)
    if occurred_on < elder.birth_date:
        raise DomainError("life_event_before_birth", "The event date is before the birth date.", status=422)
    from django.utils import timezone

    if occurred_on > timezone.localdate():
        raise DomainError("life_event_future", "The event date lies in the future.", status=422)
    if LifeEvent.objects.filter(elder=elder, kind=kind).exists():
        raise DomainError("life_event_exists", "This event is already recorded for the elder.", status=409)
    return life_events_record(
        events=[EventInput(elder=elder, kind=kind, occurred_on=occurred_on)], actor=actor, source=source
    )[0]
