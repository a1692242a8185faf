"""Assessment benchmarks: scoring throughput, and the demo step and statistics at city scale.

Run: `.venv/bin/python -m bench.assessment_bench [--scale 0.05]` (--scale here is the demo city's own scale;
`python -m bench --scale S assessment_bench` uses 0.05 × S). Its own database (BENCH_DATABASE_URL, default
…/eldercare_bench_assessment), loaded with divisions, profiles and instruments when empty. Prints a table
against a baseline measured in the same run and writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from bench._protocol import Row, main_for


def main(argv: list[str] | None = None) -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--city", default="jiangmen")
    args = parser.parse_args(argv)
    os.environ.setdefault(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eldercare_bench_assessment"
    )
    from bench._django import setup

    setup()  # its own database, never the development one
    from django.core.management import call_command

    from eldercare.assessment.models import Instrument
    from eldercare.core.models import Division

    if not Division.objects.exists():
        call_command("load_divisions", verbosity=0)
        call_command("load_profiles", verbosity=0)
    if not Instrument.objects.exists():
        call_command("load_instruments", verbosity=0)
    from eldercare.assessment import demo, instruments, rules, selectors
    from eldercare.core.scope import DataScope
    from eldercare.demo.services import build_demo_city
    from eldercare.registry.models import Elder

    inst = instruments.parse_instrument(instruments.shipped_definitions()[0])
    rng = random.Random(1)
    forms = [demo.answers_for_total(rng, inst, rng.randint(0, 90)) for _ in range(20_000)]
    facts = rules.HealthFacts(diagnoses=("F03",), risk_events={"fall": 2})
    t = time.perf_counter()
    baseline_total = sum(sum(a.values()) for a in forms)
    baseline = time.perf_counter() - t
    t = time.perf_counter()
    scored = [rules.score(inst, a, facts) for a in forms]
    scoring = time.perf_counter() - t
    if sum(r.total for r in scored) != baseline_total:
        raise SystemExit("scoring disagrees with the plain sum")

    from django.utils import timezone

    today = timezone.localdate()
    t = time.perf_counter()
    build_demo_city(city_key=args.city, scale=args.scale, seed=1, today=today, reset=True)
    build = time.perf_counter() - t
    elders = Elder.objects.count()
    t = time.perf_counter()
    stats = selectors.assessment_statistics(scope=DataScope.everything(), on=today)
    statistics = time.perf_counter() - t
    t = time.perf_counter()
    ids = list(Elder.objects.values_list("id", flat=True)[:10_000])
    levels = selectors.current_levels(ids, on=today)
    lookup = time.perf_counter() - t

    rows: list[tuple[str, float, str]] = [
        ("baseline: sum 20,000 answer dicts", baseline * 1000, "ms"),
        ("rules.score × 20,000 (with adjustments)", scoring * 1000, "ms"),
        ("per score", scoring / len(forms) * 1e6, "µs"),
        (f"demo city {args.city} scale {args.scale} ({elders:,} elders, all steps)", build, "s"),
        (f"assessment_statistics over {stats.assessed:,} results", statistics * 1000, "ms"),
        (f"current_levels for {len(ids):,} elders ({len(levels):,} assessed)", lookup * 1000, "ms"),
    ]
    print(f"{'measure':<70} {'value':>10}")
    for name, value, unit in rows:
        print(f"{name:<70} {value:>9.1f} {unit}")
    out = Path(__file__).resolve().parent / "results" / f"assessment-{today.isoformat()}.json"
    result: dict[str, Any] = {
        "city": args.city,
        "scale": args.scale,
        "elders": elders,
        "assessed": stats.assessed,
        "share_assessed": round(stats.share_assessed, 4),
        "share_expired": round(stats.share_expired, 4),
        "by_level": stats.by_level,
        "measures": [{"name": n, "value": round(v, 3), "unit": u} for n, v, u in rows],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out}")
    return rows


def run(scale: float = 1.0) -> list[Row]:
    """The demo city at `scale` × 0.05 of Jiangmen (the assessment issue's figure) and 20,000 scorings."""
    rows = main(["--scale", str(max(0.0005, 0.05 * scale))])
    return [
        Row(
            "assessment: rules.score × 20,000",
            rows[1][1],
            rows[0][1],
            "ms",
            "< 5 s",
            rows[1][1] < 5000,
            note="baseline: summing the answers",
        ),
        Row(rows[3][0], rows[3][1], None, "s", "", None),
        Row(rows[4][0], rows[4][1], None, "ms", "< 500 ms", rows[4][1] < 500),
        Row(rows[5][0], rows[5][1], None, "ms", "< 500 ms", rows[5][1] < 500),
    ]


if __name__ == "__main__":
    import sys

    if "--bench-scale" in sys.argv:
        main_for(run, ["--scale", sys.argv[sys.argv.index("--bench-scale") + 1]])
    else:
        main()
