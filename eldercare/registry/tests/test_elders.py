"""The elder record: derived from the ID number, unique, encrypted at rest, listed within scope."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import make_resident_id
from eldercare.core.models import AuditEntry, Division
from eldercare.core.tests.factories import DISTRICT, ElderFactory, UserFactory, first_child
from eldercare.registry.models import Elder
from eldercare.registry.services import elder_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def community() -> Division:
    return first_child(first_child(DISTRICT).code)


def test_birth_date_and_sex_come_from_the_id_number(community: Division) -> None:
    number = make_resident_id("440703", date(1938, 2, 14), 15)
    elder = elder_create(
        name="陈伯",
        id_number=number,
        residence_division=community,
        actor=None,
        phone="13800138000",
        today=date(2026, 1, 1),
    )
    assert (elder.birth_date, elder.sex) == (date(1938, 2, 14), "M")
    assert elder.id_number_masked == "440703********0150"[:6] + "********" + number[-4:]
    assert AuditEntry.objects.filter(action="elder.created", target_id=str(elder.pk)).exists()


def test_identifiers_are_encrypted_at_rest(community: Division) -> None:
    number = make_resident_id("440703", date(1938, 2, 14), 15)
    elder = elder_create(
        name="陈伯", id_number=number, residence_division=community, actor=None, phone="13800138000"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_elder WHERE id = %s", [elder.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert number not in stored_id and "13800138000" not in stored_phone
    assert Elder.objects.get(pk=elder.pk).id_number == number


def test_one_record_per_elder(community: Division) -> None:
    number = make_resident_id("440703", date(1938, 2, 14), 15)
    elder_create(name="陈伯", id_number=number, residence_division=community, actor=None)
    with pytest.raises(ConflictError):
        elder_create(name="陈伯", id_number=number.lower(), residence_division=community, actor=None)


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"id_number": "440703193802140150"}, "id_number_check_digit"), ({"phone": "12345"}, "phone_invalid")],
)
def test_bad_input_is_refused_with_a_code(community: Division, changes: dict[str, str], code: str) -> None:
    fields = {"name": "陈伯", "id_number": make_resident_id("440703", date(1938, 2, 14), 15), **changes}
    with pytest.raises(DomainError) as info:
        elder_create(residence_division=community, actor=None, **fields)
    assert info.value.code == code


def test_an_elder_lives_in_a_community(community: Division) -> None:
    with pytest.raises(DomainError):
        elder_create(
            name="陈伯",
            id_number=make_resident_id("440703", date(1938, 2, 14), 15),
            residence_division=community.parent,
            actor=None,
        )


def test_the_list_page_has_a_query_budget(
    client: Client, community: Division, django_assert_max_num_queries: object
) -> None:
    ElderFactory.create_batch(40, residence_division=community)
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    with django_assert_max_num_queries(9):  # type: ignore[operator]  # +1: the page's groups, prefetched
        response = client.get("/elders/")
    assert response.status_code == 200 and response.context["page"].paginator.count == 40


def test_the_list_filters_by_age_and_living_situation(client: Client, community: Division) -> None:
    ElderFactory(residence_division=community, birth_date=date(1930, 1, 1), living_situation="alone")
    ElderFactory(residence_division=community, birth_date=date(1960, 1, 1), living_situation="alone")
    ElderFactory(residence_division=community, birth_date=date(1930, 1, 1), living_situation="with_children")
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    page = client.get("/elders/?min_age=80&living=alone").context["page"]
    assert page.paginator.count == 1


def test_the_home_page_counts_the_elders_of_the_area(client: Client, community: Division) -> None:
    ElderFactory.create_batch(3, residence_division=community, birth_date=date(1935, 1, 1))
    client.force_login(UserFactory(role=Role.DISTRICT_OFFICER, division=Division.objects.get(code=DISTRICT)))
    response = client.get("/")
    assert response.context["counts"].total == 3
    areas = {row["division"].code: row["elders"] for row in response.context["areas"]}
    assert areas[community.code[:9]] == 3
