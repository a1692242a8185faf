"""Samples of the workforce and supervision pages and API for the permission-matrix test
(accounts/tests/test_permission_matrix.py): objects inside each matrix account's own area or organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile

from eldercare.core.models import Division, Organisation, OrganisationKind
from eldercare.core.tests.factories import DISTRICT, OrganisationFactory, first_child
from eldercare.supervision import services as supervision_services
from eldercare.supervision.choices import ComplaintChannel, ComplaintSubject
from eldercare.supervision.models import Campaign, Complaint, Finding, Inspection, Rectification
from eldercare.workforce import services as workforce_services
from eldercare.workforce.choices import StaffCategory
from eldercare.workforce.models import PunishmentListing, Worker
from eldercare.workforce.tests.factories import make_listing, make_worker

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

POST_PAGES = frozenset(
    {
        "workforce:worker_staff_action",
        "workforce:worker_credit_action",
        "workforce:listing_action",
        "supervision:campaign_action",
        "supervision:finding_photo",
        "supervision:reinspection_plan",
        "supervision:complaint_action",
    }
)


def _street() -> Division:
    return first_child(DISTRICT)


def _organisation_for(user: Any) -> Organisation:
    """The account's own organisation, else one institution in the matrix accounts' street."""
    if user is not None and user.organisation_id:
        return user.organisation  # type: ignore[no-any-return]
    found = Organisation.objects.filter(name="矩阵样本机构").first()
    return found or OrganisationFactory(
        name="矩阵样本机构", kind=OrganisationKind.INSTITUTION, division=_street()
    )


def sample_worker(user: Any) -> Worker:
    """A worker registered in the street and employed by the account's organisation (or the sample one)."""
    employer = _organisation_for(user)
    existing = Worker.objects.filter(current_employer=employer).first()
    if existing is not None:
        return existing
    worker = make_worker(division=_street())
    workforce_services.employment_start(
        employer=employer,
        worker=worker,
        position=StaffCategory.NURSING_WORKER,
        started_on=date(2024, 1, 1),
        actor=None,
    )
    return worker


def sample_listing(user: Any) -> PunishmentListing:
    worker = sample_worker(user)
    return PunishmentListing.objects.filter(worker=worker).first() or make_listing(worker)


def sample_inspection(user: Any) -> Inspection:
    """A recorded inspection of the account's organisation with one finding (with a photo) and an order."""
    organisation = _organisation_for(user)
    existing = Inspection.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing
    from eldercare.supervision.tests.factories import make_inspector

    inspector = make_inspector()
    inspection = supervision_services.inspection_create(
        organisation=organisation,
        checklist_code="fire",
        inspectors=[inspector],
        scheduled_on=date(2025, 5, 1),
        actor=None,
    )
    answers = {item["code"]: "pass" for item in inspection.checklist.items}
    answers["F3"] = "fail"
    supervision_services.inspection_record(inspection=inspection, answers=answers, actor=None)
    finding = Finding.objects.get(inspection=inspection)
    finding.photo.save("photo.png", ContentFile(PNG), save=True)
    return inspection


def sample_campaign() -> Campaign:
    found = Campaign.objects.order_by("id").first()
    if found is not None:
        return found
    return supervision_services.campaign_create(
        title="矩阵抽查",
        division=_street(),
        target_kinds=[OrganisationKind.INSTITUTION],
        target_count=1,
        checklist_code="gb38600",
        inspect_by=date(2025, 6, 30),
        actor=None,
    )


def sample_complaint() -> Complaint:
    found = Complaint.objects.order_by("id").first()
    if found is not None:
        return found
    complaint, _code = supervision_services.complaint_submit(
        channel=ComplaintChannel.HOTLINE,
        subject=ComplaintSubject.SERVICE_QUALITY,
        division=first_child(_street().code),
        content="样本投诉",
        anonymous=True,
    )
    return complaint


def matrix_page_sample(url_name: str, user: Any) -> tuple[str, dict[str, Any]]:
    """(method, URL kwargs) for a workforce or supervision page, with data the account may see."""
    kwargs: dict[str, Any] = {}
    if url_name in {
        "workforce:worker_detail",
        "workforce:worker_staff_action",
        "workforce:worker_credit_action",
    }:
        kwargs["worker_id"] = sample_worker(user).pk
    elif url_name == "workforce:listing_action":
        kwargs["listing_id"] = sample_listing(user).pk
    elif url_name in {"supervision:campaign_detail", "supervision:campaign_action"}:
        kwargs["campaign_id"] = sample_campaign().pk
    elif url_name in {"supervision:inspection_detail", "supervision:inspection_record"}:
        kwargs["inspection_id"] = sample_inspection(user).pk
    elif url_name in {"supervision:finding_photo", "supervision:finding_photo_view"}:
        kwargs["finding_id"] = Finding.objects.get(inspection=sample_inspection(user)).pk
    elif url_name == "supervision:reinspection_plan":
        kwargs["rectification_id"] = Rectification.objects.get(inspection=sample_inspection(user)).pk
    elif url_name in {"supervision:complaint_detail", "supervision:complaint_action"}:
        kwargs["complaint_id"] = sample_complaint().pk
    return ("post" if url_name in POST_PAGES else "get"), kwargs


API_SAMPLES: dict[str, Any] = {
    "workforce_worker_list": "/api/v1/workforce/workers",
    "workforce_worker_detail": "/api/v1/workforce/workers/{worker}",
    "workforce_indicators": "/api/v1/workforce/indicators",
    "workforce_worker_check": ("post", "/api/v1/workforce/check", {"id_number": "440703198001010011"}),
    "workforce_employment_start": (
        "post",
        "/api/v1/workforce/employments",
        {"id_number": "x", "position": "nursing_worker", "started_on": "2025-01-01"},
    ),
    "workforce_employment_end": ("post", "/api/v1/workforce/employments/0/end", {"ended_on": "2025-01-01"}),
    "workforce_listing_create": (
        "post",
        "/api/v1/workforce/workers/{worker}/listings",
        {"legal_basis": "x", "reason": "x", "starts_on": "2025-01-01"},
    ),
    "supervision_campaign_list": "/api/v1/supervision/campaigns",
    "supervision_campaign_draw": ("post", "/api/v1/supervision/campaigns/0/draw", {}),
    "supervision_inspection_list": "/api/v1/supervision/inspections",
    "supervision_inspection_record": ("post", "/api/v1/supervision/inspections/0/record", {"answers": {}}),
    "supervision_complaint_list": "/api/v1/supervision/complaints",
    "supervision_complaint_create": (
        "post",
        "/api/v1/supervision/complaints",
        {"subject": "other", "division_code": "4407", "content": "x", "anonymous": True},
    ),
    "supervision_complaint_answer": (
        "post",
        "/api/v1/supervision/complaints/0/answer",
        {"answer": "x", "substantiated": False},
    ),
    "supervision_credit_ranking": "/api/v1/supervision/credit",
}


def matrix_api_ids(operation: str, user: Any) -> dict[str, Any]:
    """URL ids for the workforce/supervision API samples (the worker the account may see)."""
    if "{worker}" in str(API_SAMPLES.get(operation, "")):
        return {"worker": sample_worker(user).pk}
    return {"worker": 0}
