"""Workforce registry: certificates and skill level, rewards, indicators, pages (scope, refusals, budgets)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import DISTRICT, UserFactory, first_child
from eldercare.workforce import selectors, services
from eldercare.workforce.choices import CertificateKind, CourseKind, RewardKind, StaffCategory
from eldercare.workforce.models import Employment
from eldercare.workforce.tests.factories import make_employer, make_listing, make_worker, new_id_number

pytestmark = pytest.mark.django_db


def certify(worker, level: int, *, expires_on: date | None = None) -> None:  # type: ignore[no-untyped-def]
    services.certificate_add(
        worker=worker,
        kind=CertificateKind.SKILL_LEVEL,
        level=level,
        number=f"C{level}",
        issuer="人社局",
        issued_on=date(2020, 1, 1),
        expires_on=expires_on,
        actor=None,
    )


def test_the_skill_level_is_the_best_valid_certificate() -> None:
    worker = make_worker()
    certify(worker, 4)
    certify(worker, 2, expires_on=date(2021, 1, 1))  # expired: does not count
    worker.refresh_from_db()
    assert worker.skill_level == 4


def test_a_skill_subsidy_needs_a_certificate_and_takes_its_amount_from_policy() -> None:
    worker = make_worker()
    with pytest.raises(DomainError) as refused:
        services.reward_grant(
            worker=worker, kind=RewardKind.SKILL, granted_on=date(2025, 1, 1), reason="等级补贴", actor=None
        )
    assert refused.value.code == "workforce_not_certified"
    certify(worker, 3)
    reward = services.reward_grant(
        worker=worker, kind=RewardKind.SKILL, granted_on=date(2025, 1, 1), reason="等级补贴", actor=None
    )
    assert reward.amount_fen == 200000
    with pytest.raises(ConflictError):
        services.reward_grant(
            worker=worker, kind=RewardKind.SKILL, granted_on=date(2025, 2, 1), reason="等级补贴", actor=None
        )


def test_training_indicators_count_attendances_and_open_vocational_providers() -> None:
    street = first_child(DISTRICT)
    provider = services.training_provider_create(
        name="培训学校", division=street, accredited_on=date(2022, 1, 1), actor=None
    )
    closed = services.training_provider_create(
        name="旧学校", division=street, accredited_on=date(2021, 1, 1), actor=None
    )
    services.training_provider_close(provider=closed, closed_on=date(2023, 1, 1), actor=None)
    course = services.course_create(
        provider=provider,
        title="初级护理",
        kind=CourseKind.PRE_JOB,
        hours=40,
        starts_on=date(2024, 3, 1),
        ends_on=date(2024, 3, 10),
        actor=None,
    )
    for _ in range(3):
        services.training_record_add(
            worker=make_worker(),
            course=course,
            hours=40,
            completed_on=date(2024, 3, 10),
            exam_score=80,
            passed=True,
            actor=None,
        )
    scope = DataScope(division_codes=(street.code,))
    assert selectors.training_attendances(scope=scope, until=date(2024, 12, 31)) == 3
    assert selectors.training_attendances(scope=scope, until=date(2024, 3, 9)) == 0
    assert selectors.vocational_training_provider_count(scope=scope, on=date(2022, 6, 1)) == 2
    assert selectors.vocational_training_provider_count(scope=scope, on=date(2024, 6, 1)) == 1


def test_social_workers_per_1000_elders_with_beds_unknown_until_facilities_is_linked() -> None:
    from eldercare.core.tests.factories import ElderFactory

    street = first_child("440705")
    community = first_child(street.code)
    for _ in range(4):
        ElderFactory(residence_division=community)
    employer = make_employer(division=street)
    services.employment_start(
        employer=employer,
        worker=make_worker(category=StaffCategory.SOCIAL_WORKER),
        position=StaffCategory.SOCIAL_WORKER,
        started_on=date(2024, 1, 1),
        actor=None,
    )
    ratio = selectors.social_worker_ratio(division_code=street.code, on=date(2025, 1, 1))
    assert (ratio.social_workers, ratio.elders, ratio.per_1000_elders) == (1, 4, 250.0)
    assert ratio.beds is None and ratio.per_100_beds is None


def test_an_institution_sees_only_the_workers_it_employs(client: Client) -> None:
    mine, theirs = make_employer(), make_employer()
    own = services.employment_start(
        employer=mine,
        id_number=new_id_number(),
        name="甲",
        position=StaffCategory.NURSING_WORKER,
        started_on=date(2024, 1, 1),
        actor=None,
    ).worker
    other = services.employment_start(
        employer=theirs,
        id_number=new_id_number(),
        name="乙",
        position=StaffCategory.NURSING_WORKER,
        started_on=date(2024, 1, 1),
        actor=None,
    ).worker
    client.force_login(UserFactory(role=Role.INSTITUTION_OPERATOR, division=None, organisation=mine))
    assert client.get(reverse("workforce:worker_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("workforce:worker_detail", args=[other.pk])).status_code == 404


def test_the_hire_page_refuses_a_listed_person_with_the_reason(client: Client) -> None:
    employer = make_employer()
    worker = make_worker()
    make_listing(worker)
    client.force_login(UserFactory(role=Role.INSTITUTION_OPERATOR, division=None, organisation=employer))
    response = client.post(
        reverse("workforce:hire"),
        {
            "id_number": worker.id_number,
            "name": "x",
            "position": "nursing_worker",
            "started_on": "2025-03-01",
        },
    )
    assert response.status_code == 200
    assert "joint-punishment" in response.content.decode()
    assert not Employment.objects.filter(worker=worker).exists()


def test_the_worker_list_keeps_its_query_budget(client: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    employer = make_employer()
    for _ in range(8):
        services.employment_start(
            employer=employer,
            worker=make_worker(),
            position=StaffCategory.NURSING_WORKER,
            started_on=date(2024, 1, 1),
            actor=None,
        )
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    for name in ("workforce:worker_list", "workforce:ratios", "workforce:training", "workforce:listing_list"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name)).status_code == 200
