"""Test set-up shared by every app: real division data for the two model cities, loaded once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from eldercare.core.services import DIVISIONS_DIR, divisions_import, read_division_rows

MODEL_PROVINCES = ("42", "44")  # Hubei (Wuhan) and Guangdong (Jiangmen)

# No per-example deadline: two test workers on two cores make timings meaningless (speed lives in bench/).
hypothesis_settings.register_profile("eldercare", deadline=None)
hypothesis_settings.load_profile("eldercare")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Hubei and Guangdong to street level plus the communities of Wuhan and Jiangmen, once per run."""
    with django_db_blocker.unblock():
        national = (
            r
            for r in read_division_rows(DIVISIONS_DIR / "national.csv.gz")
            if r["code"][:2] in MODEL_PROVINCES
        )
        divisions_import(rows=national, source="test")
        for city in ("4201", "4407"):
            divisions_import(
                rows=read_division_rows(DIVISIONS_DIR / f"communities_{city}.csv.gz"), source="test"
            )
    yield


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Policy reads are cached; each test starts from the database."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def query_budget(db: Any) -> Any:
    """Fails a test when a page or API runs more queries than its budget (see core/tests/querybudget.py)."""
    from eldercare.core.tests.querybudget import QueryBudget

    return QueryBudget()
