"""The workforce API: workers (masked), the blacklist check for other systems, hiring and leaving,
listings, and the indicator values."""

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Organisation
from eldercare.core.pagination import PagePagination
from eldercare.core.scope import DataScope
from eldercare.core.selectors import city_profile
from eldercare.workforce import selectors, services
from eldercare.workforce.models import Employment, Worker
from eldercare.workforce.schemas import (
    EmploymentEndIn,
    EmploymentOut,
    EmploymentStartIn,
    IndicatorsOut,
    ListingIn,
    ListingOut,
    WorkerCheckIn,
    WorkerCheckOut,
    WorkerDetailOut,
    WorkerOut,
)

router = Router(tags=["workforce"])


def _scope(request: HttpRequest) -> DataScope:
    return request.auth.scope  # type: ignore[attr-defined]


def _actor(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]


def _worker_out(w: Worker) -> dict[str, Any]:
    return {
        "id": w.pk,
        "name": w.masked_name,
        "id_number": w.id_number_masked,
        "category": w.category,
        "skill_level": w.skill_level,
        "current_employer_id": w.current_employer_id,
    }


def _employment_out(e: Employment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "worker_id": e.worker_id,
        "employer_id": e.employer_id,
        "employer_name": e.employer.name,
        "position": e.position,
        "started_on": e.started_on,
        "ended_on": e.ended_on,
    }


@router.get("/workforce/workers", response=list[WorkerOut])
@api_operation
@paginate(PagePagination)
def workforce_worker_list(request: HttpRequest, category: str = "", skill_level: int | None = None) -> Any:
    return selectors.worker_list(scope=_scope(request), category=category, skill_level=skill_level)


@router.get("/workforce/workers/{worker_id}", response=WorkerDetailOut)
@api_operation
def workforce_worker_detail(request: HttpRequest, worker_id: int) -> Any:
    worker = selectors.access_worker(scope=_scope(request), worker_id=worker_id)
    history = selectors.worker_history(worker)
    return {
        **_worker_out(worker),
        "listed": history["listed"],
        "credit_balance": history["credit_balance"],
        "employments": [_employment_out(e) for e in history["employments"]],  # type: ignore[attr-defined]
        "trainings": len(history["trainings"]),  # type: ignore[arg-type]
        "certificates": len(history["certificates"]),  # type: ignore[arg-type]
    }


@router.post("/workforce/check", response=WorkerCheckOut)
@api_operation
def workforce_worker_check(request: HttpRequest, payload: WorkerCheckIn) -> Any:
    """May this person be hired or assigned orders (联合惩戒 check by ID number)?"""
    try:
        services.assert_worker_may_work(id_number=payload.id_number)
    except DomainError as exc:
        if exc.code != "workforce_worker_blacklisted":
            raise
        return {"may_work": False, "listings": exc.details}
    return {"may_work": True, "listings": []}


@router.post("/workforce/employments", response={201: EmploymentOut})
@api_operation
def workforce_employment_start(request: HttpRequest, payload: EmploymentStartIn) -> Any:
    scope = _scope(request)
    if scope.organisation_ids and not scope.division_codes:
        employer = get_object_or_404(Organisation, pk=scope.organisation_ids[0])
    else:
        employer = get_object_or_404(
            Organisation.objects.for_scope(_scope(request)), pk=payload.employer_id or 0
        )
    employment = services.employment_start(
        employer=employer,
        id_number=payload.id_number,
        name=payload.name,
        phone=payload.phone,
        position=payload.position,
        started_on=payload.started_on,
        actor=_actor(request),
    )
    return Status(201, _employment_out(employment))


@router.post("/workforce/employments/{employment_id}/end", response=EmploymentOut)
@api_operation
def workforce_employment_end(request: HttpRequest, employment_id: int, payload: EmploymentEndIn) -> Any:
    employment = selectors.access_employment(scope=_scope(request), employment_id=employment_id)
    employment = services.employment_end(
        employment=employment, ended_on=payload.ended_on, reason=payload.reason, actor=_actor(request)
    )
    return _employment_out(employment)


@router.post("/workforce/workers/{worker_id}/listings", response={201: ListingOut})
@api_operation
def workforce_listing_create(request: HttpRequest, worker_id: int, payload: ListingIn) -> Any:
    worker = selectors.access_worker(scope=_scope(request), worker_id=worker_id)
    office = getattr(_actor(request), "division", None) or worker.division
    listing = services.listing_create(
        worker=worker,
        legal_basis=payload.legal_basis,
        reason=payload.reason,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        division=office,
        actor=_actor(request),
    )
    return Status(201, listing)


@router.get("/workforce/indicators", response=IndicatorsOut)
@api_operation
def workforce_indicators(request: HttpRequest, division_code: str = "") -> Any:
    """养老服务人员培训人次, 养老护理职业技能培训机构 and 每千名老年人社会工作者 for the caller's area."""
    scope = _scope(request)
    code = division_code or (scope.division_codes[0] if scope.division_codes else "")
    if not code:
        profile = city_profile()
        code = profile.division_id if profile else ""
    if not code or not scope.covers_division(code):
        raise Http404("No such division.")
    today = timezone.localdate()
    ratio = selectors.social_worker_ratio(division_code=code, on=today)
    return {
        "division_code": code,
        "training_attendances": selectors.training_attendances(scope=scope, until=today),
        "vocational_training_providers": selectors.vocational_training_provider_count(scope=scope, on=today),
        "social_workers": ratio.social_workers,
        "elders": ratio.elders,
        "beds": ratio.beds,
        "social_workers_per_1000_elders": ratio.per_1000_elders,
        "social_workers_per_100_beds": ratio.per_100_beds,
        "social_worker_shortfall": ratio.shortfall,
    }
