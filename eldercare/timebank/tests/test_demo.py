"""The demo step: volunteers and a year of service on the demo city, with a sound ledger; rebuildable."""

from datetime import date

import pytest

from eldercare.accounts.models import User
from eldercare.demo.services import build_demo_city
from eldercare.timebank.choices import RequestStatus
from eldercare.timebank.models import ServiceRequest, Volunteer
from eldercare.timebank.selectors import ledger_invariant

pytestmark = pytest.mark.django_db


def test_the_demo_city_gets_volunteers_and_a_year_of_service() -> None:
    build_demo_city(city_key="jiangmen", scale=0.001, seed=3, today=date(2026, 11, 1))
    approved = ServiceRequest.objects.filter(status=RequestStatus.APPROVED)
    assert Volunteer.objects.count() >= 5
    assert approved.count() >= 12 * Volunteer.objects.count()
    assert {d.year for d in approved.values_list("scheduled_at", flat=True)} <= {2025, 2026}
    # the demo volunteer serves where the demo coordinators work, and finds open requests there
    mine = Volunteer.objects.get(user__username="volunteer")
    street = User.objects.get(username="community_worker").division_id[:9]
    assert mine.division_id.startswith(street)
    assert ServiceRequest.objects.filter(
        status=RequestStatus.OPEN, division__code__startswith=street
    ).exists()
    assert ledger_invariant().ok
    # rebuilding with --reset removes and regenerates the time bank too
    build_demo_city(city_key="jiangmen", scale=0.001, seed=3, today=date(2026, 11, 1), reset=True)
    assert ledger_invariant().ok
