"""Family care beds (家庭养老床位) and home adaptation (适老化改造): step-by-step workflows with audit."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.selectors import policy_value
from eldercare.homecare import rules
from eldercare.homecare.choices import AdaptationStatus, BedStatus
from eldercare.homecare.models import AdaptationItem, CatalogueItem, FamilyCareBed, HomeAdaptation, Provider
from eldercare.homecare.services.providers import care_plan_create
from eldercare.registry.models import Elder

ADAPTATION_KEY = "homecare.adaptation"


def _expect(obj: Any, *statuses: str) -> None:
    if obj.status not in statuses:
        raise ConflictError(
            "homecare_state",
            "Not in a state that allows this step.",
            {"status": obj.status, "expected": list(statuses)},
        )


# --- family care beds --------------------------------------------------------------------------------


@transaction.atomic
def bed_apply(
    *, elder: Elder, provider: Provider, actor: Any, applied_on: date | None = None
) -> FamilyCareBed:
    try:
        with transaction.atomic():
            bed = FamilyCareBed.objects.create(
                elder=elder,
                division_id=elder.residence_division_id,
                provider=provider,
                applied_on=applied_on or timezone.localdate(),
            )
    except IntegrityError as exc:
        raise ConflictError("homecare_bed_exists", "This elder already has a family care bed.") from exc
    audit_record(actor=actor, action="homecare.bed_applied", target=bed)
    return bed


@transaction.atomic
def bed_assess(*, bed: FamilyCareBed, findings: dict[str, Any], suitable: bool, actor: Any) -> FamilyCareBed:
    """Home assessment (上门评估): the home's conditions and needs; unsuitable homes are rejected."""
    bed = FamilyCareBed.objects.select_for_update().get(pk=bed.pk)
    _expect(bed, BedStatus.APPLIED)
    bed.home_assessment = findings
    bed.assessed_on = timezone.localdate()
    bed.status = BedStatus.ASSESSED if suitable else BedStatus.REJECTED
    if not suitable:
        bed.reason = str(findings.get("reason", ""))[:300]
    bed.save()
    audit_record(actor=actor, action="homecare.bed_assessed", target=bed, changes={"suitable": suitable})
    return bed


@transaction.atomic
def bed_contract(
    *,
    bed: FamilyCareBed,
    number: str,
    contract_from: date,
    contract_to: date,
    monthly_fee_fen: int,
    actor: Any,
) -> FamilyCareBed:
    bed = FamilyCareBed.objects.select_for_update().get(pk=bed.pk)
    _expect(bed, BedStatus.ASSESSED)
    if contract_to <= contract_from:
        raise DomainError("homecare_contract_range", "The contract must end after it starts.", status=422)
    bed.contract_number, bed.contract_from, bed.contract_to = number, contract_from, contract_to
    bed.monthly_fee_fen = monthly_fee_fen
    bed.status = BedStatus.CONTRACTED
    bed.save()
    audit_record(actor=actor, action="homecare.bed_contracted", target=bed, changes={"number": number})
    return bed


@transaction.atomic
def bed_link_device(*, bed: FamilyCareBed, device: Any, actor: Any) -> FamilyCareBed:
    """Link a monitoring device registered with the emergency centre (the elder's own device only)."""
    if device.elder_id != bed.elder_id:
        raise DomainError("homecare_device_elder", "The device belongs to another elder.", status=422)
    bed.devices.add(device)
    audit_record(actor=actor, action="homecare.bed_device_linked", target=bed, changes={"device": device.pk})
    return bed


@transaction.atomic
def bed_plan_add(
    *, bed: FamilyCareBed, item: CatalogueItem, weekdays: list[int], start_time: time, actor: Any
) -> FamilyCareBed:
    """The bed's service plan: a recurring care plan of the bed's provider; the first plan starts service."""
    bed = FamilyCareBed.objects.select_for_update().get(pk=bed.pk)
    _expect(bed, BedStatus.CONTRACTED, BedStatus.ACTIVE)
    if item.provider_id != bed.provider_id:
        raise DomainError(
            "homecare_plan_provider", "The plan uses the bed's provider's services.", status=422
        )
    care_plan_create(
        elder=bed.elder,
        item=item,
        weekdays=weekdays,
        start_time=start_time,
        valid_from=max(bed.contract_from or timezone.localdate(), timezone.localdate()),
        valid_to=bed.contract_to,
        family_bed=bed,
        actor=actor,
    )
    if bed.status == BedStatus.CONTRACTED:
        bed.status = BedStatus.ACTIVE
        bed.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="homecare.bed_plan_added", target=bed, changes={"item": item.pk})
    return bed


@transaction.atomic
def bed_end(*, bed: FamilyCareBed, reason: str, actor: Any) -> FamilyCareBed:
    bed = FamilyCareBed.objects.select_for_update().get(pk=bed.pk)
    _expect(bed, BedStatus.APPLIED, BedStatus.ASSESSED, BedStatus.CONTRACTED, BedStatus.ACTIVE)
    if not reason.strip():
        raise DomainError("homecare_reason_required", "Give a reason.", status=422)
    bed.status, bed.reason, bed.ended_on = BedStatus.ENDED, reason[:300], timezone.localdate()
    bed.save()
    bed.care_plans.update(is_active=False)
    audit_record(actor=actor, action="homecare.bed_ended", target=bed, changes={"reason": reason})
    return bed


# --- home adaptation ---------------------------------------------------------------------------------


