"""Factories and helpers for benefits tests (small data; city-scale numbers live in bench/)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from eldercare.benefits.choices import EntitlementSource
from eldercare.benefits.models import BankAccount, Entitlement
from eldercare.core.ids import mask_phone
from eldercare.core.services import profile_load
from eldercare.core.tests.factories import ElderFactory
from eldercare.registry.models import Elder


def load_city(code: str = "jiangmen") -> None:
    profile_load(code=code)


def make_elder(**kwargs: Any) -> Elder:
    return ElderFactory(**kwargs)


def entitle(
    elder: Elder, programme: str = "old_age_allowance", start_on: date = date(2025, 1, 1), **kw: Any
) -> Entitlement:
    return Entitlement.objects.create(
        elder=elder,
        programme_code=programme,
        start_on=start_on,
        source=kw.pop("source", EntitlementSource.AUTOMATIC),
        division_code=elder.residence_division_id,
        **kw,
    )


def bank_account(elder: Elder, number: str = "6222020200112233445") -> BankAccount:
    return BankAccount.objects.create(
        elder=elder,
        holder_name=elder.name,
        bank_name="中国工商银行",
        account_number=number,
        account_masked=mask_phone(number) if False else f"****{number[-4:]}",
        division_code=elder.residence_division_id,
    )


def publish_level(elder: Elder, level: int, on: date) -> Any:
    """A published ability level on a given day (older published results become superseded)."""
    from eldercare.assessment.choices import AssessmentStatus
    from eldercare.assessment.models import Assessment
    from eldercare.assessment.tests.factories import quick_published

    Assessment.objects.filter(elder=elder, status=AssessmentStatus.PUBLISHED).update(
        status=AssessmentStatus.SUPERSEDED
    )
    a = quick_published(elder)
    at = timezone.make_aware(datetime.combine(on, time(10)))
    Assessment.objects.filter(pk=a.pk).update(level=level, published_at=at, assessed_on=on)
    return a


def _sample_application(elder: Elder) -> Any:
    from eldercare.benefits.choices import Channel
    from eldercare.benefits.models import Application

    existing = Application.objects.filter(elder=elder).first()
    if existing is not None:
        return existing
    return Application.objects.create(
        elder=elder,
        programme_code="care_service_subsidy",
        channel=Channel.PROXY,
        workflow={
            "steps": [
                {
                    "code": "community",
                    "name": "社区受理",
                    "division_length": 12,
                    "roles": ["community_worker"],
                    "mode": "one",
                }
            ]
        },
        division_code=elder.residence_division_id,
    )


def _sample_settlement() -> Any:
    from eldercare.benefits.models import Settlement

    return Settlement.objects.get_or_create(period=date(2025, 1, 1))[0]


def matrix_page_sample(url_name: str, elder: Elder) -> tuple[str, dict[str, Any]]:
    """Method and URL arguments for the permission-matrix test's benefits pages."""
    from eldercare.benefits.models import Objection, PaymentBatch, Suspension

    kwargs: dict[str, Any] = {}
    name = url_name.split(":", 1)[1]
    if name in {"elder_services", "application_create"}:
        kwargs["elder_id"] = elder.pk
    elif name in {"application_detail", "application_decide", "document_add", "objection_add"}:
        kwargs["application_id"] = _sample_application(elder).pk
    elif name == "objection_resolve":
        application = _sample_application(elder)
        objection = Objection.objects.filter(application=application).first() or Objection.objects.create(
            application=application, raised_by="x", text="x"
        )
        kwargs["objection_id"] = objection.pk
    elif name in {"settlement_detail", "settlement_lock", "settlement_export"}:
        kwargs["period"] = _sample_settlement().label
    elif name == "suspension_decide":
        settlement = _sample_settlement()
        ent = Entitlement.objects.filter(elder=elder).first() or entitle(elder)
        suspension = Suspension.objects.get_or_create(
            settlement=settlement,
            entitlement=ent,
            reason="absence",
            defaults={"division_code": elder.residence_division_id},
        )[0]
        kwargs["suspension_id"] = suspension.pk
    elif name in {"batch_download", "batch_return"}:
        batch = PaymentBatch.objects.first() or PaymentBatch.objects.create(
            settlement=_sample_settlement(),
            rows=0,
            total_fen=0,
            checksum="",
            csv_content=b"",
            xlsx_content=b"",
        )
        kwargs["batch_id"] = batch.pk
        if name == "batch_download":
            kwargs["fmt"] = "csv"
    gets = {
        "elder_services",
        "application_list",
        "application_detail",
        "settlement_list",
        "settlement_detail",
        "batch_download",
        "funds",
    }
    return ("get" if name in gets else "post"), kwargs


def matrix_api_sample(elder: Elder) -> dict[str, Any]:
    return {"application": _sample_application(elder).pk, "period": _sample_settlement().label}
