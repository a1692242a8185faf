"""Effective-dated policy: versions, validation, replay by date, seeded city profiles, the edit page."""

from datetime import date

import pytest
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry, CityProfile, PolicyVersion
from eldercare.core.selectors import policy_value
from eldercare.core.services import policy_set, profile_load
from eldercare.core.tests.factories import UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db
KEY = "security.require_2fa_roles"


@pytest.fixture
def jiangmen() -> CityProfile:
    return profile_load(code="jiangmen")[0]


def test_both_city_profiles_carry_their_plan_indicator_tables() -> None:
    wuhan, _ = profile_load(code="wuhan")
    jiangmen, _ = profile_load(code="jiangmen")
    wuhan_indicators = policy_value("plan.indicators", profile_code=wuhan.code).value
    jiangmen_indicators = policy_value("plan.indicators", profile_code=jiangmen.code).value
    assert len(wuhan_indicators) == 12 and len(jiangmen_indicators) == 9
    nursing = next(i for i in jiangmen_indicators if i["name"] == "养老机构护理型床位占比")
    assert nursing["base"] == {"2020": 47} and nursing["targets"] == {"2023": 50, "2025": 55}
    assert nursing["property"] == "binding"
    beds = next(i for i in wuhan_indicators if i["code"] == "WH10")
    assert beds["targets"] == {"2025": 60000} and beds["unit"] == "张"


def test_loading_a_profile_twice_leaves_edited_policies_alone(jiangmen: CityProfile) -> None:
    policy_set(profile=jiangmen, key=KEY, value=[], valid_from=date(2024, 1, 1), actor=None, reason="试点")
    _profile, seeded = profile_load(code="jiangmen")
    assert seeded == 0
    assert PolicyVersion.objects.filter(profile=jiangmen, key=KEY).count() == 2


def test_a_new_version_closes_the_open_one_and_history_replays_by_date(jiangmen: CityProfile) -> None:
    # given the seeded version from 2021
    first = policy_value(KEY, profile_code="jiangmen")
    # when the bureau changes it from 2025-07-01
    policy_set(
        profile=jiangmen,
        key=KEY,
        value=["city_admin"],
        valid_from=date(2025, 7, 1),
        actor=None,
        reason="文件 江民发〔2025〕1号",
    )
    # then each date sees the version then in force, and decisions can cite the version id
    before = policy_value(KEY, on=date(2025, 6, 30), profile_code="jiangmen")
    after = policy_value(KEY, on=date(2025, 7, 1), profile_code="jiangmen")
    assert before.version_id == first.version_id and before.valid_to == date(2025, 7, 1)
    assert after.value == ["city_admin"] and after.version == 2
    seeded_keys = PolicyVersion.objects.filter(profile=jiangmen).values("key").distinct().count()
    assert AuditEntry.objects.filter(action="policy.changed").count() == seeded_keys + 1  # seeds + this


def test_history_is_not_rewritten(jiangmen: CityProfile) -> None:
    with pytest.raises(DomainError) as info:
        policy_set(profile=jiangmen, key=KEY, value=[], valid_from=date(2020, 1, 1), actor=None, reason="x")
    assert info.value.code == "policy_backdated"


def test_an_invalid_value_lists_every_problem(jiangmen: CityProfile) -> None:
    bad = [{"code": "bad", "name": "x", "property": "maybe", "direction": ">=", "targets": {}}]
    with pytest.raises(DomainError) as info:
        policy_set(
            profile=jiangmen,
            key="plan.indicators",
            value=bad,
            valid_from=date(2026, 1, 1),
            actor=None,
            reason="x",
        )
    assert info.value.code == "policy_invalid"
    assert {tuple(d["loc"]) for d in info.value.details} == {(0, "code"), (0, "property")}


def test_a_change_needs_a_reason(jiangmen: CityProfile) -> None:
    with pytest.raises(DomainError):
        policy_set(profile=jiangmen, key=KEY, value=[], valid_from=date(2026, 1, 1), actor=None, reason=" ")


def test_a_missing_policy_is_an_error_unless_a_default_is_given() -> None:
    with pytest.raises(DomainError):
        policy_value("plan.indicators", profile_code="nowhere")
    assert policy_value("plan.indicators", profile_code="nowhere", default=[]).value == []


def test_the_bureau_edits_a_policy_on_its_page(client: Client, jiangmen: CityProfile) -> None:
    admin = UserFactory(role=Role.CITY_ADMIN)
    sign_in_verified(client, admin)  # the Jiangmen profile asks city administrators for 2FA
    response = client.post(
        f"/policies/{KEY}/edit/",
        {
            "value": '["city_admin", "inspector"]',
            "valid_from": "2026-01-01",
            "reason": "等保测评整改",
            "source": "测评报告",
        },
    )
    assert response.status_code == 302
    latest = PolicyVersion.objects.filter(key=KEY, profile=jiangmen).order_by("-version").first()
    assert latest is not None and latest.changed_by == admin and latest.value == ["city_admin", "inspector"]
    page = client.get(f"/policies/{KEY}/")
    assert "等保测评整改".encode() in page.content


def test_the_edit_page_shows_validation_errors_and_saves_nothing(
    client: Client, jiangmen: CityProfile
) -> None:
    sign_in_verified(client, UserFactory(role=Role.CITY_ADMIN))
    response = client.post(
        "/policies/plan.indicators/edit/",
        {"value": '[{"code": "x"}]', "valid_from": "2026-01-01", "reason": "r"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert PolicyVersion.objects.filter(key="plan.indicators", profile=jiangmen).count() == 1


def test_the_indicator_table_is_shown_as_a_table(client: Client, jiangmen: CityProfile) -> None:
    sign_in_verified(client, UserFactory(role=Role.INSPECTOR))
    page = client.get("/policies/plan.indicators/").content.decode()
    assert "养老机构护理型床位占比" in page and "JM07" in page
