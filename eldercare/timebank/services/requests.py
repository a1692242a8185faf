"""The service flow: post → take (reserve) → check in → check out → elder confirms → coordinator
approves (deposit + settle), or cancel (release). Each step locks the request row first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.registry.models import Elder
from eldercare.timebank import rules
from eldercare.timebank.choices import POOL_KINDS, AccountKind, RequestStatus, ServiceType, VolunteerStatus
from eldercare.timebank.models import Account, ServiceRequest, Volunteer
from eldercare.timebank.services import ledger

MAX_PLANNED_MINUTES = 8 * 60


def _locked(request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("payer_account")
        .get(pk=request.pk)
    )


def _expect(request: ServiceRequest, *statuses: str) -> None:
    if request.status not in statuses:
        raise ConflictError(
            "timebank_request_state",
            "The request is not in a state that allows this step.",
            {"status": request.status, "expected": list(statuses)},
        )


def _check_payer(elder: Elder, payer: Account) -> None:
    """Who may pay: the elder's own account; a pool of the elder's community or city (a coordinator's
    decision); or the volunteer account of the same person (a volunteer who reached the age)."""
    if payer.kind == AccountKind.ELDER and payer.elder_id == elder.pk:
        return
    if payer.kind in POOL_KINDS and elder.residence_division_id.startswith(payer.division_id):
        return
    volunteer = payer.volunteer if payer.kind == AccountKind.VOLUNTEER else None
    if volunteer is not None and volunteer.id_number_hash == elder.id_number_hash:
        return
    raise DomainError(
        "timebank_payer_not_allowed", "These units cannot pay for this elder's service.", status=422
    )


@transaction.atomic
def request_post(
    *,
    elder: Elder,
    service_type: str,
    scheduled_at: datetime,
    planned_minutes: int,
    actor: Any,
    description: str = "",
    payer_account: Account | None = None,
    as_proxy: bool = True,
) -> ServiceRequest:
    """An elder, or a worker or family member for them (`as_proxy`), asks for a service."""
    if service_type not in ServiceType.values:
        raise DomainError("timebank_service_type_unknown", "Unknown service type.", status=422)
    if not 0 < planned_minutes <= MAX_PLANNED_MINUTES:
        raise DomainError("timebank_planned_minutes", "Plan between 1 minute and 8 hours.", status=422)
    if payer_account is not None:
        _check_payer(elder, payer_account)
    request = ServiceRequest.objects.create(
        elder=elder,
        division_id=elder.residence_division_id,
        service_type=service_type,
        description=description[:300],
        scheduled_at=scheduled_at,
        planned_minutes=planned_minutes,
        posted_by=actor if getattr(actor, "is_authenticated", False) else None,
        posted_as_proxy=as_proxy,
        payer_account=payer_account,
    )
    audit_record(
        actor=actor,
        action="timebank.request_posted",
        target=request,
        changes={"proxy_for": elder.pk} if as_proxy else {},
    )
    return request


@transaction.atomic
def request_take(*, request: ServiceRequest, volunteer: Volunteer, actor: Any) -> ServiceRequest:
    """A volunteer takes an open request; a redeemed request reserves the payer's units now."""
    request = _locked(request)
    _expect(request, RequestStatus.OPEN)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ConflictError("timebank_volunteer_inactive", "Only active volunteers take requests.")
    if volunteer.id_number_hash == request.elder.id_number_hash:
        raise ConflictError("timebank_self_service", "A volunteer cannot serve themselves.")
    request.status = RequestStatus.TAKEN
    request.volunteer = volunteer
    request.taken_at = timezone.now()
    request.save(update_fields=["status", "volunteer", "taken_at", "updated_at"])
    if request.payer_account is not None:
        policy, _versions = ledger.load_policy()
        cost = rules.units_for_service(request.planned_minutes, request.service_type, policy)
        if cost > 0:
            ledger.reserve(request=request, minutes=cost, actor=actor, proxy_for=None)
    audit_record(
        actor=actor, action="timebank.request_taken", target=request, changes={"volunteer": volunteer.pk}
    )
    return request


