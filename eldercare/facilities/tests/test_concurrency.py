"""Admissions racing in real transactions (PostgreSQL, threads with their own connections): one bed
never holds two residents and one elder never occupies two beds.

A transactional test flushes the database afterwards, which removes the divisions the session loaded
for every later test in this worker; the module fixture below loads them again once this module ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from eldercare.core.services import DIVISIONS_DIR, divisions_import, read_division_rows

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers on one database lock, so it cannot show the race",
)


@pytest.fixture(scope="module", autouse=True)
def _reload_divisions_after_flush(django_db_blocker: Any) -> Iterator[None]:
    yield
    from eldercare.core.models import Division

    with django_db_blocker.unblock():
        if not Division.objects.exists():
            national = (
                r
                for r in read_division_rows(DIVISIONS_DIR / "national.csv.gz")
                if r["code"][:2] in ("42", "44")
            )
            divisions_import(rows=national, source="test")
            for city in ("4201", "4407"):
                divisions_import(
                    rows=read_division_rows(DIVISIONS_DIR / f"communities_{city}.csv.gz"), source="test"
                )


def _division_chain() -> Any:
    from eldercare.core.models import Division

    for code, level, parent in [
        ("44", 1, None),
        ("4407", 2, "44"),
        ("440703", 3, "4407"),
        ("440703001", 4, "440703"),
        ("440703001001", 5, "440703001"),
    ]:
        Division.objects.get_or_create(
            code=code, defaults={"name": code, "level": level, "parent_id": parent}
        )
    return Division.objects.get(code="440703001001")


def _race(calls: list[Callable[[], None]]) -> list[str]:
    from eldercare.core.exceptions import ConflictError

    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], None]) -> None:
        try:
            barrier.wait()
            call()
            result = "admitted"
        except ConflictError as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("elders", [2, 6])
def test_several_elders_racing_for_one_bed_leave_exactly_one_in_it(elders: int) -> None:
    from eldercare.core.tests.factories import ElderFactory, OrganisationFactory
    from eldercare.facilities.models import Bed, Residency
    from eldercare.facilities.services import resident_admit
    from eldercare.facilities.tests.factories import make_facility

    # given one free bed (committed) and several elders
    community = _division_chain()
    facility = make_facility(
        division=community, operator=OrganisationFactory(division=community), beds={"nursing": 1}
    )
    bed = facility.beds.get()
    people = [ElderFactory(residence_division=community) for _ in range(elders)]
    # when all are admitted to it at once, each in its own connection and transaction
    outcomes = _race(
        [lambda e=e: resident_admit(bed=Bed.objects.get(pk=bed.pk), elder=e, actor=None) for e in people]
    )
    # then exactly one is admitted and the others are told the bed is taken
    assert sorted(outcomes) == ["admitted"] + ["bed_not_free"] * (elders - 1)
    assert Residency.objects.filter(bed=bed, ended_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("beds", [2, 6])
def test_one_elder_admitted_to_several_beds_at_once_occupies_exactly_one(beds: int) -> None:
    from eldercare.core.tests.factories import ElderFactory, OrganisationFactory
    from eldercare.facilities.models import Bed, Residency
    from eldercare.facilities.services import resident_admit
    from eldercare.facilities.tests.factories import make_facility

    # given several free beds (each locked separately) and one elder
    community = _division_chain()
    facility = make_facility(
        division=community, operator=OrganisationFactory(division=community), beds={"nursing": beds}
    )
    elder = ElderFactory(residence_division=community)
    bed_ids = list(facility.beds.values_list("id", flat=True))
    # when the elder is admitted to all of them at the same moment
    outcomes = _race(
        [lambda b=b: resident_admit(bed=Bed.objects.get(pk=b), elder=elder, actor=None) for b in bed_ids]
    )
    # then the database lets exactly one stay commit
    assert sorted(outcomes) == ["admitted"] + ["elder_already_resident"] * (beds - 1)
    assert Residency.objects.filter(elder=elder, ended_at__isnull=True).count() == 1
    assert Bed.objects.filter(facility=facility, state="occupied").count() == 1
