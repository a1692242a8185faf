from collections.abc import Callable

import pytest

from eldercare.accounts.models import User
from eldercare.accounts.roles import DIVISION_ROLES, ORGANISATION_ROLES, Role
from eldercare.core.models import Division
from eldercare.core.tests.factories import CITY, DISTRICT, OrganisationFactory, UserFactory, first_child

# Where each role's test account is bound, inside 蓬江区 (Jiangmen).
BINDING_LEVEL = {
    Role.CITY_ADMIN: "city",
    Role.DISTRICT_OFFICER: "district",
    Role.STREET_OFFICER: "street",
    Role.COMMUNITY_WORKER: "community",
    Role.ASSESSOR: "district",
    Role.EMERGENCY_OPERATOR: "city",
    Role.INSPECTOR: "city",
}


def home_division(level: str) -> Division:
    street = first_child(DISTRICT)
    codes = {
        "city": CITY,
        "district": DISTRICT,
        "street": street.code,
        "community": first_child(street.code).code,
    }
    return Division.objects.get(code=codes[level])


@pytest.fixture
def make_user(db: None) -> Callable[[str], User]:
    def make(role: str, **fields: object) -> User:
        if role in DIVISION_ROLES:
            fields.setdefault("division", home_division(BINDING_LEVEL[role]))
        else:
            fields.setdefault("division", None)
        if role in ORGANISATION_ROLES:
            fields.setdefault("organisation", OrganisationFactory())
        return UserFactory(username=f"u_{role}", role=role, **fields)

    return make