@transaction.atomic
def request_check_in(
    *,
    request: ServiceRequest,
    volunteer: Volunteer,
    actor: Any,
    lon: float | None = None,
    lat: float | None = None,
    at: datetime | None = None,
) -> ServiceRequest:
    request = _locked(request)
    _expect(request, RequestStatus.TAKEN)
    if request.volunteer_id != volunteer.pk:
        raise ConflictError("timebank_not_your_request", "This request is held by another volunteer.")
    request.status = RequestStatus.IN_PROGRESS
    request.checked_in_at = at or timezone.now()
    request.check_in_lon, request.check_in_lat = lon, lat
    request.save(update_fields=["status", "checked_in_at", "check_in_lon", "check_in_lat", "updated_at"])
    audit_record(
        actor=actor, action="timebank.request_checked_in", target=request, changes={"lon": lon, "lat": lat}
    )
    return request


@transaction.atomic
def request_check_out(
    *, request: ServiceRequest, volunteer: Volunteer, actor: Any, at: datetime | None = None
) -> ServiceRequest:
    request = _locked(request)
    _expect(request, RequestStatus.IN_PROGRESS)
    if request.volunteer_id != volunteer.pk:
        raise ConflictError("timebank_not_your_request", "This request is held by another volunteer.")
    out = at or timezone.now()
    assert request.checked_in_at is not None  # noqa: S101 - guaranteed by the IN_PROGRESS state
    minutes = int((out - request.checked_in_at).total_seconds() // 60)
    request.status = RequestStatus.DONE
    request.checked_out_at = out
    request.served_minutes = max(minutes, 1)
    request.save(update_fields=["status", "checked_out_at", "served_minutes", "updated_at"])
    audit_record(
        actor=actor,
        action="timebank.request_checked_out",
        target=request,
        changes={"minutes": request.served_minutes},
    )
    return request


@transaction.atomic
def request_confirm(*, request: ServiceRequest, actor: Any, as_proxy: bool) -> ServiceRequest:
    """The elder confirms the service took place (or a family member / worker for them, as a proxy)."""
    request = _locked(request)
    _expect(request, RequestStatus.DONE)
    request.status = RequestStatus.CONFIRMED
    request.confirmed_at = timezone.now()
    request.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    request.confirmed_as_proxy = as_proxy
    request.save(update_fields=["status", "confirmed_at", "confirmed_by", "confirmed_as_proxy", "updated_at"])
    audit_record(
        actor=actor,
        action="timebank.request_confirmed",
        target=request,
        changes={"proxy_for": request.elder_id} if as_proxy else {},
    )
    return request


@transaction.atomic
def request_approve(*, request: ServiceRequest, actor: Any, minutes: int | None = None) -> ServiceRequest:
    """A coordinator approves confirmed service: the volunteer is credited (policy rate by service type)
    and a reservation is settled at the same cost (the rest released). `minutes` may lower the time."""
    request = _locked(request)
    _expect(request, RequestStatus.CONFIRMED)
    served = request.served_minutes or 0
    if minutes is not None:
        if not 0 < minutes <= served:
            raise DomainError(
                "timebank_minutes_invalid", "Approve at most the time checked in and out.", status=422
            )
        served = minutes
    policy, versions = ledger.load_policy()
    units = rules.units_for_service(served, request.service_type, policy)
    assert request.volunteer is not None  # noqa: S101 - set when taken
    if units > 0:
        ledger.deposit(
            volunteer=request.volunteer,
            minutes=units,
            actor=actor,
            memo=f"request #{request.pk}",
            service_request=request,
            policy=policy,
            versions=versions,
        )
    ledger.settle(request=request, cost_minutes=units, actor=actor)
    request.status = RequestStatus.APPROVED
    request.approved_at = timezone.now()
    request.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    request.served_minutes = served
    request.credited_minutes = units
    request.save(
        update_fields=[
            "status",
            "approved_at",
            "approved_by",
            "served_minutes",
            "credited_minutes",
            "updated_at",
        ]
    )
    audit_record(actor=actor, action="timebank.request_approved", target=request, changes={"units": units})
    return request


@transaction.atomic
def request_cancel(*, request: ServiceRequest, actor: Any, reason: str) -> ServiceRequest:
    """Cancel before approval; a reservation is released in full."""
    request = _locked(request)
    _expect(request, RequestStatus.OPEN, RequestStatus.TAKEN, RequestStatus.IN_PROGRESS, RequestStatus.DONE)
    ledger.release(request=request, actor=actor)
    request.status = RequestStatus.CANCELLED
    request.cancelled_reason = reason[:300]
    request.save(update_fields=["status", "cancelled_reason", "updated_at"])
    audit_record(actor=actor, action="timebank.request_cancelled", target=request, changes={"reason": reason})
    return request
