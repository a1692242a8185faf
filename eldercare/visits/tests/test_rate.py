"""The monthly visit rate (月探访率) on hand-made cases, through the real flows: the registry flags elders,
the nightly sync puts them on the list, life events take them off, visitors record visits, a task refreshes
the pre-aggregated table that dashboards and the indicator module read."""

from datetime import date

import pytest
from django.utils import timezone

from eldercare.core.services import policy_set, profile_load
from eldercare.registry.services import elder_update, life_event_record
from eldercare.visits import rules, services
from eldercare.visits.models import MonthlyVisitRate, TargetPeriod, VisitRecord
from eldercare.visits.selectors import monthly_visit_rate
from eldercare.visits.tests.factories import (
    community,
    make_visitor,
    record_visit,
    second_community,
    special_elder,
    street,
)

pytestmark = pytest.mark.django_db
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


def rate(code: str, month: date) -> tuple[int, int]:
    found = monthly_visit_rate(code, month)
    assert found is not None, code
    return found.eligible, found.visited


@pytest.fixture
def worker():
    return make_visitor(community())


@pytest.fixture
def listed(worker):
    """Three elders on the list since February (the nightly sync of 20 February saw their flag)."""
    elders = [special_elder() for _ in range(3)]
    services.targets_sync(today=date(2026, 2, 20))
    return elders


def refresh(*months: date) -> None:
    for month in months:
        services.rates_refresh(month=month)


def test_an_elder_who_died_mid_month_stays_in_that_months_denominator(listed, worker) -> None:
    # given A visited on 10 March and dead on the 15th, B dead on 5 March unvisited, C visited on the 5th
    a, b, c = listed
    record_visit(a, worker, date(2026, 3, 10))
    record_visit(c, worker, date(2026, 3, 5))
    life_event_record(elder=b, kind="death", occurred_on=date(2026, 3, 5), actor=None)
    life_event_record(elder=a, kind="death", occurred_on=date(2026, 3, 15), actor=None)
    # when the rates are refreshed
    refresh(MARCH, APRIL)
    # then March counts all three at its start and the two visited; April only the survivor
    assert rate(community().code, MARCH) == (3, 2)
    assert rate(community().code, APRIL) == (1, 0)
    # and the periods end on the day of death, from the registry's life event
    ends = dict(TargetPeriod.objects.values_list("elder_id", "ends_on"))
    assert ends[a.pk] == date(2026, 3, 15) and ends[b.pk] == date(2026, 3, 5) and ends[c.pk] is None


def test_an_elder_who_moved_out_of_the_city_mid_month_counts_with_the_visit_before(listed, worker) -> None:
    a, b, _c = listed
    record_visit(a, worker, date(2026, 3, 3))
    life_event_record(elder=a, kind="move_out", occurred_on=date(2026, 3, 20), actor=None)
    record_visit(b, worker, date(2026, 2, 27))  # February: not a March visit
    refresh(MARCH, APRIL)
    assert rate(community().code, MARCH) == (3, 1)
    assert rate(community().code, APRIL) == (2, 0)


def test_an_elder_who_moved_to_another_community_counts_where_they_lived_on_the_first(listed, worker) -> None:
    # given A moves to the neighbouring community on 12 March and is visited there on the 20th
    a, _b, _c = listed
    a = elder_update(elder=a, actor=None, residence_division=second_community())
    services.targets_sync(today=date(2026, 3, 12))
    neighbour = make_visitor(second_community())
    record_visit(a, neighbour, date(2026, 3, 20))
    # when the rates are refreshed
    refresh(MARCH, APRIL)
    # then March is the old community's (where A was on the 1st), April the new one's
    assert rate(community().code, MARCH) == (3, 1)
    assert rate(second_community().code, MARCH) == (0, 0)  # the visit is recorded there, the elder is not
    assert rate(community().code, APRIL) == (2, 0)
    assert rate(second_community().code, APRIL) == (1, 0)
    # and the street holds both in both months
    assert rate(street().code, MARCH) == (3, 1)
    assert rate(street().code, APRIL) == (3, 0)


