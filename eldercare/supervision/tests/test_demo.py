"""The demo step: workers (skill levels, a few listed), training, a published campaign that re-draws,
complaints some of them escalated; rebuildable with --reset."""

from datetime import date

import pytest

from eldercare.demo.services import build_demo_city
from eldercare.supervision import selectors
from eldercare.supervision.models import Campaign, Complaint, Finding
from eldercare.workforce.models import PunishmentListing, TrainingRecord, Worker

pytestmark = pytest.mark.django_db


def test_the_demo_city_gets_a_workforce_and_supervision() -> None:
    build_demo_city(city_key="jiangmen", scale=0.001, seed=3, today=date(2026, 11, 1))
    assert Worker.objects.count() >= 30
    assert Worker.objects.filter(skill_level__isnull=False).exists()
    assert PunishmentListing.objects.count() >= 2
    assert TrainingRecord.objects.exists()
    campaign = Campaign.objects.get()
    check = selectors.campaign_redraw_check(campaign)
    assert check.result_matches and check.fingerprint_matches and check.conflict_free
    assert Finding.objects.exists()
    assert Complaint.objects.filter(escalation_level__gt=0).exists()
    build_demo_city(city_key="jiangmen", scale=0.001, seed=3, today=date(2026, 11, 1), reset=True)
    assert Campaign.objects.count() == 1
