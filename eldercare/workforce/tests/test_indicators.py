"""The workforce plan indicators (WH08, JM07–JM09) on hand-made posts, trainings and providers with known
numerators and denominators, including posts ending and providers closing on the month's last day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from eldercare.core.models import Division, DivisionLevel
from eldercare.core.tests.factories import CITY, DISTRICT, OTHER_DISTRICT, ElderFactory, first_child
from eldercare.facilities.tests.factories import make_facility
from eldercare.planning import rules
from eldercare.planning.registry import Measure
from eldercare.planning.services.indicators import LEVEL_LENGTHS
from eldercare.workforce import indicators
from eldercare.workforce.models import Employment, TrainingCourse, TrainingProvider, TrainingRecord, Worker
from eldercare.workforce.tests.factories import make_employer, make_worker

pytestmark = pytest.mark.django_db

END = date(2024, 6, 30)
AFTER = END + timedelta(days=1)


def elders(where: Division, n: int) -> None:
    for _ in range(n):
        ElderFactory(residence_division=where, birth_date=date(1950, 1, 1))


def post(
    worker: Worker,
    employer: Any,
    *,
    position: str = "social_worker",
    since: date = date(2023, 1, 1),
    until: date | None = None,
) -> None:
    Employment.objects.create(
        worker=worker, employer=employer, position=position, started_on=since, ended_on=until
    )


def provider(
    *,
    accredited_on: date | None = date(2022, 1, 1),
    closed_on: date | None = None,
    vocational: bool = True,
    division: Any = None,
) -> TrainingProvider:
    return TrainingProvider.objects.create(
        name="职业培训学校",
        division=division or first_child(DISTRICT),
        is_vocational=vocational,
        accredited_on=accredited_on,
        closed_on=closed_on,
    )


def test_social_workers_per_1000_elders_count_workers_in_post_on_the_months_end_once() -> None:
    c = first_child(first_child(DISTRICT).code)
    employer = make_employer(division=c)
    elders(c, 2)
    twice = make_worker(category="social_worker")
    post(twice, employer)
    post(twice, make_employer(division=c))  # a second post: still one social worker
    post(make_worker(category="social_worker"), employer, until=END)  # left on the last day
    post(make_worker(category="social_worker"), employer, since=AFTER)  # starts in July
    post(make_worker(), employer, position="nursing_worker")

    assert indicators.social_workers_per_1000_elders(CITY, END) == {c.code: Measure(1, 2)}
    assert indicators.social_workers_per_1000_elders(CITY, END - timedelta(days=1)) == {c.code: Measure(2, 2)}


def test_ratio_attainment_gives_each_district_and_street_one_vote_that_sums_to_districts() -> None:
    s1, s2 = Division.objects.filter(parent_id=DISTRICT).order_by("code")[:2]
    c1, c2 = first_child(s1.code), first_child(s2.code)
    home = make_facility(division=c1, beds={"nursing": 2})
    elders(c1, 2)
    elders(c2, 2)
    elders(first_child(first_child(OTHER_DISTRICT).code), 1)
    post(make_worker(category="social_worker"), home.operator)  # an institution's social worker in s1

    parts = indicators.social_worker_ratio_attainment(CITY, END)
    summed = rules.roll_up(
        ((code, m.numerator, m.denominator) for code, m in parts.items()), lengths=LEVEL_LENGTHS
    )

    counties = Division.objects.filter(code__startswith=CITY, level=DivisionLevel.COUNTY).count()
    assert summed[CITY] == (1, counties)  # district A attains (1 worker: 4 elders, 2 beds); no other
    assert summed[DISTRICT] == (1, 1) and summed[OTHER_DISTRICT] == (0, 1)
    assert summed[s1.code] == (1, 1) and summed[s2.code] == (0, 1)  # s2: elders without a social worker


def test_ratio_attainment_needs_one_social_worker_per_100_institution_beds() -> None:
    s1 = first_child(DISTRICT)
    c1 = first_child(s1.code)
    home = make_facility(division=c1, beds={"nursing": 101})
    elders(c1, 3)
    post(make_worker(category="social_worker"), home.operator)

    parts = indicators.social_worker_ratio_attainment(CITY, END)
    summed = rules.roll_up(
        ((code, m.numerator, m.denominator) for code, m in parts.items()), lengths=LEVEL_LENGTHS
    )

    assert summed[DISTRICT] == (0, 1) and summed[s1.code] == (0, 1)  # 1 per 101 beds: short


def test_training_attendances_run_from_2021_and_count_passed_or_attended_without_exam() -> None:
    worker, other = make_worker(), make_worker()
    school = provider()

    def course(has_exam: bool = True) -> TrainingCourse:
        return TrainingCourse.objects.create(
            provider=school,
            title="养老护理员培训",
            kind="on_job",
            hours=40,
            starts_on=date(2020, 1, 1),
            ends_on=END,
            has_exam=has_exam,
        )

    def record(who: Worker, on: date, passed: bool | None, *, has_exam: bool = True) -> None:
        TrainingRecord.objects.create(
            worker=who, course=course(has_exam), completed_on=on, hours=40, passed=passed
        )

    record(worker, date(2020, 12, 31), True)  # before the running total starts
    record(worker, date(2021, 1, 1), True)
    record(worker, date(2023, 5, 1), True)  # the same person again: another attendance
    record(other, date(2023, 5, 1), False)  # failed
    record(other, date(2023, 6, 1), None)  # not yet examined
    record(other, date(2024, 2, 1), None, has_exam=False)  # no exam: attending counts
    record(other, END, True)
    record(other, AFTER, True)

    result = indicators.care_staff_training_attendances(CITY, END)

    assert result == {worker.division_id: Measure(4)}
    june = indicators.training_key_counts(CITY, date(2024, 6, 1), END)
    assert june["workforce.trainings"] == {worker.division_id: 1}


def test_training_providers_are_vocational_accredited_and_open_on_the_months_end() -> None:
    where = first_child(DISTRICT)
    provider(division=where)
    provider(division=where, closed_on=END)  # closed on the last day
    provider(division=where, closed_on=AFTER)  # still open on the 30th
    provider(division=where, accredited_on=AFTER)
    provider(division=where, accredited_on=None)
    provider(division=where, vocational=False)

    assert indicators.care_training_providers(CITY, END) == {where.code: Measure(2)}


def test_staff_key_counts_give_workers_in_post_by_position() -> None:
    c = first_child(first_child(DISTRICT).code)
    employer = make_employer(division=c)
    post(make_worker(category="social_worker"), employer)
    post(make_worker(), employer, position="nursing_worker")
    post(make_worker(), employer, position="nursing_worker", until=END)

    counts = indicators.staff_key_counts(CITY, date(2024, 6, 1), END)

    assert counts["workforce.social_worker"] == {c.code: 1} and counts["workforce.nursing_worker"] == {
        c.code: 1
    }
    assert counts["workforce.total"] == {c.code: 2}


def test_a_planning_refresh_shows_the_workforce_indicators_as_computed() -> None:
    from eldercare.core.services import profile_load
    from eldercare.planning import services
    from eldercare.planning.models import IndicatorValue

    profile_load(code="jiangmen")
    c = first_child(first_child(DISTRICT).code)
    elders(c, 4)
    post(make_worker(category="social_worker"), make_employer(division=c))
    provider(division=c)

    services.refresh(months=[date(2024, 6, 1)])

    def value(code: str) -> IndicatorValue:
        return IndicatorValue.objects.get(indicator__code=code, division_id=CITY, month=date(2024, 6, 1))

    assert (value("JM09").source, value("JM09").numerator, value("JM09").denominator) == ("computed", 1, 4)
    assert value("JM09").value == 250.0
    assert (value("JM08").source, value("JM08").value) == ("computed", 1)
    assert value("JM07").source == "computed"
