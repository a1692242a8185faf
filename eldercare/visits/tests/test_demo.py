"""The visits part of the demo city: deterministic, with gaps that make rates differ between streets."""

from datetime import date

import pytest

from eldercare.demo.services import build_demo_city
from eldercare.visits.models import FollowUp, MonthlyVisitRate, Visitor, VisitRecord, VisitTarget, VisitTask

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def snapshot() -> tuple:
    return (
        sorted(VisitRecord.objects.values_list("client_uuid", "method", "outcome", "visited_at")),
        sorted(MonthlyVisitRate.objects.values_list("division_id", "month", "eligible", "visited", "visits")),
    )


def test_the_demo_has_a_visit_history_whose_rates_differ_between_streets_and_is_reproducible() -> None:
    # given a small demo city
    report = build_demo_city(city_key="jiangmen", scale=0.001, seed=3, today=TODAY)
    # then elders in special difficulty are on the list, visited over three months, with follow-ups
    assert VisitTarget.objects.filter(is_active=True).count() > 100
    assert VisitRecord.objects.filter(visited_at__date__lt=date(2026, 10, 1)).exists()
    assert FollowUp.objects.exists() and Visitor.objects.exists()
    assert VisitTask.objects.filter(month=date(2026, 11, 1), status="done").exists()
    assert VisitTask.objects.filter(month=date(2026, 11, 1), status="open", due_on__lt=TODAY).exists()
    assert any(note.startswith("visits:") for note in report.notes)
    # and October's rates differ between streets (realistic gaps), never above 100 %
    streets = MonthlyVisitRate.objects.filter(month=date(2026, 10, 1), level=4, eligible__gte=5)
    rates = [r.rate for r in streets]
    assert len(rates) >= 5 and max(rates) - min(rates) >= 20
    assert all(0 <= r <= 100 for r in rates)
    # and the same seed rebuilds the same history (after --reset, which the visits rows do not block)
    first = snapshot()
    build_demo_city(city_key="jiangmen", scale=0.001, seed=3, today=TODAY, reset=True)
    assert snapshot() == first
