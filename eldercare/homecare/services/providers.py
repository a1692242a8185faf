"""Providers, their areas, contracts, catalogue and workers; care plans and the weekly order generation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.ids import mask_phone
from eldercare.core.models import Division, Organisation, OrganisationKind
from eldercare.homecare import rules
from eldercare.homecare.choices import OrderSource, ProviderKind, ServiceType
from eldercare.homecare.models import (
    CarePlan,
    CatalogueItem,
    Provider,
    ProviderArea,
    ProviderContract,
    ProviderWorker,
    ServiceOrder,
)
from eldercare.registry.models import Elder


@transaction.atomic
def provider_register(
    *,
    name: str,
    kind: str,
    division: Division,
    actor: Any,
    areas: list[Division] | None = None,
    organisation: Organisation | None = None,
    phone: str = "",
    credit_code: str = "",
) -> Provider:
    """A provider with its organisation (accounts bind to the organisation) and its service areas."""
    if kind not in ProviderKind.values:
        raise DomainError("homecare_provider_kind", "Unknown provider kind.", status=422)
    if organisation is None:
        organisation = Organisation.objects.create(
            name=name, kind=OrganisationKind.PROVIDER, division=division, credit_code=credit_code
        )
    provider = Provider.objects.create(
        organisation=organisation, name=name, kind=kind, division=division, phone=phone
    )
    for area in areas or [division]:
        ProviderArea.objects.get_or_create(provider=provider, division=area)
    audit_record(actor=actor, action="homecare.provider_registered", target=provider, changes={"kind": kind})
    return provider


@transaction.atomic
def contract_add(
    *,
    provider: Provider,
    number: str,
    purchaser: Division,
    valid_from: date,
    valid_to: date,
    actor: Any,
    ceiling_fen: int = 0,
) -> ProviderContract:
    if valid_to <= valid_from:
        raise DomainError("homecare_contract_range", "The contract must end after it starts.", status=422)
    contract = ProviderContract.objects.create(
        provider=provider,
        number=number,
        purchaser=purchaser,
        valid_from=valid_from,
        valid_to=valid_to,
        ceiling_fen=ceiling_fen,
    )
    audit_record(actor=actor, action="homecare.contract_added", target=provider, changes={"number": number})
    return contract


@transaction.atomic
def catalogue_item_add(
    *,
    provider: Provider,
    service_type: str,
    name: str,
    unit_price_fen: int,
    duration_minutes: int,
    actor: Any,
    required_skill: str = "",
) -> CatalogueItem:
    if service_type not in ServiceType.values:
        raise DomainError("homecare_service_type", "Unknown service type.", status=422)
    if duration_minutes <= 0 or unit_price_fen < 0:
        raise DomainError("homecare_catalogue_values", "Give a positive duration and a price.", status=422)
    item = CatalogueItem.objects.create(
        provider=provider,
        service_type=service_type,
        name=name,
        unit_price_fen=unit_price_fen,
        duration_minutes=duration_minutes,
        required_skill=required_skill,
    )
    audit_record(actor=actor, action="homecare.catalogue_item_added", target=provider, changes={"item": name})
    return item


@transaction.atomic
def worker_add(
    *,
    provider: Provider,
    name: str,
    actor: Any,
    phone: str = "",
    skills: list[str] | None = None,
    schedule: dict[str, Any] | None = None,
    user: Any = None,
    service_divisions: list[str] | None = None,
    id_number: str = "",
) -> ProviderWorker:
    """Add a worker to a provider. With a resident ID number the person is first checked against the
    joint-punishment list (refused with 409 when listed) and linked to — or entered in — the workforce
    registry, so a later listing stops their assignments too."""
    registered = None
    if id_number:
        from eldercare.workforce import services as workforce
        from eldercare.workforce.choices import StaffCategory

        workforce.assert_worker_may_work(id_number=id_number)
        registered = workforce.worker_by_id_number(id_number) or workforce.worker_register(
            name=name,
            id_number=id_number,
            category=StaffCategory.NURSING_WORKER,
            division=provider.division,
            phone=phone,
            actor=actor,
        )
    worker = ProviderWorker.objects.create(
        registered_worker=registered,
        provider=provider,
        name=name,
        phone=phone,
        phone_masked=mask_phone(phone) if phone else "",
        skills=skills or [],
        schedule=schedule or {},
        user=user,
        service_divisions=service_divisions or [],
    )
    audit_record(actor=actor, action="homecare.worker_added", target=worker)
    return worker


@transaction.atomic
def care_plan_create(
    *,
    elder: Elder,
    item: CatalogueItem,
    weekdays: list[int],
    start_time: time,
    valid_from: date,
    actor: Any,
    valid_to: date | None = None,
    worker: ProviderWorker | None = None,
    family_bed: Any = None,
) -> CarePlan:
    """A recurring service (e.g. cleaning every Tuesday 09:00) whose orders the weekly task generates."""
    from eldercare.homecare.services.orders import provider_serves

    if not weekdays or any(d not in range(7) for d in weekdays):
        raise DomainError("homecare_plan_weekdays", "Choose weekdays 0 (Monday) to 6.", status=422)
    if not provider_serves(item.provider, elder.residence_division_id):
        raise DomainError(
            "homecare_outside_area", "The provider is not contracted for the elder's area.", status=422
        )
    plan = CarePlan.objects.create(
        elder=elder,
        division_id=elder.residence_division_id,
        provider=item.provider,
        item=item,
        weekdays=sorted(set(weekdays)),
        start_time=start_time,
        valid_from=valid_from,
        valid_to=valid_to,
        worker=worker,
        family_bed=family_bed,
    )
    audit_record(
        actor=actor, action="homecare.care_plan_created", target=plan, changes={"weekdays": plan.weekdays}
    )
    return plan


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def care_plans_generate_week(*, week_of: date, actor: Any, plans: Any = None) -> int:
    """Orders of every active plan for the week containing `week_of`. Idempotent: a slot that already has
    its order is skipped (and a unique constraint on (plan, time) backs this up). Returns orders created.
    Each order goes through `order_create` (area, funding, audit) and, with a preferred worker free, is
    assigned."""
    from eldercare.core.exceptions import DomainError as _DomainError
    from eldercare.homecare.services.orders import order_assign, order_create

    monday = week_start(week_of)
    tz = timezone.get_current_timezone()
    plans = plans if plans is not None else CarePlan.objects.filter(is_active=True)
    plans = plans.filter(valid_from__lte=monday + timedelta(days=6)).select_related(
        "elder", "item__provider", "worker__provider"
    )
    created = 0
    for plan in plans.order_by("pk"):
        slots = rules.plan_slots(
            weekdays=plan.weekdays,
            at=plan.start_time,
            week_start=monday,
            valid_from=plan.valid_from,
            valid_to=plan.valid_to,
        )
        times = [datetime.combine(day, at, tzinfo=tz) for day, at in slots]
        have = set(
            ServiceOrder.objects.filter(care_plan=plan, scheduled_at__in=times).values_list(
                "scheduled_at", flat=True
            )
        )
        for at in times:
            if at in have:
                continue
            try:
                with transaction.atomic():
                    order = order_create(
                        elder=plan.elder,
                        item=plan.item,
                        scheduled_at=at,
                        source=OrderSource.CARE_PLAN,
                        care_plan=plan,
                        actor=actor,
                        source_ref=f"plan:{plan.pk}",
                    )
                    created += 1
                    if plan.worker is not None:
                        try:
                            with transaction.atomic():
                                order_assign(order=order, worker=plan.worker, actor=actor)
                        except _DomainError:
                            pass  # stays requested: the provider assigns someone else
            except _DomainError:
                continue  # elder no longer active or area dropped: no order this week
    return created


@transaction.atomic
def worker_block(*, worker: ProviderWorker, reason: str, actor: Any) -> ProviderWorker:
    """Mark a worker without an ID number on file as on the joint-punishment list (联合惩戒);
    `worker_may_be_assigned` then refuses every assignment. An empty reason lifts the mark. Linked workers
    are listed in the workforce registry instead."""
    worker.blocked_reason = reason[:200]
    worker.save(update_fields=["blocked_reason", "updated_at"])
    audit_record(actor=actor, action="homecare.worker_blocked", target=worker, changes={"reason": reason})
    return worker
