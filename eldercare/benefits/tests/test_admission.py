"""Admission to an institution ends the home-care programmes (ends_on_admission) — on every admission, not
only the first — and leaves the cash allowances running."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from eldercare.benefits.choices import EntitlementStatus
from eldercare.benefits.models import Entitlement
from eldercare.benefits.tests.factories import entitle, load_city, make_elder
from eldercare.facilities import services as facilities
from eldercare.facilities.tests.factories import admit, load_policies, make_facility

pytestmark = pytest.mark.django_db


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_each_admission_ends_the_home_care_subsidy_and_keeps_the_allowance() -> None:
    load_city("jiangmen")
    load_policies()
    elder = make_elder()
    allowance = entitle(elder, "old_age_allowance", start_on=date(2025, 1, 1))
    vouchers = entitle(elder, "care_service_subsidy", start_on=date(2025, 1, 1))
    facility = make_facility(beds={"nursing": 1})
    bed = facility.beds.get()

    stay = admit(bed, elder, at=_at(date(2025, 3, 10)))
    vouchers.refresh_from_db()
    allowance.refresh_from_db()
    assert (vouchers.status, vouchers.end_on) == (EntitlementStatus.ENDED, date(2025, 3, 10))
    assert allowance.status == EntitlementStatus.ACTIVE

    # home again, the subsidy is granted again; the second admission ends it too
    facilities.resident_discharge(residency=stay, reason="home", actor=None, ended_at=_at(date(2025, 5, 1)))
    again = entitle(elder, "care_service_subsidy", start_on=date(2025, 6, 1))
    admit(bed, elder, at=_at(date(2025, 8, 20)))
    again.refresh_from_db()
    assert (again.status, again.end_on) == (EntitlementStatus.ENDED, date(2025, 8, 20))
    assert Entitlement.objects.filter(elder=elder, status=EntitlementStatus.ACTIVE).count() == 1
