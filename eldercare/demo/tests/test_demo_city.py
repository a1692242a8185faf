"""The demo city: reproducible, realistic, inside the real districts, one account per role."""

import json
from datetime import date

import pytest
import shapely
from django.db.models import Count
from shapely.geometry import shape

from eldercare.accounts.models import User
from eldercare.accounts.principal import principal_for_user
from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.selectors import policy_value
from eldercare.core.services import DATA_DIR
from eldercare.demo.services import build_demo_city
from eldercare.registry.models import Elder
from eldercare.registry.selectors import years_ago

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


@pytest.fixture
def city(settings: object) -> None:
    build_demo_city(city_key="jiangmen", scale=0.003, seed=5, today=TODAY)


def test_the_city_has_a_realistic_age_structure(city: None) -> None:
    total = Elder.objects.count()
    assert 2500 <= total <= 2800  # 0.3% of 876,300
    aged_80 = Elder.objects.filter(birth_date__lte=years_ago(TODAY, 80)).count() / total
    aged_90 = Elder.objects.filter(birth_date__lte=years_ago(TODAY, 90)).count() / total
    assert 0.11 <= aged_80 <= 0.16 and 0.008 <= aged_90 <= 0.028
    assert not Elder.objects.filter(birth_date__gt=years_ago(TODAY, 60)).exists()
    women = Elder.objects.filter(sex="F").count() / total
    assert 0.48 <= women <= 0.56


def test_every_elder_sits_inside_their_district(city: None) -> None:
    features = json.loads((DATA_DIR / "geo" / "4407.geojson").read_text(encoding="utf-8"))["features"]
    polygons = {f["properties"]["code"]: shape(f["geometry"]) for f in features}
    for code, polygon in polygons.items():
        points = list(
            Elder.objects.filter(residence_division__code__startswith=code).values_list("lon", "lat")
        )
        assert points, code
        xs, ys = zip(*points, strict=True)
        assert shapely.contains_xy(polygon, xs, ys).all(), code


def test_every_district_gets_elders_and_enping_its_census_share(city: None) -> None:
    by_district = dict(
        Elder.objects.values_list("residence_division__parent__parent_id")
        .annotate(n=Count("id"))
        .values_list("residence_division__parent__parent_id", "n")
    )
    assert len(by_district) == 7
    assert abs(by_district["440785"] / Elder.objects.count() - 94740 / 876300) < 0.002


def test_living_and_economic_situations_follow_the_inputs(city: None) -> None:
    total = Elder.objects.count()
    alone = Elder.objects.filter(living_situation="alone").count() / total
    poor = Elder.objects.filter(economic_status__in=["tekun", "dibao", "dibian"]).count() / total
    assert 0.09 <= alone <= 0.15 and 0.04 <= poor <= 0.08


def test_the_same_seed_builds_the_same_people() -> None:
    build_demo_city(city_key="jiangmen", scale=0.001, seed=9, today=TODAY)
    first = sorted(Elder.objects.values_list("id_number_hash", "name", "living_situation"))
    build_demo_city(city_key="jiangmen", scale=0.001, seed=9, today=TODAY, reset=True)
    assert sorted(Elder.objects.values_list("id_number_hash", "name", "living_situation")) == first


def test_building_twice_without_reset_is_refused(city: None) -> None:
    with pytest.raises(DomainError):
        build_demo_city(city_key="jiangmen", scale=0.001, seed=5, today=TODAY)


def test_one_account_per_role_each_seeing_only_its_own_area(city: None) -> None:
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    total = Elder.objects.count()
    seen = {u.role: Elder.objects.for_scope(principal_for_user(u).scope).count() for u in User.objects.all()}
    assert seen[Role.CITY_ADMIN] == total
    assert 0 < seen[Role.COMMUNITY_WORKER] < seen[Role.STREET_OFFICER] < seen[Role.DISTRICT_OFFICER] < total
    assert seen[Role.VOLUNTEER] == seen[Role.ELDER] == seen[Role.INSTITUTION_OPERATOR] == 0


def test_demo_accounts_sign_in_without_two_factor_through_an_audited_policy_version(city: None) -> None:
    current = policy_value("security.require_2fa_roles", profile_code="jiangmen", on=TODAY)
    assert current.value == [] and current.version == 2