def test_an_elder_who_became_eligible_mid_month_counts_from_the_next_month(listed, worker) -> None:
    # given D, living with children (not in special difficulty), who starts living alone on 10 March
    d = special_elder(living_situation="with_children")
    assert not d.special_difficulty
    services.targets_sync(today=date(2026, 2, 20))
    elder_update(elder=d, actor=None, living_situation="alone")
    services.targets_sync(today=date(2026, 3, 10))
    record_visit(d, worker, date(2026, 3, 15))
    record_visit(d, worker, date(2026, 4, 2))
    # when the rates are refreshed
    refresh(MARCH, APRIL)
    # then D is neither in March's denominator nor its numerator (the rate stays ≤ 100 %), and in April's
    assert rate(community().code, MARCH) == (3, 0)
    assert rate(community().code, APRIL) == (4, 1)


def test_a_late_death_report_corrects_the_past_month_when_refreshed(listed, worker) -> None:
    a, _b, _c = listed
    refresh(MARCH)
    assert rate(community().code, MARCH) == (3, 0)
    # when a death on 20 February is reported in April
    life_event_record(elder=a, kind="death", occurred_on=date(2026, 2, 26), actor=None)
    refresh(MARCH)
    # then March no longer counts A
    assert rate(community().code, MARCH) == (2, 0)


def test_only_met_elders_by_counted_methods_count(listed, worker) -> None:
    a, b, c = listed
    record_visit(a, worker, date(2026, 3, 3), method="phone")
    record_visit(b, worker, date(2026, 3, 4), outcome="not_found", checklist={})
    record_visit(c, worker, date(2026, 3, 5), method="video")
    refresh(MARCH)
    assert rate(community().code, MARCH) == (3, 2)
    # when the city stops counting phone calls from March
    profile, _n = profile_load(code="jiangmen")
    value = {**services.rates.operations_policy()[0], "counted_methods": ["in_person", "video"]}
    policy_set(
        profile=profile,
        key="visits.operations",
        value=value,
        valid_from=date(2026, 3, 1),
        actor=None,
        reason="t",
    )
    refresh(MARCH)
    assert rate(community().code, MARCH) == (3, 1)


def test_the_table_rolls_up_to_street_district_and_city_and_agrees_with_the_rule(listed, worker) -> None:
    a, _b, c = listed
    elsewhere = special_elder(second_community())
    services.targets_sync(today=date(2026, 2, 20))
    for elder, day, method in [
        (a, 3, "in_person"),
        (a, 9, "phone"),
        (elsewhere, 11, "video"),
        (c, 28, "in_person"),
    ]:
        record_visit(elder, worker, date(2026, 3, day), method=method)
    refresh(MARCH)
    rows = {
        r.division_id: (r.eligible, r.visited, r.visits) for r in MonthlyVisitRate.objects.filter(month=MARCH)
    }
    assert rows[community().code] == (3, 2, 3)
    assert rows[second_community().code] == (1, 1, 1)
    for code in (street().code, street().code[:6], "4407"):
        assert rows[code] == (4, 3, 4)
    # and the database computation equals the pure rule on the same facts
    periods = [
        rules.Period(p.elder_id, p.division_id, p.starts_on, p.ends_on) for p in TargetPeriod.objects.all()
    ]
    facts = [
        rules.VisitFact(r.elder_id, timezone.localdate(r.visited_at), r.method, r.outcome)
        for r in VisitRecord.objects.all()
    ]
    by_rule = rules.monthly_rate(periods, facts, month=MARCH)
    assert {k: (v.eligible, v.visited) for k, v in by_rule.items()} == {
        k: (e, v) for k, (e, v, _n) in services.month_counts(MARCH).items() if e
    }
    # and refreshing twice writes the same rows (idempotent)
    refresh(MARCH)
    assert {
        r.division_id: (r.eligible, r.visited, r.visits) for r in MonthlyVisitRate.objects.filter(month=MARCH)
    } == rows
