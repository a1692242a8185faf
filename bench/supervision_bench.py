"""Workforce and supervision at city scale: the 双随机 draw, the platform-wide blacklist check, and the
credit/risk ranking.

- draw: `supervision.rules.draw` over 3,000 organisations and 300 inspectors with 3,000 conflicts,
  drawing 300 targets × 2 inspectors; baseline: `random.Random(seed).sample` of the targets alone.
- blacklist: `workforce.selectors.worker_is_blacklisted` by ID-number hash among 20,000 workers and
  200 listings, 2,000 calls; baseline: the bare indexed `SELECT 1 … WHERE id_number_hash = %s LIMIT 1`.
- ranking: `supervision.selectors.credit_ranking` over 3,000 organisations with 6,000 inspections and
  their findings; baseline: one plain `COUNT(*)` per fact table.

Run: `.venv/bin/python -m bench.supervision_bench` (PostgreSQL from BENCH_DATABASE_URL, see README).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench._protocol import Row, main_for, scaled


def _timed(fn: Any, repeat: int = 1) -> tuple[float, Any]:
    t = time.perf_counter()
    result = None
    for _ in range(repeat):
        result = fn()
    return (time.perf_counter() - t) / repeat, result


def measure(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=20000)
    args = parser.parse_args(argv or [])
    from bench._django import setup

    setup()
    from django.db import connection

    from eldercare.core.ids import make_resident_id, mask_id_number
    from eldercare.core.models import Division, Organisation, OrganisationKind
    from eldercare.core.scope import DataScope
    from eldercare.supervision import rules, selectors
    from eldercare.supervision.models import ChecklistVersion, Finding, Inspection
    from eldercare.supervision.services import checklists_sync
    from eldercare.workforce.models import PunishmentListing, Worker
    from eldercare.workforce.selectors import hash_id_number, worker_is_blacklisted

    rows: list[tuple[str, float, str]] = []
    # --- the draw (pure) ---
    rng = random.Random(7)
    targets = tuple(range(1, args.organisations + 1))
    inspectors = tuple(range(10_000, 10_300))
    conflicts = frozenset((rng.choice(inspectors), rng.choice(targets)) for _ in range(3000))
    data = rules.DrawInput(
        seed="bench-seed",
        targets=targets,
        inspectors=inspectors,
        conflicts=conflicts,
        target_count=300,
        inspectors_per_target=2,
    )
    base, _ = _timed(lambda: random.Random("bench-seed").sample(targets, 300), repeat=20)
    drawn, result = _timed(lambda: rules.draw(data), repeat=20)
    again = rules.draw(data)
    assert result == again  # noqa: S101 - a bench sanity check
    rows += [
        ("baseline: Random(seed).sample 300 of 3,000", base * 1000, "ms"),
        ("rules.draw 300 targets × 2 of 300 inspectors, 3,000 conflicts", drawn * 1000, "ms"),
    ]

    # --- fixtures at city scale (synthetic division 99, bench only) ---
    province, _ = Division.objects.get_or_create(code="99", defaults={"name": "基准省", "level": 1})
    city, _ = Division.objects.get_or_create(
        code="9901", defaults={"name": "基准市", "level": 2, "parent": province}
    )
    district, _ = Division.objects.get_or_create(
        code="990101", defaults={"name": "基准区", "level": 3, "parent": city}
    )
    Finding.objects.filter(inspection__organisation__division=district).delete()
    Inspection.objects.filter(organisation__division=district).delete()
    PunishmentListing.objects.filter(division=district).delete()
    Worker.objects.filter(division=district).delete()
    Organisation.objects.filter(division=district).delete()
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"基准机构{i}",
                kind=OrganisationKind.INSTITUTION if i % 2 else OrganisationKind.PROVIDER,
                division=district,
            )
            for i in range(args.organisations)
        ]
    )
    numbers = [
        make_resident_id("990101", date(1970 + i % 30, 1 + i % 12, 1 + i % 28), i % 1000)
        for i in range(args.workers)
    ]
    numbers = list(dict.fromkeys(numbers))
    workers = Worker.objects.bulk_create(
        [
            Worker(
                name="基准",
                id_number=n,
                id_number_hash=hash_id_number(n),
                id_number_masked=mask_id_number(n),
                birth_date=date(1980, 1, 1),
                sex="F",
                category="nursing_worker",
                division=district,
            )
            for n in numbers
        ],
        batch_size=5000,
    )
    listed = rng.sample(workers, 200)
    PunishmentListing.objects.bulk_create(
        [
            PunishmentListing(
                worker=w,
                id_number_hash=w.id_number_hash,
                division=district,
                legal_basis="基准",
                reason="基准",
                starts_on=date(2024, 1, 1),
            )
            for w in listed
        ]
    )
    probes = [rng.choice(workers).id_number_hash for _ in range(2000)]

    def bare() -> None:
        with connection.cursor() as cursor:
            for h in probes:
                cursor.execute(
                    "SELECT 1 FROM workforce_punishmentlisting WHERE id_number_hash = %s LIMIT 1", [h]
                )
                cursor.fetchone()

    base, _ = _timed(bare)
    checked, _ = _timed(lambda: [worker_is_blacklisted(id_number_hash=h) for h in probes])
    rows += [
        ("baseline: bare indexed SELECT × 2,000", base * 1000, "ms"),
        (f"worker_is_blacklisted × 2,000 ({len(workers):,} workers, 200 listed)", checked * 1000, "ms"),
        ("per check", checked / len(probes) * 1e6, "µs"),
    ]

    # --- credit ranking ---
    checklists_sync()
    checklist = ChecklistVersion.objects.filter(code="gb38600").order_by("-version").first()
    done_on = date.today() - timedelta(days=30)  # noqa: DTZ011 - a calendar date for synthetic rows
    inspections = Inspection.objects.bulk_create(
        [
            Inspection(
                organisation=orgs[i % len(orgs)],
                checklist=checklist,
                scheduled_on=done_on,
                conducted_on=done_on - timedelta(days=i % 300),
                status="done",
                passed=i % 3 != 0,
                score=0.9,
            )
            for i in range(2 * len(orgs))
        ],
        batch_size=5000,
    )
    Finding.objects.bulk_create(
        [
            Finding(
                inspection=i,
                item_code="A2",
                description="基准",
                severity=rng.choice(["minor", "major", "critical"]),
            )
            for i in inspections
            if not i.passed
        ],
        batch_size=5000,
    )
    scope = DataScope(division_codes=("990101",))

    def counts() -> None:
        for model in (Organisation, Inspection, Finding, PunishmentListing):
            model.objects.count()

    base, _ = _timed(counts)
    ranked, ranking = _timed(lambda: selectors.credit_ranking(scope=scope, limit=args.organisations))
    rows += [
        ("baseline: 4 plain COUNT(*)", base * 1000, "ms"),
        (
            f"credit_ranking over {len(orgs):,} organisations, {len(inspections):,} inspections",
            ranked * 1000,
            "ms",
        ),
    ]

    print(f"{'measure':<75} {'value':>10}")
    for name, value, unit in rows:
        print(f"{name:<75} {value:>9.2f} {unit}")
    out = Path(__file__).resolve().parent / "results" / f"supervision-{date.today().isoformat()}.json"  # noqa: DTZ011
    out.parent.mkdir(parents=True, exist_ok=True)
    result_json = {
        "rows": [{"measure": n, "value": round(v, 3), "unit": u} for n, v, u in rows],
        "top_risk": ranking[0].credit.risk if ranking else None,
    }
    out.write_text(json.dumps(result_json, ensure_ascii=False, indent=2))
    print(f"wrote {out}")
    return result_json


def run(scale: float = 1.0) -> list[Row]:
    """Scale 1: 3,000 organisations (the draw always uses them), 20,000 workers. Issue 12 sets no goal;
    the suite's: the draw < 500 ms, a blacklist check < 10 ms, the credit ranking page query < 1 s."""
    r = measure(["--workers", str(scaled(20_000, scale, 500))])
    by = [(x["measure"], x["value"], x["unit"]) for x in r["rows"]]
    goals = {1: ("< 500 ms", 500.0), 3: ("< 10 ms per check (×2,000)", 20_000.0), 6: ("< 1000 ms", 1000.0)}
    out: list[Row] = []
    for b, o in ((0, 1), (2, 3), (5, 6)):  # (baseline, ours) pairs; row 4 is the per-check figure
        (_, base, unit), (label, ours, _) = by[b], by[o]
        goal, limit = goals[o]
        out.append(Row(f"supervision: {label}", ours, base, unit, goal, ours < limit))
    return out


if __name__ == "__main__":
    import sys

    if "--scale" in sys.argv:
        main_for(run, sys.argv[1:])
    else:
        measure(sys.argv[1:])
