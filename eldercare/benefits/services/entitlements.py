"""Entitlements: automatic grants at the qualifying age, and ends on death, move-out, admission or review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eldercare.benefits import rules
from eldercare.benefits.choices import EndReason, EntitlementSource, EntitlementStatus, LineKind, LineStatus
from eldercare.benefits.models import Entitlement, PaymentLine
from eldercare.benefits.notify import notify, yuan
from eldercare.benefits.selectors import benefit_settings, city_code, programmes_on, snapshots_for
from eldercare.core.audit import audit_record
from eldercare.core.bulk import copy_update
from eldercare.core.exceptions import DomainError
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder

BATCH = 5000
END_REASON_BY_KIND = {
    "death": EndReason.DEATH,
    "move_out": EndReason.MOVE_OUT,
    "institution": EndReason.INSTITUTION,
}


@dataclass(frozen=True, slots=True)
class EndRequest:
    elder_id: int
    kind: str  # death / move_out / institution / status_lost / review
    occurred_on: date
    key: int = 0  # the caller's id for this event (life event id)


@dataclass(frozen=True, slots=True)
class EndedEntitlement:
    key: int
    entitlement_id: int
    programme_code: str
    programme_name: str
    end_on: date


@dataclass(frozen=True, slots=True)
class SuspectedOverpayment:
    key: int
    line_id: int
    programme_name: str
    amount_fen: int
    period: date
    booked_on: date


def _reason(kind: str) -> str:
    return END_REASON_BY_KIND.get(kind, kind)


def entitlements_end(
    *, requests: Sequence[EndRequest], actor: Any
) -> tuple[list[EndedEntitlement], list[SuspectedOverpayment]]:
    """End active entitlements from each event's date (inclusive) and list lines booked for later months.

    Three queries whatever the number of events. An admission ends only programmes with
    `ends_on_admission`. Every ended entitlement is marked for recheck from the event's month, so the next
    settlement books the difference (a recovery line) for months already paid.
    """
    if not requests:
        return [], []
    first_by_elder: dict[int, EndRequest] = {}
    for r in sorted(requests, key=lambda r: r.occurred_on):
        first_by_elder.setdefault(r.elder_id, r)
    programmes = programmes_on(timezone.localdate())
    ents = list(
        Entitlement.objects.select_for_update()
        .filter(elder_id__in=list(first_by_elder), status=EntitlementStatus.ACTIVE)
        .order_by("pk")
    )
    ended: list[EndedEntitlement] = []
    changed: list[Entitlement] = []
    for ent in ents:
        req = first_by_elder[ent.elder_id]
        programme = programmes.get(ent.programme_code)
        if req.kind == "institution" and programme is not None and not programme.ends_on_admission:
            continue
        ent.end_on = max(req.occurred_on, ent.start_on)
        ent.status = EntitlementStatus.ENDED
        ent.end_reason = _reason(req.kind)
        recheck = rules.Month.of(req.occurred_on).first
        ent.recheck_from = min(ent.recheck_from, recheck) if ent.recheck_from else recheck
        changed.append(ent)
        ended.append(
            EndedEntitlement(
                key=req.key,
                entitlement_id=ent.pk,
                programme_code=ent.programme_code,
                programme_name=programme.name if programme else ent.programme_code,
                end_on=ent.end_on,
            )
        )
    copy_update(Entitlement, changed, ["end_on", "status", "end_reason", "recheck_from"])
    key_by_ent = {e.entitlement_id: (e.key, e.programme_name, e.end_on) for e in ended}
    overpayments = []
    if key_by_ent:
        lines = (
            PaymentLine.objects.filter(entitlement_id__in=list(key_by_ent), amount_fen__gt=0)
            .exclude(status__in=[LineStatus.CARRIED, LineStatus.FAILED])
            .exclude(kind=LineKind.RECOVERY)
            .values_list("id", "entitlement_id", "amount_fen", "for_period", "created_at")
        )
        for line_id, ent_id, amount, period, created in lines:
            key, name, end_on = key_by_ent[ent_id]
            if period > end_on:
                overpayments.append(
                    SuspectedOverpayment(key, line_id, name, amount, period, timezone.localdate(created))
                )
    if changed:
        audit_record(
            actor=actor,
            action="benefits.entitlements_ended",
            changes={
                "count": len(changed),
                "reasons": sorted({e.end_reason for e in changed}),
                "overpayment_fen": sum(o.amount_fen for o in overpayments),
            },
        )
    return ended, overpayments


@transaction.atomic
def entitlements_end_for_admission(*, elder_ids: Sequence[int], admitted_on: date, actor: Any) -> list[int]:
    """Admission to an institution that already covers the need (the facilities module calls this).

    Ends every active entitlement of a programme with `ends_on_admission` from the admission day; returns
    the ids of the entitlements ended. Recording the admission as a registry life event (kind
    "institution") calls the same code through the life-event listener.
    """
    ended, _ = entitlements_end(
        requests=[EndRequest(elder_id=i, kind="institution", occurred_on=admitted_on) for i in elder_ids],
        actor=actor,
    )
    return [e.entitlement_id for e in ended]


@transaction.atomic
def entitlement_end(*, entitlement: Entitlement, end_on: date, reason: str, actor: Any) -> Entitlement:
    """End one entitlement after review (e.g. 低保 ended); months already paid are rechecked."""
    if entitlement.status != EntitlementStatus.ACTIVE:
        raise DomainError("entitlement_not_active", "This entitlement has already ended.", status=409)
    if end_on < entitlement.start_on:
        raise DomainError("entitlement_end_before_start", "The end lies before the start.", status=422)
    entitlements_end(
        requests=[EndRequest(elder_id=entitlement.elder_id, kind=reason, occurred_on=end_on)], actor=actor
    )
    entitlement.refresh_from_db()
    return entitlement


@dataclass(frozen=True, slots=True)
class GrantReport:
    granted: int
    by_programme: dict[str, int]


@transaction.atomic
def grant_automatic(*, on: date, actor: Any) -> GrantReport:
    """The daily grant: every active elder who qualifies this month for an automatic programme (e.g. the
    高龄津贴 at 80) and has no running entitlement gets one from the first qualifying month, at the earliest
    the current one. Idempotent: a second run the same day grants nothing. Set-based candidates, snapshots
    per batch, bulk inserts; the elders are told in plain words."""
    month = rules.Month.of(on)
    programmes = programmes_on(on)
    settings = benefit_settings(on)
    city = city_code()
    by_programme: dict[str, int] = {}
    for programme in programmes.programmes.values():
        if programme.grant != "automatic" or programme.kind != "monthly":
            continue
        latest_birth = rules.birthday_in(month.last, month.last.year - programme.min_age)
        running = Entitlement.objects.filter(programme_code=programme.code).filter(
            Q(status=EntitlementStatus.ACTIVE) | ~Q(end_reason="")
        )
        candidates = (
            Elder.objects.filter(status=ElderStatus.ACTIVE, birth_date__lte=latest_birth)
            .exclude(pk__in=running.values("elder_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ids = list(candidates)
        count = 0
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            snaps = snapshots_for(chunk, city=city)
            elders = Elder.objects.in_bulk(chunk)
            new: list[Entitlement] = []
            texts: list[str] = []
            for elder_id in chunk:
                decision = rules.evaluate(
                    snaps[elder_id], programme, month, level_change_from=settings["level_change_from"]
                )
                if not decision.eligible or decision.qualifies_from is None:
                    continue
                start_on = max(decision.qualifies_from, month.first)
                new.append(
                    Entitlement(
                        elder_id=elder_id,
                        programme_code=programme.code,
                        start_on=start_on,
                        source=EntitlementSource.AUTOMATIC,
                        monthly_amount_fen=decision.full_amount_fen,
                        policy_version_id=programmes.version_id,
                        division_code=elders[elder_id].residence_division_id,
                    )
                )
                texts.append(
                    f"您好，您符合{programme.name}条件，从{start_on.year}年{start_on.month}月起每月发放"
                    f"{yuan(decision.full_amount_fen)}元，无需申请。如有疑问请联系社区。"
                )
            Entitlement.objects.bulk_create(new, batch_size=2000)
            notify(elders=[elders[e.elder_id] for e in new], texts=texts, sms=settings["sms_enabled"])
            count += len(new)
        by_programme[programme.code] = count
    total = sum(by_programme.values())
    if total:
        audit_record(actor=actor, action="benefits.granted_automatically", changes=by_programme)
    return GrantReport(granted=total, by_programme=by_programme)


@transaction.atomic
def entitlement_migrate(
    *,
    elder: Elder,
    programme_code: str,
    start_on: date,
    actor: Any,
    monthly_amount_fen: int = 0,
    end_on: date | None = None,
) -> Entitlement:
    """Take over an entitlement the city's previous system granted (onboarding): the programme must exist
    in the city's programme set, the elder must be active and not already receive it. An entitlement that
    ended before go-live is kept as history (status ended)."""
    programmes = programmes_on(start_on)
    programme = programmes.programmes.get(programme_code)
    if programme is None:
        raise DomainError("benefits_programme_unknown", f"Unknown programme {programme_code!r}.", status=422)
    if elder.status != ElderStatus.ACTIVE:
        raise DomainError("benefits_elder_not_active", "The elder is not active in the registry.", status=422)
    if end_on is not None and end_on < start_on:
        raise DomainError("benefits_range_invalid", "The end date is before the start date.", status=422)
    if monthly_amount_fen < 0:
        raise DomainError("benefits_amount_negative", "The amount must not be negative.", status=422)
    ended = end_on is not None and end_on < timezone.localdate()
    if (
        not ended
        and Entitlement.objects.filter(
            elder=elder, programme_code=programme_code, status=EntitlementStatus.ACTIVE
        ).exists()
    ):
        raise DomainError(
            "benefits_entitlement_exists", "The elder already receives this programme.", status=409
        )
    entitlement = Entitlement.objects.create(
        elder=elder,
        programme_code=programme_code,
        start_on=start_on,
        end_on=end_on,
        status=EntitlementStatus.ENDED if ended else EntitlementStatus.ACTIVE,
        end_reason=EndReason.REVIEW if ended else "",
        source=EntitlementSource.MIGRATED,
        monthly_amount_fen=monthly_amount_fen,
        policy_version_id=programmes.version_id,
        division_code=elder.residence_division_id,
    )
    audit_record(
        actor=actor,
        action="benefits.entitlement_migrated",
        target=entitlement,
        changes={"programme": programme_code, "start_on": start_on.isoformat()},
    )
    return entitlement


@transaction.atomic
def entitlement_recheck(*, entitlement: Entitlement, from_month: rules.Month, actor: Any) -> Entitlement:
    """Ask the next settlement to recompute months from `from_month` (e.g. a backdated status change)."""
    first = from_month.first
    entitlement.recheck_from = min(entitlement.recheck_from, first) if entitlement.recheck_from else first
    entitlement.save(update_fields=["recheck_from", "updated_at"])
    audit_record(
        actor=actor,
        action="benefits.entitlement_recheck",
        target=entitlement,
        changes={"from": str(from_month)},
    )
    return entitlement
