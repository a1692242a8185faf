"""The home-care plan indicators (WH11, WH12, JM06), key counts and the services data set on hand-made
records with known numerators and denominators, including the boundary dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from eldercare.core.tests.factories import CITY, OrganisationFactory
from eldercare.homecare import indicators, services
from eldercare.homecare.models import Canteen, FamilyCareBed, HomeAdaptation
from eldercare.homecare.tests.factories import (
    home_community,
    make_elder,
    make_item,
    make_order,
    make_provider,
    make_worker,
    serve,
)
from eldercare.planning.registry import Measure
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db

END = date(2024, 6, 30)


def adaptation(
    elder: Elder, *, status: str, applied_on: date, accepted_on: date | None = None, willing: bool = True
) -> None:
    HomeAdaptation.objects.create(
        elder=elder,
        division=elder.residence_division,
        status=status,
        willing=willing,
        applied_on=applied_on,
        accepted_on=accepted_on,
    )


def bed(
    elder: Elder,
    provider: Any,
    *,
    status: str,
    applied_on: date,
    contract_from: date | None = None,
    ended_on: date | None = None,
) -> None:
    FamilyCareBed.objects.create(
        elder=elder,
        division=elder.residence_division,
        provider=provider,
        status=status,
        applied_on=applied_on,
        contract_from=contract_from,
        ended_on=ended_on,
    )


def test_adaptation_completion_counts_each_willing_elder_once_accepted_by_the_months_end() -> None:
    c = home_community()
    twice, on_the_day, next_day, pending, withdrawn, rejected, unwilling, later = (
        make_elder() for _ in range(8)
    )
    adaptation(twice, status="accepted", applied_on=date(2023, 1, 1), accepted_on=date(2023, 5, 1))
    adaptation(twice, status="subsidised", applied_on=date(2024, 1, 1), accepted_on=date(2024, 3, 1))
    adaptation(on_the_day, status="accepted", applied_on=date(2024, 1, 1), accepted_on=END)
    adaptation(next_day, status="accepted", applied_on=date(2024, 1, 1), accepted_on=END + timedelta(days=1))
    adaptation(pending, status="in_works", applied_on=date(2024, 2, 1))
    adaptation(withdrawn, status="withdrawn", applied_on=date(2024, 2, 1))
    adaptation(rejected, status="rejected", applied_on=date(2024, 2, 1))
    adaptation(unwilling, status="applied", applied_on=date(2024, 2, 1), willing=False)
    adaptation(later, status="applied", applied_on=END + timedelta(days=1))

    # twice, on_the_day | twice, on_the_day, next_day, pending, rejected
    assert indicators.home_adaptation_completion_rate(CITY, END) == {c.code: Measure(2, 5)}


def test_family_bed_coverage_counts_beds_in_service_on_the_months_end_over_standing_wishes() -> None:
    c = home_community()
    provider = make_provider()
    serving, ends_on_the_day, ends_after, waiting, contract_next_month, withdrawn_earlier = (
        make_elder() for _ in range(6)
    )
    bed(serving, provider, status="active", applied_on=date(2024, 1, 1), contract_from=date(2024, 2, 1))
    bed(
        ends_on_the_day,
        provider,
        status="ended",
        applied_on=date(2024, 1, 1),
        contract_from=date(2024, 2, 1),
        ended_on=END,
    )
    bed(
        ends_after,
        provider,
        status="ended",
        applied_on=date(2024, 1, 1),
        contract_from=date(2024, 2, 1),
        ended_on=date(2024, 7, 1),
    )
    bed(waiting, provider, status="assessed", applied_on=date(2024, 5, 1))
    bed(
        contract_next_month,
        provider,
        status="contracted",
        applied_on=date(2024, 5, 1),
        contract_from=date(2024, 7, 1),
    )
    bed(withdrawn_earlier, provider, status="ended", applied_on=date(2024, 3, 1), ended_on=date(2024, 4, 1))

    # serving, ends_after | serving, ends_after, waiting, contract_next_month
    assert indicators.family_care_bed_coverage(CITY, END) == {c.code: Measure(2, 4)}
    # on the day before, the bed ended on the 30th was still in service
    assert indicators.family_care_bed_coverage(CITY, END - timedelta(days=1)) == {c.code: Measure(3, 5)}


def test_special_difficulty_adaptation_rate_is_over_special_difficulty_elders_at_home_on_the_date() -> None:
    c = home_community()

    def elder(**fields: Any) -> Elder:
        e = make_elder(birth_date=date(1950, 1, 1))
        Elder.objects.filter(pk=e.pk).update(**fields)
        return e

    adapted_before_flag = elder(special_difficulty=True)
    adapted = elder(special_difficulty=True)
    not_yet = elder(special_difficulty=True)
    in_home = elder(special_difficulty=True, status="in_institution")
    ordinary = elder(special_difficulty=False)
    adaptation(
        adapted_before_flag, status="accepted", applied_on=date(2021, 1, 1), accepted_on=date(2021, 6, 1)
    )
    adaptation(adapted, status="subsidised", applied_on=date(2024, 1, 1), accepted_on=END)
    adaptation(not_yet, status="accepted", applied_on=date(2024, 1, 1), accepted_on=date(2024, 7, 1))
    adaptation(in_home, status="accepted", applied_on=date(2021, 1, 1), accepted_on=date(2021, 6, 1))
    adaptation(ordinary, status="accepted", applied_on=date(2021, 1, 1), accepted_on=date(2021, 6, 1))

    assert indicators.special_difficulty_home_adaptation_rate(CITY, END) == {c.code: Measure(2, 3)}


def test_key_counts_give_orders_services_hours_and_meals_of_the_month() -> None:
    provider = make_provider()
    item, worker = make_item(provider), make_worker(provider)
    elder = make_elder()
    june = datetime(2026, 6, 10, 9, tzinfo=timezone.get_current_timezone())
    served = make_order(item=item, elder=elder, scheduled_at=june)
    serve(served, worker, start=june, minutes=90)
    make_order(item=item, elder=elder, scheduled_at=june + timedelta(days=1))  # ordered, not served
    cancelled = make_order(item=item, elder=elder, scheduled_at=june + timedelta(days=2))
    services.order_cancel(order=cancelled, reason="家属取消", actor=None)
    make_order(
        item=item, elder=elder, scheduled_at=datetime(2026, 7, 1, 9, tzinfo=timezone.get_current_timezone())
    )  # July
    canteen = Canteen.objects.create(
        name="长者饭堂", operator=OrganisationFactory(), division=home_community(), daily_capacity=50
    )
    for day in (date(2026, 6, 1), date(2026, 6, 30), date(2026, 7, 1)):
        services.meal_serve(
            canteen=canteen,
            elder=elder,
            meal="lunch",
            mode="dine_in",
            identified_by="id_number",
            actor=None,
            served_on=day,
        )

    counts = indicators.homecare_key_counts(CITY, date(2026, 6, 1), date(2026, 6, 30))

    code = served.division_id
    assert counts["homecare.orders"] == {code: 2}
    assert counts["homecare.services"] == {code: 1} and counts["homecare.service_hours"] == {code: 1.5}
    assert counts["homecare.meals"] == {home_community().code: 2}
    rows = list(indicators.service_rows(CITY, date(2026, 6, 1)))
    assert [(r["service_type"], r["services"], r["served_minutes"]) for r in rows] == [("cleaning", 1, 90)]


def test_a_planning_refresh_shows_the_homecare_indicators_as_computed() -> None:
    from eldercare.core.services import profile_load
    from eldercare.planning import services as planning
    from eldercare.planning.models import IndicatorValue

    profile_load(code="jiangmen")
    adapted, waiting = (make_elder(birth_date=date(1950, 1, 1)) for _ in range(2))
    Elder.objects.filter(pk__in=[adapted.pk, waiting.pk]).update(special_difficulty=True)
    adaptation(adapted, status="accepted", applied_on=date(2024, 1, 1), accepted_on=date(2024, 2, 1))
    adaptation(waiting, status="applied", applied_on=date(2024, 1, 1))

    planning.refresh(months=[date(2024, 6, 1)])

    jm06 = IndicatorValue.objects.get(indicator__code="JM06", division_id=CITY, month=date(2024, 6, 1))
    assert (jm06.source, jm06.numerator, jm06.denominator, jm06.value) == ("computed", 1, 2, 50.0)
