import pytest

from eldercare.core.services import profile_load


@pytest.fixture(autouse=True)
def jiangmen_profile(db: None) -> None:
    """The home-care policies (verification radius, funding, meal split, adaptation items) of Jiangmen."""
    profile_load(code="jiangmen")
