"""The demo step: providers, a year of orders (some flagged), settlements equal to their orders, canteens,
family beds and adaptations; deterministic and rebuildable."""

from datetime import date

import pytest
from django.db.models import Sum

from eldercare.demo.services import build_demo_city
from eldercare.homecare.choices import LineKind, OrderStatus
from eldercare.homecare.models import (
    Canteen,
    FamilyCareBed,
    HomeAdaptation,
    MealServed,
    Provider,
    ServiceOrder,
    Settlement,
    SettlementLine,
)

pytestmark = pytest.mark.django_db


def test_the_demo_city_gets_home_care() -> None:
    build_demo_city(city_key="jiangmen", scale=0.001, seed=3, today=date(2026, 11, 4))
    orders = ServiceOrder.objects.all()
    assert Provider.objects.count() >= 7
    assert Provider.objects.filter(organisation__staff__username="provider_worker").exists()
    assert orders.filter(flagged=True).exists()
    assert {"far_check_in", "short_duration", "worker_overlap", "elder_double"} <= {
        f for flags in orders.filter(flagged=True).values_list("flags", flat=True) for f in flags
    }
    assert not orders.filter(flagged=True, status=OrderStatus.SETTLED).exists()
    # every settlement is the sum of its lines, and its lines are its verified orders
    for settlement in Settlement.objects.all()[:20]:
        lines = SettlementLine.objects.filter(settlement=settlement, kind=LineKind.ORDER)
        assert settlement.order_count == lines.count()
        assert settlement.subsidy_fen == (lines.aggregate(s=Sum("subsidy_fen"))["s"] or 0)
    assert Canteen.objects.exists() and MealServed.objects.exists()
    assert FamilyCareBed.objects.exists() and HomeAdaptation.objects.exists()
    first = orders.count()
    build_demo_city(city_key="jiangmen", scale=0.001, seed=3, today=date(2026, 11, 4), reset=True)
    assert ServiceOrder.objects.count() == first
