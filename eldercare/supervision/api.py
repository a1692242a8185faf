"""The supervision API: campaigns and the draw, inspections and recording them, complaints (intake,
list, answer) and the credit/risk ranking."""

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.models import Division, Organisation
from eldercare.core.pagination import PagePagination
from eldercare.core.scope import DataScope
from eldercare.supervision import selectors, services
from eldercare.supervision.choices import ComplaintChannel
from eldercare.supervision.schemas import (
    CampaignOut,
    ComplaintAnswerIn,
    ComplaintCreatedOut,
    ComplaintIn,
    ComplaintOut,
    CreditOut,
    DrawIn,
    InspectionOut,
    InspectionRecordIn,
)

router = Router(tags=["supervision"])


def _scope(request: HttpRequest) -> DataScope:
    return request.auth.scope  # type: ignore[attr-defined]


def _actor(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]


@router.get("/supervision/campaigns", response=list[CampaignOut])
@api_operation
@paginate(PagePagination)
def supervision_campaign_list(request: HttpRequest) -> Any:
    return selectors.campaign_list(scope=_scope(request))


@router.post("/supervision/campaigns/{campaign_id}/draw", response=CampaignOut)
@api_operation
def supervision_campaign_draw(request: HttpRequest, campaign_id: int, payload: DrawIn) -> Any:
    campaign = selectors.access_campaign(scope=_scope(request), campaign_id=campaign_id)
    return services.campaign_draw(campaign=campaign, actor=_actor(request), seed=payload.seed)


@router.get("/supervision/inspections", response=list[InspectionOut])
@api_operation
@paginate(PagePagination)
def supervision_inspection_list(request: HttpRequest, status: str = "") -> Any:
    return selectors.inspection_list(scope=_scope(request), status=status)


@router.post("/supervision/inspections/{inspection_id}/record", response=InspectionOut)
@api_operation
def supervision_inspection_record(
    request: HttpRequest, inspection_id: int, payload: InspectionRecordIn
) -> Any:
    inspection = selectors.access_inspection(scope=_scope(request), inspection_id=inspection_id)
    return services.inspection_record(
        inspection=inspection,
        answers=payload.answers,
        findings=[f.dict() for f in payload.findings],
        summary=payload.summary,
        conducted_on=payload.conducted_on,
        actor=_actor(request),
    )


@router.get("/supervision/complaints", response=list[ComplaintOut])
@api_operation
@paginate(PagePagination)
def supervision_complaint_list(request: HttpRequest, status: str = "") -> Any:
    return selectors.complaint_list(scope=_scope(request), status=status)


@router.post("/supervision/complaints", response={201: ComplaintCreatedOut})
@api_operation
def supervision_complaint_create(request: HttpRequest, payload: ComplaintIn) -> Any:
    """A complaint taken by the hotline (or an office) for a caller."""
    scope = _scope(request)
    if not scope.covers_division(payload.division_code):
        raise Http404("No such division.")
    division = get_object_or_404(Division, code=payload.division_code)
    organisation = (
        Organisation.objects.filter(pk=payload.organisation_id).first() if payload.organisation_id else None
    )
    elder = None
    if payload.elder_id:
        from eldercare.registry.selectors import access_elder

        elder = access_elder(scope=scope, elder_id=payload.elder_id)
    complaint, code = services.complaint_submit(
        channel=ComplaintChannel.HOTLINE,
        subject=payload.subject,
        division=division,
        content=payload.content,
        organisation=organisation,
        elder=elder,
        anonymous=payload.anonymous,
        name=payload.name,
        phone=payload.phone,
        actor=_actor(request),
    )
    complaint.follow_up_code = code  # type: ignore[attr-defined]
    return Status(201, complaint)


@router.post("/supervision/complaints/{complaint_id}/answer", response=ComplaintOut)
@api_operation
def supervision_complaint_answer(request: HttpRequest, complaint_id: int, payload: ComplaintAnswerIn) -> Any:
    complaint = selectors.access_complaint(scope=_scope(request), complaint_id=complaint_id)
    return services.complaint_answer(
        complaint=complaint, answer=payload.answer, substantiated=payload.substantiated, actor=_actor(request)
    )


@router.get("/supervision/credit", response=list[CreditOut])
@api_operation
def supervision_credit_ranking(request: HttpRequest, limit: int = 100) -> Any:
    rows = selectors.credit_ranking(scope=_scope(request), limit=min(max(limit, 1), 1000))
    return [
        {
            "organisation_id": r.organisation.pk,
            "organisation_name": r.organisation.name,
            "score": r.credit.score,
            "grade": r.credit.grade,
            "risk": r.credit.risk,
            "reasons": list(r.credit.reasons),
            "last_inspected": r.last_inspected,
        }
        for r in rows
    ]
