"""Time-bank transfers per second with concurrent clients on loopback PostgreSQL, against a bare
PostgreSQL `UPDATE … WHERE balance >= x` pair measured in the same run. Prints a table, writes
bench/results/timebank_transfers.json.

    python -m bench.timebank_transfers                       # 100 clients, 10 s each side
    python -m bench.timebank_transfers --clients 20 --seconds 3 --accounts 200

The product side calls `timebank.services.transfer` (policy lookup, row locks in primary-key order,
cap and balance rules, one transaction with two postings, cached balances, an audit row); each client
is a thread with its own database connection. The baseline does only what a bare balance table
needs: `UPDATE … SET balance = balance - x WHERE id = a AND balance >= x`, then the credit, in one
transaction. Both move random amounts between the same number of random giver/receiver pairs.

Clients are capped at the connections the server has free (max_connections minus those in use minus
a margin); the table says how many ran. Python threads share one interpreter (GIL), so the product
side measures the whole Python path, not only the database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench._protocol import Row, main_for, scaled

RESULTS = Path(__file__).resolve().parent / "results"
FUNDING = 600_000  # minutes per giver: enough that the run is not mostly refusals
NAME_PREFIX = "基准志愿者"
ELDER_PREFIX = "基准老人"


@dataclass
class Side:
    name: str
    clients: int
    seconds: float
    committed: int = 0
    refused: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.committed / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms) or [0.0]
        return {
            "name": self.name,
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "committed": self.committed,
            "refused": self.refused,
            "errors": self.errors,
            "transfers_per_second": round(self.per_second, 1),
            "p50_ms": round(statistics.median(lat), 2),
            "p95_ms": round(lat[int(len(lat) * 0.95) - 1 if len(lat) > 1 else 0], 2),
        }


def free_connections(margin: int = 8) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity)"
        )
        (free,) = cursor.fetchone()
    connection.close()
    return max(int(free) - margin, 1)


def ensure_divisions() -> None:
    from eldercare.core.models import Division
    from eldercare.core.services import DIVISIONS_DIR, divisions_import, read_division_rows

    if Division.objects.filter(code__startswith="4407", level=5).exists():
        return
    national = (r for r in read_division_rows(DIVISIONS_DIR / "national.csv.gz") if r["code"][:2] == "44")
    divisions_import(rows=national, source="bench")
    divisions_import(rows=read_division_rows(DIVISIONS_DIR / "communities_4407.csv.gz"), source="bench")


def ensure_accounts(n: int) -> tuple[list[Any], list[Any]]:
    """n funded volunteers and n elders (reused across runs), in real Jiangmen communities."""
    from eldercare.core.ids import make_resident_id
    from eldercare.core.models import Division
    from eldercare.registry.models import Elder
    from eldercare.registry.services import elder_build
    from eldercare.timebank import services
    from eldercare.timebank.models import Volunteer

    communities = list(Division.objects.filter(code__startswith="4407", level=5).order_by("code")[:50])
    volunteers = list(Volunteer.objects.filter(name__startswith=NAME_PREFIX).order_by("id")[:n])
    i = len(volunteers)
    while len(volunteers) < n:
        community = communities[i % len(communities)]
        birth = date(1980 + i % 20, 1 + i % 12, 1 + i % 28)
        number = make_resident_id(community.code[:6], birth, 500 + i % 499)
        i += 1
        try:
            volunteer = services.volunteer_register(
                name=f"{NAME_PREFIX}{i}", id_number=number, division=community, actor=None
            )
        except Exception:  # noqa: S112 - an ID already taken by a previous run: try the next one
            continue
        volunteers.append(volunteer)
    for volunteer in volunteers:
        account = services.volunteer_account(volunteer)
        if account.balance_minutes < FUNDING // 2:
            services.deposit(volunteer=volunteer, minutes=FUNDING - account.balance_minutes, actor=None)
    elders = list(Elder.objects.filter(name__startswith=ELDER_PREFIX).order_by("id")[:n])
    if len(elders) < n:
        batch, j = [], len(elders)
        taken = set(Elder.objects.values_list("id_number_hash", flat=True))
        while len(elders) + len(batch) < n:
            community = communities[j % len(communities)]
            birth = date(1930 + j % 30, 1 + j % 12, 1 + j % 28)
            number = make_resident_id(community.code[:6], birth, j % 997)
            j += 1
            elder = elder_build(
                name=f"{ELDER_PREFIX}{j}", id_number=number, sex="F" if int(number[16]) % 2 == 0 else "M",
                birth_date=birth, residence_division_id=community.code,
            )  # fmt: skip
            if elder.id_number_hash in taken:
                continue
            taken.add(elder.id_number_hash)
            batch.append(elder)
        Elder.objects.bulk_create(batch)
        elders = list(Elder.objects.filter(name__startswith=ELDER_PREFIX).order_by("id")[:n])
    for elder in elders:
        services.elder_account(elder)
    services.issuance_account("4407")
    return volunteers, elders


def run_threads(side: Side, work: Any, on_exit: Any = None) -> None:
    stop = time.monotonic() + side.seconds
    lock = threading.Lock()
    barrier = threading.Barrier(side.clients + 1)

    def client(seed: int) -> None:
        rng = random.Random(seed)
        local = Side(side.name, 1, side.seconds)
        barrier.wait()
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                ok = work(rng)
            except Exception:
                local.errors += 1
                continue
            local.latencies_ms.append((time.perf_counter() - started) * 1000)
            if ok:
                local.committed += 1
            else:
                local.refused += 1
        if on_exit is not None:
            on_exit()
        with lock:
            side.committed += local.committed
            side.refused += local.refused
            side.errors += local.errors
            side.latencies_ms.extend(local.latencies_ms)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(side.clients)]
    for t in threads:
        t.start()
    began = time.monotonic()
    barrier.wait()
    for t in threads:
        t.join()
    side.seconds = time.monotonic() - began


def product_side(clients: int, seconds: float, volunteers: list[Any], elders: list[Any]) -> Side:
    from django.db import connection

    from eldercare.core.exceptions import DomainError
    from eldercare.timebank import services

    side = Side("timebank.services.transfer", clients, seconds)

    def work(rng: random.Random) -> bool:
        try:
            services.transfer(
                giver=rng.choice(volunteers),
                receiver=rng.choice(elders),
                minutes=rng.randint(1, 5),
                actor=None,
                relation="child",
            )
        except DomainError:
            return False
        return True

    run_threads(side, work, on_exit=lambda: connection.close())  # each thread closes its own
    return side


def baseline_side(url: str, clients: int, seconds: float, n: int) -> Side:
    """The same movements on a bare two-column table: a guarded debit and a credit per transaction."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_tb_balance")
        conn.execute("CREATE TABLE bench_tb_balance (id integer PRIMARY KEY, balance bigint NOT NULL)")
        conn.execute(
            "INSERT INTO bench_tb_balance SELECT g, CASE WHEN g <= %s THEN %s ELSE 0 END "
            "FROM generate_series(1, %s) g",
            [n, FUNDING, 2 * n],
        )
    side = Side("bare UPDATE … WHERE balance >= x pair", clients, seconds)
    local = threading.local()

    def work(rng: random.Random) -> bool:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = psycopg.connect(url)
        giver, receiver, x = rng.randint(1, n), n + rng.randint(1, n), rng.randint(1, 5)
        with conn.transaction():
            debited = conn.execute(
                "UPDATE bench_tb_balance SET balance = balance - %s WHERE id = %s AND balance >= %s",
                [x, giver, x],
            ).rowcount
            if debited != 1:
                return False
            conn.execute("UPDATE bench_tb_balance SET balance = balance + %s WHERE id = %s", [x, receiver])
        return True

    def close() -> None:
        if getattr(local, "conn", None) is not None:
            local.conn.close()

    run_threads(side, work, on_exit=close)
    with psycopg.connect(url, autocommit=True) as conn:
        (total,) = conn.execute("SELECT sum(balance) FROM bench_tb_balance").fetchone()  # type: ignore[misc]
        conn.execute("DROP TABLE bench_tb_balance")
    if total != n * FUNDING:
        print(f"baseline lost or duplicated units: {total} != {n * FUNDING}")
        side.errors += 1
    return side


