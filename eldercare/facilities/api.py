"""Facilities API: the operators' live reporting (beds, residents, incidents), statistics, the
waitlist position, and the public facility list (no sign-in, no personal data)."""

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.pagination import PagePagination
from eldercare.facilities import selectors, services
from eldercare.facilities.schemas import (
    AdmitIn,
    BedCountsOut,
    BedOut,
    BedPatchIn,
    DischargeIn,
    FacilityFilterIn,
    FacilityOut,
    IncidentIn,
    IncidentOut,
    PositionOut,
    PublicFacilityOut,
    ResidentOut,
)
from eldercare.registry.models import Elder
from eldercare.registry.services import id_number_hash

router = Router(tags=["facilities"])


@router.get("/public/facilities", auth=None, response=list[PublicFacilityOut])
def public_facility_list(request: HttpRequest, division_code: str = "", kind: str = "") -> Any:
    """The public list: publicly listed facilities with beds, free beds (if published), stars, prices."""
    return selectors.public_facilities(division_code=division_code, kind=kind)


@router.get("/facilities", response=list[FacilityOut])
@api_operation
@paginate(PagePagination)
def facility_list(request: HttpRequest, filters: Query[FacilityFilterIn]) -> Any:
    scope = request.auth.scope  # type: ignore[attr-defined]
    return selectors.facility_list(scope=scope, filters=selectors.FacilityFilter(**filters.dict()))


@router.get("/facilities/{facility_id}/beds", response=list[BedOut])
@api_operation
@paginate(PagePagination)
def facility_bed_list(request: HttpRequest, facility_id: int) -> Any:
    facility = selectors.access_facility(scope=request.auth.scope, facility_id=facility_id)  # type: ignore[attr-defined]
    return selectors.bed_list(scope=request.auth.scope, facility=facility)  # type: ignore[attr-defined]


@router.patch("/facilities/beds/{bed_id}", response=BedOut)
@api_operation
def facility_bed_update(request: HttpRequest, bed_id: int, payload: BedPatchIn) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    bed = selectors.access_bed(scope=principal.scope, bed_id=bed_id)
    return services.bed_set_state(
        bed=bed, state=payload.state or bed.state, bed_type=payload.bed_type, actor=principal.user
    )


@router.get("/facilities/{facility_id}/residents", response=list[ResidentOut])
@api_operation
@paginate(PagePagination)
def facility_resident_list(request: HttpRequest, facility_id: int, current: bool = True) -> Any:
    facility = selectors.access_facility(scope=request.auth.scope, facility_id=facility_id)  # type: ignore[attr-defined]
    return selectors.resident_list(scope=request.auth.scope, facility=facility, current=current)  # type: ignore[attr-defined]


@router.post("/facilities/{facility_id}/residents", response={201: ResidentOut})
@api_operation
def facility_resident_admit(request: HttpRequest, facility_id: int, payload: AdmitIn) -> Any:
    """Admit an elder (found by resident ID number in the registry) into a bed of the facility."""
    principal = request.auth  # type: ignore[attr-defined]
    facility = selectors.access_facility(scope=principal.scope, facility_id=facility_id)
    bed = selectors.access_bed(scope=principal.scope, bed_id=payload.bed_id)
    if bed.facility_id != facility.pk:
        raise Http404
    elder = Elder.objects.filter(id_number_hash=id_number_hash(payload.id_number.upper())).first()
    if elder is None:
        raise Http404
    residency = services.resident_admit(
        bed=bed, elder=elder, actor=principal.user, started_at=payload.started_at, note=payload.note
    )
    return Status(201, residency)


@router.post("/facilities/residents/{residency_id}/discharge", response=ResidentOut)
@api_operation
def facility_resident_discharge(request: HttpRequest, residency_id: int, payload: DischargeIn) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    residency = selectors.access_residency(scope=principal.scope, residency_id=residency_id)
    return services.resident_discharge(
        residency=residency,
        reason=payload.reason,
        ended_at=payload.ended_at,
        note=payload.note,
        actor=principal.user,
    )


@router.get("/facilities/{facility_id}/incidents", response=list[IncidentOut])
@api_operation
@paginate(PagePagination)
def facility_incident_list(request: HttpRequest, facility_id: int) -> Any:
    facility = selectors.access_facility(scope=request.auth.scope, facility_id=facility_id)  # type: ignore[attr-defined]
    return selectors.incident_list(scope=request.auth.scope, facility=facility)  # type: ignore[attr-defined]


@router.post("/facilities/{facility_id}/incidents", response={201: IncidentOut})
@api_operation
def facility_incident_create(request: HttpRequest, facility_id: int, payload: IncidentIn) -> Any:
    """An incident; with an elder who lives in the facility it is also a care-risk event."""
    principal = request.auth  # type: ignore[attr-defined]
    facility = selectors.access_facility(scope=principal.scope, facility_id=facility_id)
    elder = None
    if payload.elder_id is not None:
        stay = (
            selectors.resident_list(scope=principal.scope, facility=facility, current=False)
            .filter(elder_id=payload.elder_id)
            .first()
        )
        if stay is None:
            raise Http404
        elder = stay.elder
    incident = services.incident_record(
        facility=facility,
        elder=elder,
        kind=payload.kind,
        severity=payload.severity,
        occurred_at=payload.occurred_at,
        description=payload.description,
        action_taken=payload.action_taken,
        actor=principal.user,
    )
    return Status(201, incident)


@router.get("/facilities/statistics/{division_code}", response=BedCountsOut)
@api_operation
def facility_bed_statistics(request: HttpRequest, division_code: str, on: date | None = None) -> Any:
    """Institution beds by type, nursing share and rating coverage for a division inside the scope."""
    if not request.auth.scope.covers_division(division_code):  # type: ignore[attr-defined]
        raise Http404
    day = on or timezone.localdate()
    counts = selectors.bed_counts(division_code, day)
    return {
        "division_code": division_code,
        "on": day,
        **counts.as_dict(),
        "rating_coverage": selectors.rating_coverage(division_code, day).share,
    }


@router.get("/waitlist/applications/{application_id}/position", response=PositionOut)
@api_operation
def waitlist_application_position(request: HttpRequest, application_id: int) -> Any:
    """The applicant's position and why (group reasons and the live ordering reasons)."""
    app = selectors.access_application(scope=request.auth.scope, application_id=application_id)  # type: ignore[attr-defined]
    position = selectors.waitlist_position(app)
    return {
        "application_id": app.pk,
        "status": app.status,
        "position": position.position if position else None,
        "ahead": position.ahead if position else None,
        "priority_group": app.priority_group,
        "group_reasons": app.reasons,
        "position_reasons": list(position.reasons) if position else [],
    }
