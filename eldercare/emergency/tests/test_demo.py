from datetime import date

import pytest

from eldercare.demo.services import build_demo_city
from eldercare.emergency.models import Alarm, Device, Drill, Shift
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_devices_for_a_share_of_elders_and_a_month_of_alarms() -> None:
    # given a small demo city
    report = build_demo_city(city_key="jiangmen", scale=0.003, seed=5, today=date(2026, 11, 1))
    # then about 2.8 % of elders have a device and a month of closed alarms exists, inside 30 days
    share = Device.objects.count() / Elder.objects.count()
    assert 0.015 <= share <= 0.045
    assert Alarm.objects.count() > 5
    assert not Alarm.objects.exclude(status="closed").exists()
    assert Shift.objects.count() == 62
    assert Drill.objects.count() == 1
    assert any(note.startswith("emergency:") for note in report.notes)
    # and the city can be rebuilt with --reset although alarms refer to its elders
    build_demo_city(city_key="jiangmen", scale=0.003, seed=5, today=date(2026, 11, 1), reset=True)
    assert 0.015 <= Device.objects.count() / Elder.objects.count() <= 0.045