def measure(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", 100)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--accounts", type=int, default=int(os.environ.get("BENCH_ACCOUNTS", 1000)))
    args = parser.parse_args(argv if argv is not None else [])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import _django

    url = _django.setup()
    ensure_divisions()
    volunteers, elders = ensure_accounts(args.accounts)
    clients = min(args.clients, free_connections())
    if clients < args.clients:
        print(f"note: {args.clients} clients asked, {clients} fit in the server's free connections")
    product = product_side(clients, args.seconds, volunteers, elders)
    baseline = baseline_side(url, clients, args.seconds, args.accounts)
    from eldercare.timebank.selectors import ledger_invariant

    report = ledger_invariant()
    result = {
        "benchmark": "timebank_transfers",
        "accounts": args.accounts,
        "clients_asked": args.clients,
        "clients": clients,
        "product": product.summary(),
        "baseline": baseline.summary(),
        "ratio_product_to_baseline": round(product.per_second / baseline.per_second, 3)
        if baseline.per_second
        else None,
        "ledger_invariant_ok": report.ok,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    print(f"{'side':<42}{'clients':>8}{'tx/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'refused':>9}{'errors':>8}")
    for side in (product.summary(), baseline.summary()):
        print(
            f"{side['name']:<42}{side['clients']:>8}{side['transfers_per_second']:>10}"
            f"{side['p50_ms']:>9}{side['p95_ms']:>9}{side['refused']:>9}{side['errors']:>8}"
        )
    print(f"product / baseline: {result['ratio_product_to_baseline']}  ledger invariant ok: {report.ok}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "timebank_transfers.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def run(scale: float = 1.0) -> list[Row]:
    """Scale 1: 100 clients for 10 s over 1,000 accounts. The issue sets no throughput goal: the row is
    reported against the bare SQL, met = the ledger invariant holds and nothing failed."""
    seconds = 10 if scale >= 1 else max(2.0, 10 * scale)
    r = measure(
        [
            "--clients",
            str(scaled(100, scale, 4)),
            "--seconds",
            str(seconds),
            "--accounts",
            str(scaled(1000, scale, 50)),
        ]
    )
    p, b = r["product"], r["baseline"]
    ok = bool(r["ledger_invariant_ok"]) and p["errors"] == 0
    return [
        Row(
            f"time-bank transfers, {r['clients']} clients",
            p["transfers_per_second"],
            b["transfers_per_second"],
            "tx/s",
            "ledger balanced, 0 errors",
            ok,
            note="higher is better; no throughput goal in issue 11",
        ),
        Row("time-bank transfer p95 latency", p["p95_ms"], b["p95_ms"], "ms", "< 200 ms", p["p95_ms"] < 200),
    ]


if __name__ == "__main__":
    if "--scale" in sys.argv:
        main_for(run, sys.argv[1:])
    else:
        measure(sys.argv[1:])
