from collections.abc import Callable

import pytest

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.tests.factories import DISTRICT, UserFactory, first_child


@pytest.fixture
def make_street_user(db: None) -> Callable[[], User]:
    def make() -> User:
        return UserFactory(role=Role.STREET_OFFICER, division=first_child(DISTRICT))

    return make
