"""PostgreSQL: 1,000 concurrent transfers and spends from the same accounts, each thread with its own
connection and real transactions. No balance goes negative, no unit is lost or duplicated, and the
ledger invariant holds. (SQLite serialises writers, so the test means nothing there: skipped.)"""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from eldercare.core.exceptions import DomainError
from eldercare.core.services import DIVISIONS_DIR, divisions_import, read_division_rows
from eldercare.timebank import services
from eldercare.timebank.choices import ReservationStatus
from eldercare.timebank.models import Account, Reservation
from eldercare.timebank.selectors import ledger_invariant
from eldercare.timebank.tests.factories import make_elder, make_request, make_volunteer

THREADS = 25
OPERATIONS = 1000
FUNDING = 2000  # minutes per volunteer
MODEL_PROVINCES = ("42", "44")  # as the root conftest loads them


def reload_divisions() -> None:
    """What conftest loads once per run; a transactional test's flush removed it."""
    national = (
        r for r in read_division_rows(DIVISIONS_DIR / "national.csv.gz") if r["code"][:2] in MODEL_PROVINCES
    )
    divisions_import(rows=national, source="test")
    for city in ("4201", "4407"):
        divisions_import(rows=read_division_rows(DIVISIONS_DIR / f"communities_{city}.csv.gz"), source="test")


@pytest.fixture
def restore_divisions_after(django_db_blocker: Any) -> Iterator[None]:
    """Requested before `transactional_db`, so its teardown runs after the flush and reloads the
    divisions the rest of the suite (in this worker) expects."""
    yield
    with django_db_blocker.unblock():
        reload_divisions()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks; SQLite serialises writers"
)
def test_concurrent_transfers_and_spends_keep_the_ledger_sound(
    restore_divisions_after: None, transactional_db: None
) -> None:
    # given two funded volunteers, two elders who are their confirmed parents, and spend requests
    rng = random.Random(11)
    volunteers = [make_volunteer() for _ in range(2)]
    elders = [make_elder(birth_date=date(1940, 1, 1)) for _ in range(2)]
    for v in volunteers:
        services.deposit(volunteer=v, minutes=FUNDING, actor=None)
        for e in elders:
            services.relative_confirm(volunteer=v, elder=e, relation="parent", actor=None)
    payers = [services.elder_account(e) for e in elders]
    services.hold_account("4407")
    services.issuance_account("4407")
    plan: list[tuple[str, int, int, Any]] = []
    for i in range(OPERATIONS):
        if i % 2 == 0:
            plan.append(("transfer", rng.randrange(2), rng.randrange(2), rng.randint(1, 10)))
        else:
            e = rng.randrange(2)
            request = make_request(elder=elders[e], payer=payers[e], minutes=rng.randint(1, 10))
            plan.append(("spend" if i % 8 != 1 else "cancel", 0, e, request))
    rng.shuffle(plan)
    giver_out: Counter[int] = Counter()
    elder_in: Counter[int] = Counter()
    spent: Counter[int] = Counter()
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    helper = make_volunteer()

    def work(chunk: list[tuple[str, int, int, Any]]) -> None:
        local: dict[str, Any] = defaultdict(Counter)
        try:
            barrier.wait()
            for op, v, e, arg in chunk:
                try:
                    if op == "transfer":
                        services.transfer(
                            giver=volunteers[v],
                            receiver=elders[e],
                            minutes=arg,
                            actor=None,
                            relation="parent",
                        )
                        local["out"][v] += arg
                        local["in"][e] += arg
                    else:
                        services.request_take(request=arg, volunteer=helper, actor=None)
                        if op == "spend":
                            services.settle(request=arg, cost_minutes=arg.planned_minutes, actor=None)
                            local["spent"][e] += arg.planned_minutes
                        else:
                            services.request_cancel(request=arg, actor=None, reason="concurrency test")
                    local["ok"][op] += 1
                except DomainError as exc:
                    local["refused"][exc.code] += 1
        except BaseException as exc:  # a deadlock or any other failure fails the test below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()
            with lock:
                giver_out.update(local["out"])
                elder_in.update(local["in"])
                spent.update(local["spent"])
                outcomes.update({f"ok:{k}": n for k, n in local["ok"].items()})
                outcomes.update({f"refused:{k}": n for k, n in local["refused"].items()})

    # when 25 threads run the 1,000 operations at once
    threads = [threading.Thread(target=work, args=(plan[i::THREADS],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then nothing failed unexpectedly, the guard refused some spends, and every unit is accounted for
    assert errors == []
    assert sum(outcomes.values()) == OPERATIONS
    assert outcomes["refused:timebank_insufficient_balance"] > 0, outcomes
    for i, v in enumerate(volunteers):
        assert Account.objects.get(volunteer=v).balance_minutes == FUNDING - giver_out[i]
    for i, payer in enumerate(payers):
        payer.refresh_from_db()
        assert payer.balance_minutes == elder_in[i] - spent[i]
    assert not Account.objects.filter(balance_minutes__lt=0, kind__in=["volunteer", "elder"]).exists()
    assert services.hold_account("4407").balance_minutes == 0
    assert not Reservation.objects.filter(status=ReservationStatus.HELD).exists()
    report = ledger_invariant()
    assert report.ok, report
    assert report.spends == sum(spent.values())
    assert report.deposits == 2 * FUNDING
