"""Run every benchmark module in bench/ that defines `run(scale)`, or the ones named on the command line,
and print one table (benchmark, ours, baseline, ratio, goal, met); writes bench/results/summary-<date>.json.

    python -m bench                       # scale 1: the issue's city figures
    python -m bench --scale 0.01          # the CI smoke run
    python -m bench --scale 0.05 registry_import benefits_settlement

A module that fails is reported as a failed row and the exit status is 1; the others still run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench._protocol import Row, table

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def machine() -> dict[str, object]:
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kib / 2**20, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def run_module(name: str, scale: float) -> tuple[list[Row], float, str]:
    """Each module in its own process (Django is set up once per process) with a database of its own:
    BENCH_DATABASE_PREFIX + "_" + module name."""
    code = (
        f"import json, sys; from bench import {name} as m; "
        f"rows = m.run({scale!r}); "
        "print('@@ROWS@@' + json.dumps([r.as_dict() for r in rows], ensure_ascii=False, default=str))"
    )
    env = {**os.environ, "BENCH_DATABASE_URL": f"{_prefix()}_{name}"}  # a database per module
    start = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code], cwd=HERE.parent, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    sys.stdout.write(proc.stdout.split("@@ROWS@@")[0])
    rows: list[Row] = []
    if proc.returncode == 0 and "@@ROWS@@" in proc.stdout:
        for d in json.loads(proc.stdout.split("@@ROWS@@")[-1]):
            d.pop("ratio", None)
            rows.append(Row(**d))
        return rows, elapsed, ""
    sys.stdout.write(proc.stderr[-3000:])
    return [], elapsed, (proc.stderr.strip().splitlines() or ["no output"])[-1]


def _prefix() -> str:
    return os.environ.get("BENCH_DATABASE_PREFIX", "postgres://postgres@127.0.0.1:5432/eldercare_bench")


def _migrate_template() -> None:
    """Migrate one template database; each module's database is created as a copy of it."""
    url = f"{_prefix()}_template"
    os.environ["BENCH_TEMPLATE_DB"] = url.rsplit("/", 1)[-1]
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from bench import _django; _django.setup()"],
        cwd=HERE.parent,
        env={**os.environ, "BENCH_DATABASE_URL": url, "BENCH_TEMPLATE_DB": ""},
        check=True,
    )
    print(f"== template database migrated in {time.perf_counter() - start:.1f} s", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    names = args.names or sorted(
        m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_")
    )
    _migrate_template()
    all_rows: list[Row] = []
    tagged: list[dict[str, object]] = []
    modules: dict[str, dict[str, object]] = {}
    failed = 0
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except Exception:
            traceback.print_exc()
            failed += 1
            continue
        if not callable(getattr(module, "run", None)):
            continue
        print(f"== bench.{name} (scale {args.scale})", flush=True)
        rows, seconds, error = run_module(name, args.scale)
        modules[name] = {"seconds": round(seconds, 1), "error": error, "scale": args.scale}
        if error:
            failed += 1
            rows = [Row(f"{name}: FAILED ({error[:60]})", None, None, "", "runs", False)]
        all_rows.extend(rows)
        tagged.extend({**r.as_dict(), "module": name, "scale": args.scale} for r in rows)
        print(f"   {name}: {seconds:.1f} s", flush=True)
    print()
    m = machine()
    print(f"== summary (scale {args.scale}; {m['cores']} cores, {m['ram_gib']} GiB RAM)")
    print(table(all_rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"summary-{datetime.now(UTC).date().isoformat()}.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    # rows of this run replace the earlier rows of the same modules; the others are kept, so running the
    # benchmarks one at a time builds up the day's summary
    kept = [r for r in previous.get("rows", []) if r.get("module") not in modules]
    summary = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": m,
        "modules": {**previous.get("modules", {}), **modules},
        "rows": kept + tagged,
    }
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
