"""Assessment benchmarks: scoring throughput, and the demo step and statistics at city scale.

Run: `DEBUG=true .venv/bin/python -m bench.assessment_bench [--scale 0.05]` (needs a migrated database with
divisions, profiles and instruments: `make demo` does that). Prints a table against a baseline measured in the
same run and writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--city", default="jiangmen")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eldercare.settings")
    import django

    django.setup()
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
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
