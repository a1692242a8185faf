"""Creating and changing the elder record: refusals, history, the flag, search and query budgets."""

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import make_resident_id
from eldercare.core.models import Division
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import DISTRICT, OTHER_DISTRICT, ElderFactory, UserFactory, first_child
from eldercare.registry.choices import ChangeKind
from eldercare.registry.models import DuplicateCandidate, ElderChange
from eldercare.registry.selectors import ElderFilter, elder_list
from eldercare.registry.services import (
    consent_record,
    contact_add,
    elder_create,
    elder_groups_set,
    elder_update,
    elders_merge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def community() -> Division:
    return first_child(first_child(DISTRICT).code)


@pytest.fixture
def district_scope() -> DataScope:
    return DataScope(division_codes=(DISTRICT,))


def create(community: Division, scope: DataScope | None = None, **fields: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "name": "张三丰",
        "id_number": make_resident_id("440703", date(1938, 2, 14), 15),
    }
    return elder_create(residence_division=community, actor=None, scope=scope, **{**values, **fields})


def test_an_invalid_id_is_refused_with_a_clear_message(community: Division) -> None:
    with pytest.raises(DomainError) as info:
        create(community, id_number="440703193802140150")
    assert info.value.code == "id_number_check_digit"
    assert "check digit" in info.value.message


def test_a_future_birth_date_is_refused(community: Division) -> None:
    with pytest.raises(DomainError) as info:
        create(community, id_number=make_resident_id("440703", date(2030, 1, 1), 15))
    assert info.value.code == "id_number_birth_date" and "future" in info.value.message


def test_a_division_outside_the_scope_is_refused(community: Division, district_scope: DataScope) -> None:
    elsewhere = first_child(first_child(OTHER_DISTRICT).code)
    with pytest.raises(DomainError) as info:
        create(elsewhere, scope=district_scope)
    assert info.value.code == "division_out_of_scope"


def test_a_duplicate_id_points_to_the_existing_record_when_in_scope(
    community: Division, district_scope: DataScope
) -> None:
    first = create(community)
    with pytest.raises(ConflictError) as info:
        create(community, scope=district_scope)
    assert info.value.details["existing_elder_id"] == first.pk


def test_a_duplicate_id_outside_the_scope_does_not_leak_the_record(community: Division) -> None:
    create(community)
    other_scope = DataScope(division_codes=(OTHER_DISTRICT,))
    elsewhere = first_child(first_child(OTHER_DISTRICT).code)
    with pytest.raises(ConflictError) as info:
        create(elsewhere, scope=other_scope)
    assert info.value.details["existing_elder_id"] is None


def test_the_create_page_shows_the_refusal_and_links_the_existing_record(
    client: Client, community: Division
) -> None:
    existing = create(community)
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    response = client.post(
        "/elders/new/",
        {
            "name": "张三丰",
            "id_number": existing.id_number,
            "residence_division": community.code,
            "living_situation": "other",
            "economic_status": "ordinary",
        },
    )
    assert response.status_code == 200
    assert response.context["existing_id"] == existing.pk
    assert "already registered" in response.content.decode()


def test_the_api_refuses_a_bad_id_with_a_code(client: Client, community: Division) -> None:
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    response = client.post(
        "/api/v1/elders",
        {"name": "x", "id_number": "440703193802140150", "residence_division": community.code},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "id_number_check_digit"


def test_every_change_is_kept_in_history_without_personal_values(community: Division) -> None:
    # given a registered elder
    elder = create(community, phone="13800138000")
    # when the living situation and phone change
    elder_update(elder=elder, actor=None, living_situation="alone", phone="13900139000")
    # then history holds both changes, the phone only as "changed", and the flag follows the rule
    changes = list(ElderChange.objects.filter(elder=elder).order_by("id"))
    assert [c.kind for c in changes] == [ChangeKind.CREATED, ChangeKind.UPDATED]
    assert changes[1].changes == {"living_situation": ["other", "alone"], "phone": "changed"}
    elder.refresh_from_db()
    assert elder.special_difficulty and elder.special_difficulty_reasons == ["living:alone"]


def test_groups_drive_the_flag_with_the_reason(community: Division) -> None:
    elder = create(community)
    elder_groups_set(elder=elder, groups={"disability": 2, "veteran": None}, actor=None)
    elder.refresh_from_db()
    assert elder.special_difficulty_reasons == ["disability:2"]


def test_contacts_and_consents_are_recorded(community: Division) -> None:
    elder = create(community)
    contact = contact_add(
        elder=elder, name="张小明", relation="child", phone="13700137000", is_guardian=True, actor=None
    )
    consent = consent_record(elder=elder, scope="family", granted=True, given_on=date(2025, 1, 2), actor=None)
    assert contact.phone_masked == "137****7000" and consent.scope == "family"
    assert ElderChange.objects.filter(elder=elder, kind__in=["contact", "consent"]).count() == 2


def test_same_name_and_birth_date_is_flagged_and_merge_keeps_both_histories(community: Division) -> None:
    # given two records of 张三丰 born the same day under different ID numbers
    first = create(community)
    second = create(community, id_number=make_resident_id("440703", date(1938, 2, 14), 17))
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.elder_id, candidate.other_id} == {first.pk, second.pk}
    contact_add(elder=second, name="李四", relation="child", actor=None)
    # when they are merged
    elders_merge(survivor=first, duplicate=second, actor=None)
    # then the survivor holds both histories and the other record points at it
    history = ElderChange.objects.filter(elder=first)
    assert history.filter(original_elder_id=second.pk).count() == 2  # created + contact
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into_id == first.pk


def test_an_id_typo_is_flagged_as_a_possible_duplicate(community: Division) -> None:
    number = make_resident_id("440703", date(1938, 2, 14), 15)
    create(community, id_number=number)
    from eldercare.registry.rules import id_typo_variants

    variant = sorted(id_typo_variants(number))[0]
    create(community, name="张三峰", id_number=variant)
    assert DuplicateCandidate.objects.filter(reason="id_typo").count() == 1


def test_search_by_pinyin_initials_id_tail_and_phone(community: Division) -> None:
    elder = create(community, phone="13800138000")
    ElderFactory(residence_division=community, name="李四")
    scope = DataScope.everything()
    assert list(elder_list(scope=scope, filters=ElderFilter(search="zsf"))) == [elder]
    assert list(elder_list(scope=scope, filters=ElderFilter(search=elder.id_number[-4:]))) == [elder]
    # a worker who types 5 or 6 digits of the tail still finds the elder (only 4 are kept in clear)
    assert list(elder_list(scope=scope, filters=ElderFilter(search=elder.id_number[-6:]))) == [elder]
    assert list(elder_list(scope=scope, filters=ElderFilter(search="138 0013 8000"))) == [elder]
    assert list(elder_list(scope=scope, filters=ElderFilter(search="三丰"))) == [elder]


def test_filters_by_group_and_age_band(community: Division) -> None:
    old = ElderFactory(residence_division=community, birth_date=date(1935, 1, 1))
    ElderFactory(residence_division=community, birth_date=date(1955, 1, 1))
    elder_groups_set(elder=old, groups={"veteran": None}, actor=None)
    scope = DataScope.everything()
    today = date(2026, 1, 1)
    assert list(elder_list(scope=scope, filters=ElderFilter(group="veteran"), today=today)) == [old]
    assert list(elder_list(scope=scope, filters=ElderFilter(min_age=80, max_age=95), today=today)) == [old]


def _queries(client: Client, url: str, django_assert_max_num_queries: object) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", ["/elders/?page=1", "/api/v1/elders?page_size=PS", "/elders/export.xlsx"])
def test_list_pages_and_apis_run_a_constant_number_of_queries(
    client: Client, community: Division, url: str, django_assert_max_num_queries: object
) -> None:
    # given elders with groups
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    elders = ElderFactory.create_batch(3, residence_division=community)
    for e in elders:
        elder_groups_set(elder=e, groups={"veteran": None}, actor=None)
    client.get(url.replace("PS", "3"))  # warm caches (content types, session) outside the measure
    few = _queries(client, url.replace("PS", "3"), django_assert_max_num_queries)
    # when many more are listed on one page
    more = ElderFactory.create_batch(30, residence_division=community)
    for e in more:
        elder_groups_set(elder=e, groups={"youfu": None}, actor=None)
    many = _queries(client, url.replace("PS", "40"), django_assert_max_num_queries)
    # then the number of queries does not grow
    assert many == few


def test_the_export_is_limited_to_the_scope(
    client: Client, community: Division, make_street_user: Callable[[], User]
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    ElderFactory.create_batch(2, residence_division=community)
    ElderFactory(residence_division=first_child(first_child(OTHER_DISTRICT).code))
    client.force_login(make_street_user())
    response = client.get("/elders/export.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 2
    assert all("*" in row[3] for row in rows[1:])  # masked ID numbers


def test_the_archive_page_shows_the_timeline(client: Client, community: Division) -> None:
    elder = create(community)
    elder_update(elder=elder, actor=None, living_situation="alone")
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    response = client.get(f"/elders/{elder.pk}/")
    assert response.status_code == 200
    assert [e.kind for e in response.context["timeline"]] == ["registry", "registry"]
    api = client.get(f"/api/v1/elders/{elder.pk}/timeline").json()
    assert len(api) == 2


def test_an_elder_out_of_scope_is_404(client: Client, community: Division) -> None:
    elder = ElderFactory(residence_division=first_child(first_child(OTHER_DISTRICT).code))
    client.force_login(UserFactory(role=Role.DISTRICT_OFFICER, division=Division.objects.get(code=DISTRICT)))
    assert client.get(f"/elders/{elder.pk}/").status_code == 404
    assert client.get(f"/api/v1/elders/{elder.pk}/timeline").status_code == 404
    assert client.patch(f"/api/v1/elders/{elder.pk}", {}, content_type="application/json").status_code == 404
