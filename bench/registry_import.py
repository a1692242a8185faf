"""Import of N elders from a 户籍 CSV (registry.services.import_file) against a plain PostgreSQL COPY of
the same file into a plain table, measured in the same run. Prints a table, writes
bench/results/registry_import.json.

    python -m bench.registry_import --rows 1000000      # default; BENCH_ROWS works too
    python -m bench.registry_import --rows 50000 --rerun

The import does everything the product does per row: GB 11643 validation, community and scope check,
keyed lookup hashes, Fernet encryption of ID number, phone and address, masked forms, pinyin initials,
the special-difficulty rule, matching by ID hash, bulk insert. COPY only parses and stores text.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench._protocol import Row, main_for, scaled

RESULTS = Path(__file__).resolve().parent / "results"
HEADER = "姓名,身份证号,出生日期,民族,户籍地区划代码,居住社区代码,住址,联系电话,居住状况\n"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉珍凤兰"
LIVING = ["独居", "空巢", "与子女同住", "其他", "留守"]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def write_csv(path: Path, rows: int, communities: list[str], seed: int = 1) -> None:
    from eldercare.core.ids import make_resident_id

    rng = random.Random(seed)
    used: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        written = 0
        while written < rows:
            community = rng.choice(communities)
            birth = date(rng.randint(1915, 1965), rng.randint(1, 12), rng.randint(1, 28))
            number = make_resident_id(community[:6], birth, rng.randint(0, 999))
            if number in used:
                continue
            used.add(number)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            phone = f"13{rng.randint(0, 999999999):09d}"
            handle.write(
                f"{name},{number},{birth.isoformat()},汉,{community[:6]},{community},"
                f"某路{rng.randint(1, 999)}号,{phone},{rng.choice(LIVING)}\n"
            )
            written += 1


def copy_baseline(path: Path) -> float:
    """COPY the same CSV into a plain table with one text column per field (no index, no checks)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_elders")
        cursor.execute(
            "CREATE TABLE bench_copy_elders (name text, id_number text, birth_date date, ethnicity text, "
            "hukou text, community text, address text, phone text, living text)"
        )
    start = time.perf_counter()
    with connection.cursor() as cursor, path.open("rb") as handle:
        raw = cursor.cursor
        with raw.copy("COPY bench_copy_elders FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_elders")
    return elapsed


def crypto_floor(path: Path) -> float:
    """Only what privacy requires of every row: Fernet-encrypt ID number, phone and address and compute the
    keyed lookup hashes (ID number, phone, name + birth, household) with the product's own functions —
    no parsing rules, no model, no database. No import can be faster than this in one process."""
    import csv

    from eldercare.core.crypto import encrypt, lookup_hash

    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for field in ("身份证号", "联系电话", "住址"):
                encrypt(row[field])
            lookup_hash(row["身份证号"])
            lookup_hash(row["联系电话"])
            lookup_hash(row["姓名"] + row["出生日期"])
            lookup_hash(row["住址"])
    return time.perf_counter() - start


def reset_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE registry_elderchange, registry_reviewitem, registry_lifeevent, "
                "registry_eldergroupmembership, registry_eldercontact, registry_elderconsent, "
                "registry_duplicatecandidate, registry_elder, registry_importbatch CASCADE"
            )
        else:
            from eldercare.registry.models import Elder, ImportBatch

            Elder.objects.all().delete()
            ImportBatch.objects.all().delete()


def ensure_divisions() -> list[str]:
    from eldercare.core.models import Division, DivisionLevel
    from eldercare.core.services import DIVISIONS_DIR, divisions_import, read_division_rows

    if not Division.objects.filter(code__startswith="4407", level=DivisionLevel.COMMUNITY).exists():
        national = (r for r in read_division_rows(DIVISIONS_DIR / "national.csv.gz") if r["code"][:2] == "44")
        divisions_import(rows=national, source="bench")
        divisions_import(rows=read_division_rows(DIVISIONS_DIR / "communities_4407.csv.gz"), source="bench")
    return list(
        Division.objects.filter(code__startswith="4407", level=DivisionLevel.COMMUNITY).values_list(
            "code", flat=True
        )
    )