@transaction.atomic
def adaptation_apply(
    *, elder: Elder, actor: Any, willing: bool = True, applied_on: date | None = None
) -> HomeAdaptation:
    adaptation = HomeAdaptation.objects.create(
        elder=elder,
        division_id=elder.residence_division_id,
        willing=willing,
        special_difficulty=elder.special_difficulty,
        applied_on=applied_on or timezone.localdate(),
    )
    audit_record(actor=actor, action="homecare.adaptation_applied", target=adaptation)
    return adaptation


def _step(
    adaptation: HomeAdaptation, expected: str, target: str, *, actor: Any, action: str, **fields: Any
) -> HomeAdaptation:
    adaptation = HomeAdaptation.objects.select_for_update().get(pk=adaptation.pk)
    _expect(adaptation, expected)
    old = adaptation.status
    adaptation.status = target
    for name, value in fields.items():
        setattr(adaptation, name, value)
    adaptation.save()
    audit_record(actor=actor, action=action, target=adaptation, changes={"status": [old, target]})
    return adaptation


@transaction.atomic
def adaptation_survey(
    *, adaptation: HomeAdaptation, notes: str, actor: Any, on: date | None = None
) -> HomeAdaptation:
    return _step(
        adaptation,
        AdaptationStatus.APPLIED,
        AdaptationStatus.SURVEYED,
        actor=actor,
        action="homecare.adaptation_surveyed",
        surveyed_on=on or timezone.localdate(),
        survey_notes=notes,
    )


@transaction.atomic
def adaptation_plan(
    *,
    adaptation: HomeAdaptation,
    items: dict[str, int],
    provider: Provider,
    actor: Any,
    on: date | None = None,
) -> HomeAdaptation:
    """The plan: item codes from the policy catalogue with quantities; costs from the catalogue."""
    day = on or timezone.localdate()
    catalogue = {i["code"]: i for i in policy_value(ADAPTATION_KEY, on=day).value["items"]}
    unknown = sorted(set(items) - set(catalogue))
    if unknown or not items:
        raise DomainError(
            "homecare_adaptation_items", "Choose items from the catalogue.", unknown, status=422
        )
    adaptation = _step(
        adaptation,
        AdaptationStatus.SURVEYED,
        AdaptationStatus.PLANNED,
        actor=actor,
        action="homecare.adaptation_planned",
        planned_on=day,
        provider=provider,
    )
    rows = [
        AdaptationItem(
            adaptation=adaptation,
            code=code,
            name=catalogue[code]["name"],
            category=catalogue[code]["category"],
            basic=catalogue[code]["basic"],
            quantity=max(1, qty),
            unit_cost_fen=catalogue[code]["unit_cost_fen"],
        )
        for code, qty in sorted(items.items())
    ]
    AdaptationItem.objects.bulk_create(rows)
    adaptation.total_cost_fen = sum(r.cost_fen for r in rows)
    adaptation.save(update_fields=["total_cost_fen", "updated_at"])
    return adaptation


@transaction.atomic
def adaptation_start_works(
    *, adaptation: HomeAdaptation, actor: Any, on: date | None = None
) -> HomeAdaptation:
    return _step(
        adaptation,
        AdaptationStatus.PLANNED,
        AdaptationStatus.IN_WORKS,
        actor=actor,
        action="homecare.adaptation_works_started",
        works_started_on=on or timezone.localdate(),
    )


@transaction.atomic
def adaptation_accept(*, adaptation: HomeAdaptation, actor: Any, on: date | None = None) -> HomeAdaptation:
    """Acceptance (验收): every planned item is done."""
    adaptation.items.update(done=True)
    return _step(
        adaptation,
        AdaptationStatus.IN_WORKS,
        AdaptationStatus.ACCEPTED,
        actor=actor,
        action="homecare.adaptation_accepted",
        accepted_on=on or timezone.localdate(),
    )


@transaction.atomic
def adaptation_pay_subsidy(
    *, adaptation: HomeAdaptation, actor: Any, on: date | None = None
) -> HomeAdaptation:
    day = on or timezone.localdate()
    policy = policy_value(ADAPTATION_KEY, on=day)
    items = [rules.PlanItem(i.code, i.basic, i.cost_fen) for i in adaptation.items.all()]
    decision = rules.adaptation_subsidy(
        items=items, economic_status=adaptation.elder.economic_status, policy=policy.value
    )
    return _step(
        adaptation,
        AdaptationStatus.ACCEPTED,
        AdaptationStatus.SUBSIDISED,
        actor=actor,
        action="homecare.adaptation_subsidised",
        subsidised_on=day,
        subsidy_fen=decision.subsidy_fen,
        total_cost_fen=decision.total_fen,
        policy_version_id=policy.version_id,
        reason="; ".join(decision.reasons)[:300],
    )


@transaction.atomic
def adaptation_close(
    *, adaptation: HomeAdaptation, withdrawn: bool, reason: str, actor: Any
) -> HomeAdaptation:
    if not reason.strip():
        raise DomainError("homecare_reason_required", "Give a reason.", status=422)
    target = AdaptationStatus.WITHDRAWN if withdrawn else AdaptationStatus.REJECTED
    adaptation = HomeAdaptation.objects.select_for_update().get(pk=adaptation.pk)
    _expect(adaptation, AdaptationStatus.APPLIED, AdaptationStatus.SURVEYED, AdaptationStatus.PLANNED)
    return _step(
        adaptation,
        adaptation.status,
        target,
        actor=actor,
        action="homecare.adaptation_closed",
        reason=reason[:300],
    )
