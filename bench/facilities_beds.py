"""Facilities at Wuhan scale: the bed roll-up and rating-coverage indicators over 2,855 facilities and
100,000 beds, the public list, and the waitlist position rule over a long queue. Baseline in the same run:
a plain COUNT(*) over the bed table, and a plain sort of the queue.

    python -m bench.facilities_beds            # BENCH_DATABASE_URL (default …/eldercare_bench_facilities)

Prints a table and writes bench/results/facilities_beds.json.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._protocol import Row, main_for, scaled

RESULTS = Path(__file__).resolve().parent / "results"
FACILITIES, BEDS, INSTITUTIONS = 2855, 100_000, 275


def _fixtures() -> None:
    from eldercare.core.models import Division, Organisation
    from eldercare.core.services import DIVISIONS_DIR, divisions_import, read_division_rows
    from eldercare.facilities.models import Bed, Facility, Rating
    from eldercare.facilities.services import rating_sheets_load

    if not Division.objects.filter(code__startswith="4201", level=5).exists():
        divisions_import(
            rows=(r for r in read_division_rows(DIVISIONS_DIR / "national.csv.gz") if r["code"][:2] == "42"),
            source="bench",
        )
        divisions_import(rows=read_division_rows(DIVISIONS_DIR / "communities_4201.csv.gz"), source="bench")
    if Facility.objects.filter(name__startswith="BENCH").count() == FACILITIES:
        return
    Rating.objects.filter(facility__name__startswith="BENCH").delete()
    Bed.objects.filter(facility__name__startswith="BENCH").delete()
    Facility.objects.filter(name__startswith="BENCH").delete()
    rng = random.Random(1)
    communities = list(
        Division.objects.filter(code__startswith="4201", level=5).values_list("code", flat=True)
    )
    org = Organisation.objects.get_or_create(
        name="BENCH运营", kind="institution", defaults={"division_id": "4201"}
    )[0]
    facilities = Facility.objects.bulk_create(
        [
            Facility(
                name=f"BENCH{n}",
                kind="institution" if n < INSTITUTIONS else "day_care",
                ownership="public",
                operator=org,
                division_id=rng.choice(communities),
                status="operating",
                publicly_listed=True,
                opened_on=date(2015, 1, 1),
            )
            for n in range(FACILITIES)
        ],
        batch_size=5000,
    )
    per = BEDS // INSTITUTIONS
    beds = [
        Bed(
            facility=f,
            room=str(i // 3),
            number=str(i % 3),
            bed_type="nursing" if i < per * 0.65 else "dementia" if i < per * 0.67 else "ordinary",
            in_service_from=date(2020, 1, 1),
        )
        for f in facilities[:INSTITUTIONS]
        for i in range(per)
    ]
    Bed.objects.bulk_create(beds, batch_size=10_000)
    sheet = rating_sheets_load()
    Rating.objects.bulk_create(
        [
            Rating(
                facility=f,
                sheet=sheet,
                status="published",
                stars=rng.randint(1, 5),
                valid_from=date(2024, 1, 1),
                valid_until=date(2026, 12, 31),
            )
            for f in facilities[: INSTITUTIONS // 2]
        ]
    )


def _timed(fn: Any, repeat: int = 5) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000, result


def measure() -> list[tuple[str, float]]:
    os.environ.setdefault(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eldercare_bench_facilities"
    )
    from bench._django import setup

    setup()
    from django.db import connection

    from eldercare.facilities import rules, selectors

    _fixtures()
    on = date(2025, 6, 30)

    def count_all() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM facilities_bed")
            return int(cursor.fetchone()[0])

    rows: list[tuple[str, float]] = []
    base, n_beds = _timed(count_all)
    rows.append((f"baseline: SELECT count(*) over {n_beds:,} beds", base))
    ms, counts = _timed(lambda: selectors.bed_counts("4201", on))
    rows.append((f"bed_counts(city): {counts.total:,} beds, nursing share {counts.nursing_share:.3f}", ms))
    ms, children = _timed(lambda: selectors.bed_counts_by_child_division("4201", on))
    rows.append((f"bed_counts_by_child_division(city): {len(children)} districts", ms))
    ms, cov = _timed(lambda: selectors.rating_coverage("4201", on))
    rows.append((f"rating_coverage(city): {cov.rated}/{cov.institutions}", ms))
    ms, public = _timed(lambda: selectors.public_facilities(division_code="4201", on=on), repeat=3)
    rows.append((f"public_facilities(city): {len(public):,} rows", ms))
    rng = random.Random(2)
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    queue = [
        rules.Entry(i, rng.randint(1, 4), t0 + timedelta(minutes=rng.randint(0, 500_000)))
        for i in range(10_000)
    ]
    base_sort, _ = _timed(lambda: sorted(queue, key=lambda e: (e.rank, e.applied_at, e.application_id)))
    rows.append(("baseline: sort a queue of 10,000 applications", base_sort))
    ms, _ = _timed(lambda: rules.waitlist_position(9_999, queue))
    rows.append(("rules.waitlist_position in a queue of 10,000 (with reasons)", ms))
    print(f"{'measure':<75} {'ms':>9}")
    for name, value in rows:
        print(f"{name:<75} {value:>9.1f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "facilities_beds.json").write_text(
        json.dumps({"facilities": FACILITIES, "beds": n_beds, "rows": rows}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    return rows


def run(scale: float = 1.0) -> list[Row]:
    """Scale 1: 2,855 facilities, 100,000 beds (Wuhan's plan); goal: every roll-up under 500 ms."""
    global FACILITIES, BEDS, INSTITUTIONS
    FACILITIES, BEDS, INSTITUTIONS = (
        scaled(2855, scale, 30),
        scaled(100_000, scale, 300),
        scaled(275, scale, 3),
    )
    rows = measure()
    count_ms, sort_ms = rows[0][1], rows[5][1]
    out = []
    for label, ms in rows[1:5]:
        out.append(
            Row(label, ms, count_ms, "ms", "< 500 ms", ms < 500, note="baseline: SELECT count(*) of beds")
        )
    out.append(Row(rows[6][0], rows[6][1], sort_ms, "ms", "< 100 ms", rows[6][1] < 100))
    return out


if __name__ == "__main__":
    import sys

    if "--scale" in sys.argv:
        main_for(run, sys.argv[1:])
    else:
        measure()