def measure(rows: int | None = None, rerun: bool | None = None) -> dict[str, object]:
    rows = rows or int(os.environ.get("BENCH_ROWS", "1000000"))
    rerun = bool(os.environ.get("BENCH_RERUN")) if rerun is None else rerun
    from bench._django import setup

    url = setup()
    from django.db import connection

    from eldercare.core.scope import DataScope
    from eldercare.registry.services import import_file

    communities = ensure_divisions()
    results: dict[str, object] = {
        "benchmark": "registry_import",
        "rows": rows,
        "database": connection.vendor,
        "database_version": connection.cursor().connection.info.server_version
        if connection.vendor == "postgresql"
        else "",
        "python": sys.version.split()[0],
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hukou.csv"
        start = time.perf_counter()
        write_csv(path, rows, communities)
        results["generate_s"] = round(time.perf_counter() - start, 2)
        results["file_mib"] = round(path.stat().st_size / 2**20, 1)
        if connection.vendor == "postgresql":
            copy_s = copy_baseline(path)
            results["copy_s"] = round(copy_s, 2)
            results["copy_rows_per_s"] = round(rows / copy_s)
        results["crypto_floor_s"] = round(crypto_floor(path), 2)
        reset_registry()
        rss_before = peak_rss_mib()
        start = time.perf_counter()
        batch = import_file(source="hukou", path=path, actor="bench", scope=DataScope.everything())
        import_s = time.perf_counter() - start
        results["import_s"] = round(import_s, 2)
        results["import_rows_per_s"] = round(rows / import_s)
        results["import_status"] = batch.status
        results["import_counts"] = batch.counts
        results["peak_rss_mib_before_import"] = round(rss_before, 1)
        results["peak_rss_mib"] = round(peak_rss_mib(), 1)
        if "copy_s" in results:
            results["import_vs_copy"] = round(import_s / float(results["copy_s"]), 1)  # type: ignore[arg-type]
            results["floor_vs_copy"] = round(float(results["crypto_floor_s"]) / float(results["copy_s"]), 1)  # type: ignore[arg-type]
        if rerun:
            start = time.perf_counter()
            again = import_file(source="hukou", path=path, actor="bench", scope=DataScope.everything())
            rerun_s = time.perf_counter() - start
            results["rerun_s"] = round(rerun_s, 2)
            results["rerun_rows_per_s"] = round(rows / rerun_s)
            results["rerun_counts"] = again.counts
            results["peak_rss_mib"] = round(peak_rss_mib(), 1)
    results["database_url"] = url.split("@")[-1]
    print_table(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "registry_import.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return results


def print_table(r: dict[str, object]) -> None:
    print(f"registry import of {r['rows']:,} elders from CSV ({r['file_mib']} MiB) on {r['database']}")
    print(f"{'step':<34}{'seconds':>10}{'rows/s':>12}")
    if "copy_s" in r:
        print(f"{'PostgreSQL COPY (baseline)':<34}{r['copy_s']:>10}{r['copy_rows_per_s']:>12,}")
    print(f"{'registry import (commit)':<34}{r['import_s']:>10}{r['import_rows_per_s']:>12,}")
    floor = float(r["crypto_floor_s"])  # type: ignore[arg-type]
    print(f"{'floor: encryption + hashes alone':<34}{floor:>10}{round(int(r['rows']) / floor):>12,}")  # type: ignore[call-overload]
    if "rerun_s" in r:
        print(f"{'same file again (no change)':<34}{r['rerun_s']:>10}{r['rerun_rows_per_s']:>12,}")
    if "import_vs_copy" in r:
        print(f"import / COPY time: {r['import_vs_copy']}x (goal: within 5x)")
        print(f"floor / COPY time: {r['floor_vs_copy']}x (the privacy work alone)")
    print(f"peak RSS of the process: {r['peak_rss_mib']} MiB (goal for 1 M rows: < 2048 MiB)")


def run(scale: float = 1.0) -> list[Row]:
    """Scale 1: 1,000,000 rows (the registry issue's figure); goals: within 5x COPY, < 2 GiB RSS."""
    r = measure(rows=scaled(1_000_000, scale, 1000), rerun=False)
    n = f"{int(r['rows']):,}"  # type: ignore[call-overload]
    ours = float(r["import_s"])  # type: ignore[arg-type]
    copy = float(r["copy_s"]) if "copy_s" in r else None  # type: ignore[arg-type]
    rss = float(r["peak_rss_mib"])  # type: ignore[arg-type]
    return [
        Row(
            f"registry import {n} rows (s)",
            ours,
            copy,
            "s",
            "≤ 5× COPY",
            None if copy is None else ours <= 5 * copy,
            extra={"rows_per_s": r["import_rows_per_s"]},
        ),
        Row(
            f"registry import {n} rows: floor (encryption + hashes alone)",
            float(r["crypto_floor_s"]),  # type: ignore[arg-type]
            copy,
            "s",
            "(reference)",
            None,
            note="Fernet × 3 fields + 4 HMACs per row, no parsing or database",
        ),
        Row(
            f"registry import {n} rows: peak RSS",
            rss,
            float(r["peak_rss_mib_before_import"]),  # type: ignore[arg-type]
            "MiB",
            "< 2048 MiB",
            rss < 2048,
            note="baseline: RSS before the import",
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--rerun", action="store_true", default=None)
    parser.add_argument("--scale", type=float, default=None)
    args = parser.parse_args()
    if args.scale is not None:
        main_for(run, ["--scale", str(args.scale)])
    else:
        measure(rows=args.rows, rerun=args.rerun)
