"""Two operators take the same alarm at the same moment: exactly one succeeds (PostgreSQL, real
transactions in threads).

A transactional test flushes the database afterwards, which removes the divisions the session loaded
for every later test in this worker; the module fixture below loads them again once this module ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
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


def _division_chain() -> None:
    """The few divisions this test needs (an earlier transactional test may have flushed them)."""
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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operators", [2, 8])
def test_exactly_one_of_several_concurrent_operators_takes_the_alarm(operators: int) -> None:
    from eldercare.accounts.roles import Role
    from eldercare.core.exceptions import ConflictError
    from eldercare.core.tests.factories import ElderFactory, UserFactory, division
    from eldercare.emergency.models import Alarm
    from eldercare.emergency.services import alarm_take
    from eldercare.emergency.tests.factories import make_alarm, make_device

    # given a new alarm (committed) and several operators
    _division_chain()
    elder = ElderFactory(residence_division=division("440703001001"))
    alarm = make_alarm(make_device(elder))
    users = [UserFactory(role=Role.EMERGENCY_OPERATOR, username=f"race{i}") for i in range(operators)]
    barrier = threading.Barrier(operators)
    outcomes: list[str] = []
    lock = threading.Lock()

    def take(user: Any) -> None:
        try:
            barrier.wait()
            alarm_take(alarm=Alarm.objects.get(pk=alarm.pk), actor=user)
            result = "won"
        except ConflictError:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    # when they all press "take" at once, each in its own connection and transaction
    threads = [threading.Thread(target=take, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then exactly one wins, the others are told it is taken, and the row names the winner
    assert sorted(outcomes) == ["conflict"] * (operators - 1) + ["won"]
    alarm.refresh_from_db()
    assert alarm.status == "taken"
    assert alarm.taken_by_id in {u.pk for u in users}
    assert alarm.events.filter(kind="taken").count() == 1
