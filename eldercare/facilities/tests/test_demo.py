from datetime import date

import pytest

from eldercare.demo.services import build_demo_city
from eldercare.facilities import selectors
from eldercare.facilities.models import Facility, Residency

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def test_the_demo_city_has_facilities_in_the_plans_numbers_and_shares() -> None:
    # given a small Jiangmen (0.3% of the plan's counts)
    report = build_demo_city(city_key="jiangmen", scale=0.003, seed=5, today=TODAY)
    # then institutions and stations come in the plan's proportions (103 : 581 : 60, scaled)
    counts = selectors.facility_counts("4407", TODAY)
    assert counts["home_care_station"] == 2 and counts["canteen"] == 1
    beds = selectors.bed_counts("4407", TODAY)
    # and institution beds are about 0.3% of the assumed 20,000 with the plan's nursing share (≥55%)
    assert 55 <= beds.total <= 65
    assert beds.nursing_share is not None and 0.5 <= beds.nursing_share <= 0.6
    assert Residency.objects.filter(ended_at__isnull=True).count() > 0
    assert selectors.rating_coverage("4407", TODAY).rated >= 1
    assert any(note.startswith("facilities:") for note in report.notes)
    # and the demo operator account runs an institution
    from eldercare.accounts.models import User

    operator = User.objects.get(username="institution_operator")
    assert Facility.objects.filter(operator=operator.organisation).exists()
    # and the city can be rebuilt although residents refer to its elders
    build_demo_city(city_key="jiangmen", scale=0.003, seed=5, today=TODAY, reset=True)
    assert selectors.bed_counts("4407", TODAY).total == beds.total
