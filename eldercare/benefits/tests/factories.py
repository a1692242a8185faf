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
