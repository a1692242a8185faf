import pytest

from eldercare.homecare.tests.factories import seed_homecare_policies


@pytest.fixture(autouse=True)
def homecare_policies(db: None) -> None:
    """The home-care policies (verification radius, funding, meal split, adaptation items) of Jiangmen."""
    seed_homecare_policies()
