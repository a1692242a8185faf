"""The aggregate refresh on hand-made data with known answers: which elders, at which date, rolled up."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from eldercare.planning import registry, services
from eldercare.planning.models import Indicator, IndicatorValue, KeyCount, RefreshRun
from eldercare.planning.registry import Measure, indicator_computation
from eldercare.planning.tests.factories import CITY, DISTRICT_A, DISTRICT_B

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
JUNE = date(2024, 6, 1)
END = date(2024, 6, 30)


def counts(month: date = JUNE) -> dict[tuple[str, str], float]:
    return {(k.key, k.division_id): k.value for k in KeyCount.objects.filter(month=month)}


def value(code: str, division: str, month: date = JUNE) -> IndicatorValue:
    return IndicatorValue.objects.get(indicator__code=code, division_id=division, month=month)


def test_key_counts_count_the_elders_present_on_the_months_last_day_by_age_band(city: dict) -> None:
    # when June 2024 is refreshed
    run = services.refresh(months=[JUNE])
    # then the counts hold exactly the seven elders present on 2024-06-30, placed in their divisions
    c = counts()
    a, a2 = city["a"].code, city["a2"].code
    assert c[("elders.total", CITY)] == 7
    assert c[("elders.total", DISTRICT_A)] == 5 and c[("elders.total", DISTRICT_B)] == 2
    assert c[("elders.total", a[:9])] == 3 and c[("elders.total", a2[:9])] == 2
    assert (c[("elders.age_60_69", CITY)], c[("elders.age_70_79", CITY)]) == (
        3,
        2,
    )  # 1964, 1955, 1958 | 1950, 1945
    assert (c[("elders.age_80_89", CITY)], c[("elders.age_90_plus", CITY)]) == (1, 1)
    assert c[("elders.in_institution", DISTRICT_A)] == 1 and c[("elders.at_home", DISTRICT_A)] == 4
    assert c[("elders.special_difficulty", CITY)] == 2 and c[("elders.dibao", DISTRICT_B)] == 1
    assert c[("elders.alone", DISTRICT_A)] == 1
    # every street of the city has a row, zero where nobody lives
    other_street = KeyCount.objects.filter(key="elders.total", division__level=4, value=0).count()
    assert other_street > 50
    assert run.ok and run.rows > 0 and RefreshRun.objects.get().finished_at is not None


def test_supplementary_ratios_are_recomputed_from_summed_parts(city: dict) -> None:
    # when refreshed
    services.refresh(months=[JUNE])
    # then 特殊困难老年人占比 is 2 of 7 in the city, 1 of 5 in district A, 1 of 2 in district B
    city_value = value("PA02", CITY)
    assert (city_value.numerator, city_value.denominator) == (2, 7)
    assert city_value.value == pytest.approx(100 * 2 / 7)
    assert value("PA02", DISTRICT_A).value == pytest.approx(20.0)
    assert value("PA02", DISTRICT_B).value == pytest.approx(50.0)
    # a street without elders has no ratio (0 / 0), not zero
    empty = IndicatorValue.objects.filter(indicator__code="PA02", division__level=4, denominator=0).first()
    assert empty is not None and empty.value is None


def test_assessment_coverage_counts_results_held_and_valid_on_the_date(city: dict) -> None:
    from eldercare.assessment.models import Assessment
    from eldercare.assessment.tests.factories import quick_published

    # given: one result published in May 2024 and valid a year, one published after June, one expired in June
    held = quick_published(city["seventies"])
    later = quick_published(city["eighties"])
    expired = quick_published(city["b_poor"])
    at = datetime(2024, 5, 10, 10, tzinfo=SHANGHAI)
    Assessment.objects.filter(pk=held.pk).update(published_at=at, valid_until=date(2025, 5, 9))
    Assessment.objects.filter(pk=later.pk).update(
        published_at=at + timedelta(days=60), valid_until=date(2025, 7, 1)
    )
    Assessment.objects.filter(pk=expired.pk).update(
        published_at=at - timedelta(days=400), valid_until=date(2024, 6, 15)
    )
    # when June is refreshed
    services.refresh(months=[JUNE])
    # then only the first counts as covered on 2024-06-30; the expired one is counted as expired
    coverage = value("PA01", CITY)
    assert (coverage.numerator, coverage.denominator) == (1, 7)
    c = counts()
    assert c[("assessment.assessed", CITY)] == 1 and c[("assessment.expired", CITY)] == 1
    assert c[(f"assessment.level_{held.level}", DISTRICT_A)] == 1


def test_alarms_are_counted_in_the_month_received_without_technical_and_test_calls(city: dict) -> None:
    from eldercare.emergency.models import Alarm
    from eldercare.emergency.tests.factories import make_alarm, make_device

    # given alarms of a device in district A: in June sos, fall, a test call, low battery; one in July
    creds = make_device(city["seventies"])
    alarms = [make_alarm(creds, kind=k) for k in ("sos", "fall", "test", "low_battery", "sos")]
    when = [
        datetime(2024, 6, 1, 0, 5, tzinfo=SHANGHAI),
        datetime(2024, 6, 30, 23, 50, tzinfo=SHANGHAI),
        datetime(2024, 6, 10, tzinfo=SHANGHAI),
        datetime(2024, 6, 11, tzinfo=SHANGHAI),
        datetime(2024, 7, 1, 0, 1, tzinfo=SHANGHAI),
    ]
    for alarm, at in zip(alarms, when, strict=True):
        Alarm.objects.filter(pk=alarm.pk).update(received_at=at)
    Alarm.objects.filter(pk=alarms[1].pk).update(outcome="ambulance")
    # when June is refreshed
    services.refresh(months=[JUNE])
    # then two alarms of people, one SOS, one fall, one serious, all in district A
    c = counts()
    assert c[("alarms.total", CITY)] == 2 and c[("alarms.total", DISTRICT_A)] == 2
    assert (c[("alarms.sos", CITY)], c[("alarms.fall", CITY)], c[("alarms.serious", CITY)]) == (1, 1, 1)
    assert c[("alarms.total", DISTRICT_B)] == 0


def test_the_refresh_is_idempotent(city: dict) -> None:
    services.refresh(months=[JUNE])
    first = sorted(counts().items())
    values_first = IndicatorValue.objects.filter(month=JUNE).count()
    services.refresh(months=[JUNE])
    assert sorted(counts().items()) == first
    assert IndicatorValue.objects.filter(month=JUNE).count() == values_first


def test_without_a_registered_computation_an_indicator_is_manual_and_carried_forward(
    city: dict, new_estates_manual: None
) -> None:
    from eldercare.accounts.models import User
    from eldercare.core.models import Division

    # given the new-estate facilities rate (data outside the platform) entered for the city in May
    services.refresh(months=[JUNE, date(2024, 7, 1)])
    indicator = Indicator.objects.get(code="JM01")
    assert not services.is_computed(indicator)
    assert value("JM01", CITY).source == "missing"
    user = User.objects.create(username="bureau", role="city_admin", division_id=CITY)
    services.manual_entry_create(
        indicator=indicator,
        division=Division.objects.get(code=CITY),
        period=date(2024, 5, 31),
        value=52.0,
        evidence="2024年新建住宅小区配套养老设施验收清单",
        actor=user,
    )
    # then the already-refreshed months show it at once, marked manual, as 52 %, and July still does
    june = value("JM01", CITY)
    assert (june.source, june.value, june.manual_entry.entered_by) == ("manual", pytest.approx(52.0), user)
    assert value("JM01", CITY, date(2024, 7, 1)).value == pytest.approx(52.0)
    # and a district has no value of its own (manual values are not rolled up)
    assert value("JM01", DISTRICT_A).source == "missing"


def test_a_registered_computation_replaces_the_manual_entry(city: dict) -> None:
    # given a module registering the nursing-bed share, grouped by community (replacing the real ones
    # for this test only)
    a, b = city["a"].code, city["b"].code
    saved = {key: registry.computation(key) for key in ("nursing_bed_share", "care_training_providers")}

    @indicator_computation("nursing_bed_share", grouped=True)
    def fake(division_code: str, on: date) -> dict[str, Measure]:
        return {a: Measure(30, 50), b: Measure(10, 50)}

    @indicator_computation("care_training_providers")
    def per_division(division_code: str, on: date) -> Measure:
        return Measure(1 if division_code == CITY else 0)

    try:
        services.refresh(months=[JUNE])
        # then the share is summed before dividing: (30 + 10) / (50 + 50) in the city
        assert value("JM02", CITY).value == pytest.approx(40.0)
        assert value("JM02", DISTRICT_A).value == pytest.approx(60.0)
        assert value("JM02", CITY).source == "computed"
        assert value("JM08", CITY).value == 1 and value("JM08", DISTRICT_A).value == 0
    finally:
        for key, spec in saved.items():
            registry.unregister(key)
            if spec is not None:
                indicator_computation(key, grouped=spec.grouped)(spec.func)


def test_every_plan_indicator_of_both_cities_has_a_written_definition() -> None:
    from eldercare.core.services import profile_load

    for city_code, expected in (("wuhan", 12), ("jiangmen", 9)):
        profile_load(code=city_code)
        rows = [i for i in services.indicators_sync(profile_code=city_code) if i.kind == "plan"]
        assert len(rows) == expected
        for row in rows:
            assert len(row.definition) > 40, row.code
            assert row.module, row.code
            assert row.targets, row.code


def test_every_plan_indicator_with_a_computation_key_is_registered_and_costs_a_few_queries_a_month(
    city: dict, django_assert_max_num_queries: Any
) -> None:
    from eldercare.planning import definitions

    keys = {d.computation for d in definitions.plan_definitions().values() if d.computation}
    assert keys and all(registry.computation(key) for key in keys), sorted(
        k for k in keys if not registry.computation(k)
    )
    for key in sorted(keys):
        spec = registry.computation(key)
        assert spec is not None and spec.grouped, key
        # one call per month for the whole city, whatever the number of divisions
        with django_assert_max_num_queries(6):
            spec.func(CITY, END)
