"""The data scope: deny by default, one filter per model, every role bound to its own area."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from eldercare.accounts.principal import scope_for
from eldercare.accounts.roles import Role
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import (
    DISTRICT,
    OTHER_DISTRICT,
    ElderFactory,
    OrganisationFactory,
    first_child,
)
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db


@pytest.fixture
def elders() -> dict[str, Elder]:
    """One elder in each of two communities of 蓬江区 (in different streets) and one in 新会区."""
    street_a = first_child(DISTRICT)
    street_b = first_child(DISTRICT).__class__.objects.filter(parent_id=DISTRICT).order_by("code")[1]
    return {
        "a": ElderFactory(residence_division=first_child(street_a.code)),
        "b": ElderFactory(residence_division=first_child(street_b.code)),
        "other": ElderFactory(residence_division=first_child(first_child(OTHER_DISTRICT).code)),
    }


def visible(scope: DataScope) -> set[int]:
    return set(Elder.objects.for_scope(scope).values_list("id", flat=True))


def test_an_empty_scope_sees_nothing(elders: dict[str, Elder]) -> None:
    assert visible(DataScope.none()) == set()


def test_a_model_that_declares_no_scope_cannot_be_scoped() -> None:
    class Unscoped(models.Model):
        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return "unscoped"

    with pytest.raises(ImproperlyConfigured):
        DataScope(division_codes=("44",)).filter_q(Unscoped)


@pytest.mark.parametrize(
    ("role", "bound_to", "sees"),
    [
        (Role.CITY_ADMIN, "city", {"a", "b", "other"}),
        (Role.DISTRICT_OFFICER, "district", {"a", "b"}),
        (Role.STREET_OFFICER, "street_a", {"a"}),
        (Role.COMMUNITY_WORKER, "community_a", {"a"}),
        (Role.ASSESSOR, "district", {"a", "b"}),
        (Role.EMERGENCY_OPERATOR, "city", {"a", "b", "other"}),
        (Role.INSPECTOR, "other_district", {"other"}),
        (Role.INSTITUTION_OPERATOR, "organisation", set()),
        (Role.PROVIDER_MANAGER, "organisation", set()),
        (Role.PROVIDER_WORKER, "organisation", set()),
        (Role.VOLUNTEER, None, set()),
        (Role.ELDER, None, set()),
        (Role.FAMILY, None, set()),
    ],
)
def test_each_role_sees_only_its_own_area(
    role: str, bound_to: str | None, sees: set[str], elders: dict[str, Elder]
) -> None:
    # given an account of the role bound to its division or organisation
    community_a = elders["a"].residence_division
    bindings = {
        "city": "4407",
        "district": DISTRICT,
        "other_district": OTHER_DISTRICT,
        "street_a": community_a.code[:9],
        "community_a": community_a.code,
    }
    organisation = OrganisationFactory() if bound_to == "organisation" else None
    # when its scope filters the registry
    scope = scope_for(
        role=role,
        division_id=bindings.get(bound_to or ""),
        organisation_id=organisation.pk if organisation else None,
    )
    # then it sees exactly the elders of its area
    assert visible(scope) == {elders[k].pk for k in sees}


def test_a_personal_role_sees_nothing_even_if_bound_to_a_division(elders: dict[str, Elder]) -> None:
    assert visible(scope_for(role=Role.ELDER, division_id="4407", organisation_id=None)) == set()


def test_an_organisation_role_sees_its_own_organisation_only() -> None:
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    scope = scope_for(role=Role.INSTITUTION_OPERATOR, division_id=None, organisation_id=mine.pk)
    assert set(mine.__class__.objects.for_scope(scope)) == {mine}
    assert theirs not in set(mine.__class__.objects.for_scope(scope))


def test_covers_division_matches_whole_subtrees_only() -> None:
    scope = DataScope(division_codes=("440703",))
    assert scope.covers_division("440703001001")
    assert not scope.covers_division("440704001001")
    assert DataScope.everything().covers_division("110105")
