"""The visit plan indicators (WH07, JM05) and key counts: read from the month's pre-aggregated community
rows, with known numerators (visited) and denominators (on the list on the month's first day)."""

from datetime import date

import pytest
from django.utils import timezone

from eldercare.core.tests.factories import CITY
from eldercare.planning.registry import Measure
from eldercare.visits import indicators, services
from eldercare.visits.models import MonthlyVisitRate
from eldercare.visits.tests.factories import (
    community,
    make_visitor,
    on_list,
    record_visit,
    special_elder,
    street,
)

pytestmark = pytest.mark.django_db
MARCH, MARCH_END = date(2026, 3, 1), date(2026, 3, 31)


def row(code: str, level: int, month: date, eligible: int, visited: int, visits: int = 0) -> None:
    MonthlyVisitRate.objects.create(
        division_id=code,
        level=level,
        month=month,
        eligible=eligible,
        visited=visited,
        visits=visits,
        refreshed_at=timezone.now(),
    )


def test_the_rate_counts_elders_on_the_list_on_the_first_and_those_visited_in_the_month() -> None:
    # given four elders on the list: two visited in March (one twice), one only in February, one
    # listed from 2 March (not in March's denominator, visited all the same)
    worker = make_visitor(community())
    a, b, c, late = (special_elder() for _ in range(4))
    for elder in (a, b, c):
        on_list(elder, since=date(2026, 2, 1))
    on_list(late, since=date(2026, 3, 2))
    record_visit(a, worker, date(2026, 3, 1))
    record_visit(a, worker, date(2026, 3, 20))
    record_visit(b, worker, MARCH_END)
    record_visit(c, worker, date(2026, 2, 28))
    record_visit(late, worker, date(2026, 3, 3))
    services.rates_refresh(month=MARCH)

    # then 2 of 3 for the community, the same for both plans' keys, only community rows
    expected = {community().code: Measure(2, 3)}
    assert indicators.special_difficulty_monthly_visit_rate(CITY, MARCH_END) == expected
    assert indicators.special_difficulty_home_monthly_visit_rate(CITY, MARCH_END) == expected
    # and the visits recorded in March are the four counted visits
    counts = indicators.visit_key_counts(CITY, MARCH, MARCH_END)
    assert counts["visits.recorded"] == {community().code: 4}
    assert counts["visits.eligible"] == {community().code: 3}


def test_only_the_months_community_rows_are_returned_so_the_refresh_does_not_count_twice() -> None:
    c = community().code
    row(c, 5, MARCH, eligible=10, visited=7, visits=9)
    row(street().code, 4, MARCH, eligible=10, visited=7, visits=9)
    row(CITY, 2, MARCH, eligible=10, visited=7, visits=9)
    row(c, 5, date(2026, 2, 1), eligible=8, visited=8, visits=8)

    assert indicators.special_difficulty_monthly_visit_rate(CITY, MARCH_END) == {c: Measure(7, 10)}
    assert indicators.special_difficulty_monthly_visit_rate(CITY, date(2026, 2, 28)) == {c: Measure(8, 8)}
    assert indicators.special_difficulty_monthly_visit_rate(CITY, date(2026, 4, 30)) == {}


def test_a_planning_refresh_shows_the_visit_rates_as_computed() -> None:
    from eldercare.core.services import profile_load
    from eldercare.planning import services as planning
    from eldercare.planning.models import IndicatorValue

    profile_load(code="jiangmen")
    row(community().code, 5, MARCH, eligible=4, visited=3)

    planning.refresh(months=[MARCH])

    jm05 = IndicatorValue.objects.get(indicator__code="JM05", division_id=CITY, month=MARCH)
    assert (jm05.source, jm05.numerator, jm05.denominator, jm05.value) == ("computed", 3, 4, 75.0)
    assert (
        IndicatorValue.objects.get(indicator__code="JM05", division_id=street().code, month=MARCH).value
        == 75.0
    )
