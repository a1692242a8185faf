"""Plan dashboards at city scale: request p95 and the full refresh on PostgreSQL, against DuckDB on Parquet.

    .venv/bin/python -m bench.planning_dashboard [--elders 200000] [--alarms 100000] [--requests 60]

Fills BENCH_DATABASE_URL (PostgreSQL, see bench/_django.py) with synthetic Wuhan elders (SQL
`generate_series`, spread over the 3,495 real communities) and a month of alarms, then measures:

- the full refresh of one month (`planning.services.refresh`: every key count and indicator, city +
  districts + streets) and its slowest steps;
- the city and district dashboard requests through the Django test client (p50/p95 of N requests; goal
  p95 < 200 ms), against the baseline of computing the same key counts live from the elder table (what a
  page would cost without the pre-aggregated tables);
- the same elder aggregates (age bands, status, special difficulty per community, rolled up to street,
  district and city) in DuckDB from a Parquet export of the same rows, and the export itself; the totals
  must agree.

With `--facilities` the 2,855 facilities and 100,000 beds of `bench.facilities_beds`, with `--orders N` the
N home-care orders of a year of `bench.homecare_orders` (300 providers, 100,000 more elders) are added;
`run()` (the suite) does both, at Wuhan's 10,000,000 orders at scale 1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench._protocol import Row, scaled
from bench._protocol import peak_rss_mib as _peak_rss_mib

CITY = "4201"


def _fill(elders: int, alarms: int, today: date) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM planning_indicatorvalue; DELETE FROM planning_keycount;")
        # the orders point at bench elders; this database is the benchmark's own
        cur.execute("TRUNCATE homecare_serviceorder CASCADE")
        cur.execute("DELETE FROM emergency_alarm WHERE event_id LIKE 'bench-%%'")
        cur.execute("DELETE FROM registry_elder WHERE id_number_hash LIKE 'bench-%%'")
        cur.execute(
            "CREATE TEMP TABLE bench_communities AS SELECT row_number() OVER (ORDER BY code) AS n, code "
            "FROM core_division WHERE code LIKE %s AND level = 5",
            [CITY + "%"],
        )
        cur.execute("SELECT count(*) FROM bench_communities")
        communities = cur.fetchone()[0]
        cur.execute(
            """
            INSERT INTO registry_elder (
                created_at, updated_at, name, id_number, id_number_hash, id_number_masked, sex, birth_date,
                residence_division_id, address, phone, phone_masked, living_situation, economic_status,
                status,
                deceased_on, name_initials, ethnicity, phone_hash, address_hash, economic_source,
                chronic_conditions, dementia_diagnosed, family_doctor_signed, special_difficulty,
                special_difficulty_reasons, special_difficulty_policy_version)
            SELECT now(), now(), 'bench', '', 'bench-' || i,
                '4201**********' || lpad((i %% 10000)::text, 4, '0'),
                CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END,
                %s::date - ((60 * 365) + ((i::bigint * 7919) %% (40 * 365))::int),  -- bigint: 2.3 M × 7919
                c.code, '', '', '',
                (ARRAY['alone','empty_nest','with_children','other','other'])[1 + i %% 5],
                (ARRAY['ordinary','ordinary','ordinary','dibao','tekun','dibian'])[1 + i %% 6],
                CASE WHEN i %% 50 = 0 THEN 'deceased' WHEN i %% 40 = 0 THEN 'in_institution'
                     ELSE 'active' END,
                CASE WHEN i %% 50 = 0 THEN %s::date - (i %% 400) ELSE NULL END,
                'b', '', '', '', '', '[]'::jsonb, false, false, (i %% 7 = 0), '[]'::jsonb, 0
            FROM generate_series(1, %s) AS i
            JOIN bench_communities c ON c.n = 1 + (i * 31) %% %s
            """,
            [today, today, elders, communities],
        )
        cur.execute(
            """
            INSERT INTO emergency_alarm (
                created_at, updated_at, event_id, division_id, kind, source, status, received_at, payload,
                taken_at, closed_at, outcome, outcome_note, escalation_level, policy_version_id,
                dispatch_target)
            SELECT now(), now(), 'bench-' || i, c.code,
                (ARRAY['sos','fall','sos','smoke','low_battery','test'])[1 + i %% 6], 'system', 'closed',
                date_trunc('month', now()) + ((i %% (24 * 20)) || ' hours')::interval, '{}'::jsonb,
                now(), now(), (ARRAY['phone','visit','false_alarm','ambulance'])[1 + i %% 4], '', 0, 0, ''
            FROM generate_series(1, %s) AS i
            JOIN bench_communities c ON c.n = 1 + (i * 17) %% %s
            """,
            [alarms, communities],
        )
        cur.execute("DROP TABLE bench_communities")
        cur.execute("ANALYZE registry_elder; ANALYZE emergency_alarm;")


def _timed_requests(client: Any, url: str, n: int) -> list[float]:
    client.get(url)  # warm-up (template compile, first queries)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def _duckdb(month_end: date, workdir: Path) -> dict[str, Any]:
    """Export the elder columns the aggregates read to Parquet, then compute the same counts in DuckDB."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.db import connection

    path = workdir / "elders.parquet"
    t = time.perf_counter()
    columns = [
        "residence_division_id",
        "birth_date",
        "status",
        "deceased_on",
        "status_changed_on",
        "special_difficulty",
        "living_situation",
    ]
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM registry_elder")  # noqa: S608 (fixed column list)
        writer = None
        while rows := cur.fetchmany(200_000):
            table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
        if writer is not None:
            writer.close()
    export = time.perf_counter() - t
    y60 = month_end.replace(year=month_end.year - 60)
    y70, y80, y90 = (month_end.replace(year=month_end.year - n) for n in (70, 80, 90))
    sql = f"""
        WITH present AS (
            SELECT * FROM read_parquet('{path}')
            WHERE birth_date <= DATE '{y60}' AND status <> 'merged'
              AND (status IN ('active', 'in_institution')
                   OR (status = 'deceased' AND deceased_on > DATE '{month_end}')
                   OR (status = 'moved_out' AND status_changed_on > DATE '{month_end}'))
        ),
        by_community AS (
            SELECT residence_division_id AS code, count(*) AS total,
                   count(*) FILTER (WHERE birth_date > DATE '{y70}') AS age_60_69,
                   count(*) FILTER (WHERE birth_date <= DATE '{y70}'
                                    AND birth_date > DATE '{y80}') AS age_70_79,
                   count(*) FILTER (WHERE birth_date <= DATE '{y80}'
                                    AND birth_date > DATE '{y90}') AS age_80_89,
                   count(*) FILTER (WHERE birth_date <= DATE '{y90}') AS age_90_plus,
                   count(*) FILTER (WHERE status = 'in_institution') AS in_institution,
                   count(*) FILTER (WHERE special_difficulty) AS special_difficulty,
                   count(*) FILTER (WHERE living_situation = 'alone') AS alone
            FROM present GROUP BY 1
        )
        SELECT left(code, n) AS division, sum(total), sum(age_60_69), sum(age_70_79), sum(age_80_89),
               sum(age_90_plus), sum(in_institution), sum(special_difficulty), sum(alone)
        FROM by_community, (VALUES (4), (6), (9)) AS levels(n) GROUP BY 1
    """  # noqa: S608 (dates and a temp path, no user input)
    t = time.perf_counter()
    rows = duckdb.sql(sql).fetchall()
    compute = time.perf_counter() - t
    return {
        "export_s": export,
        "compute_s": compute,
        "rows": {r[0]: r[1:] for r in rows},
        "bytes": path.stat().st_size,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=int(os.environ.get("BENCH_ELDERS", "200000")))
    parser.add_argument("--alarms", type=int, default=int(os.environ.get("BENCH_ALARMS", "100000")))
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--orders", type=int, default=int(os.environ.get("BENCH_ORDERS", "0")))
    parser.add_argument("--facilities", action="store_true", help="2,855 facilities, 100,000 beds")
    parser.add_argument("--skip-fill", action="store_true", help="reuse the rows of the previous run")
    args = parser.parse_args(argv)

    os.environ["CITY_PROFILE"] = "wuhan"
    from bench._django import setup

    url = setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from eldercare.accounts.models import User
    from eldercare.core.models import Division
    from eldercare.core.services import profile_load
    from eldercare.planning import rules, services
    from eldercare.planning.models import KeyCount
    from eldercare.registry.indicators import elder_key_counts

    if not Division.objects.filter(code__startswith=CITY, level=5).exists():
        call_command("load_divisions", verbosity=0)
    profile_load(code="wuhan")
    today = timezone.localdate()
    month = today.replace(day=1)
    t = time.perf_counter()
    if not args.skip_fill:
        _fill(args.elders, args.alarms, today)
    fill = time.perf_counter() - t
    t = time.perf_counter()
    if args.facilities:
        from bench.facilities_beds import _fixtures as facilities_fixtures

        facilities_fixtures()
    if args.orders and not args.skip_fill:
        from bench.homecare_orders import _ensure_data as homecare_orders

        homecare_orders(args.orders, city=CITY, profile="wuhan", where=(114.30, 30.59))
    fill_more = time.perf_counter() - t

    t = time.perf_counter()
    run = services.refresh(months=[month], trigger="bench", actor="bench")
    refresh = time.perf_counter() - t
    slowest = sorted(run.timings.items(), key=lambda kv: -kv[1])[:4]

    t = time.perf_counter()
    live = elder_key_counts(CITY, month, today)
    baseline_live = (time.perf_counter() - t) * 1000

    client = Client(HTTP_HOST="127.0.0.1")
    user, _ = User.objects.get_or_create(
        username="bench-city", defaults={"role": "city_admin", "division_id": CITY}
    )
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    district = "420106"
    city_ms = _timed_requests(client, f"/planning/d/{CITY}/", args.requests)
    district_ms = _timed_requests(client, f"/planning/d/{district}/", args.requests)

    # report generation: the city's monthly report as XLSX and PDF (WeasyPrint), time and peak memory
    from eldercare.core.models import Division as _Division
    from eldercare.planning import reports

    rss_before_report = _peak_rss_mib()
    t = time.perf_counter()
    data = reports.report_data(kind="monthly", division=_Division.objects.get(code=CITY), month=month)
    xlsx = reports.xlsx_bytes(data)
    xlsx_s = time.perf_counter() - t
    t = time.perf_counter()
    pdf = reports.pdf_bytes(data)
    pdf_s = time.perf_counter() - t
    rss_report = _peak_rss_mib()

    with tempfile.TemporaryDirectory() as tmp:
        duck = _duckdb(rules.month_end(month) if rules.month_end(month) <= today else today, Path(tmp))
    pg_city = KeyCount.objects.get(key="elders.total", division_id=CITY, month=month).value
    duck_city = duck["rows"][CITY][0]
    agree = int(pg_city) == int(duck_city) == sum(live["elders.total"].values())
    elders = sum(live["elders.total"].values())

    rows: list[tuple[str, float, str]] = [
        (f"fill: {args.elders:,} elders + {args.alarms:,} alarms (SQL generate_series)", fill, "s"),
        (
            f"fill: facilities {'2,855 + 100,000 beds' if args.facilities else 'none'}, "
            f"{args.orders:,} home-care orders of a year",
            fill_more,
            "s",
        ),
        (f"full refresh of one month ({run.rows:,} rows, city + districts + streets)", refresh, "s"),
        *((f"  step {name}", seconds, "s") for name, seconds in slowest),
        ("city dashboard p50", statistics.median(city_ms), "ms"),
        ("city dashboard p95 (goal < 200 ms)", _p95(city_ms), "ms"),
        ("district dashboard p50", statistics.median(district_ms), "ms"),
        ("district dashboard p95 (goal < 200 ms)", _p95(district_ms), "ms"),
        ("baseline: the elder key counts computed live from the elder table", baseline_live, "ms"),
        (
            f"DuckDB: Parquet export of the elder columns ({duck['bytes'] / 1e6:.1f} MB)",
            duck["export_s"],
            "s",
        ),
        (
            "DuckDB: same elder aggregates, rolled up (vs the refresh's registry step)",
            duck["compute_s"] * 1000,
            "ms",
        ),
        (
            f"totals agree (PostgreSQL {int(pg_city):,} = DuckDB {int(duck_city):,} = live {elders:,})",
            float(agree),
            "bool",
        ),
    ]
    print(f"{'measure':<96} {'value':>10}")
    for name, value, unit in rows:
        print(f"{name:<96} {value:>10.1f} {unit}")
    result = {
        "database": url.rsplit("@", 1)[-1],
        "elders_present": elders,
        "elders_inserted": args.elders,
        "alarms": args.alarms,
        "refresh_s": round(refresh, 3),
        "refresh_steps_s": run.timings,
        "city_p50_ms": round(statistics.median(city_ms), 1),
        "city_p95_ms": round(_p95(city_ms), 1),
        "district_p50_ms": round(statistics.median(district_ms), 1),
        "district_p95_ms": round(_p95(district_ms), 1),
        "baseline_live_key_counts_ms": round(baseline_live, 1),
        "duckdb_export_s": round(duck["export_s"], 3),
        "duckdb_compute_ms": round(duck["compute_s"] * 1000, 1),
        "totals_agree": agree,
        "report_xlsx_s": round(xlsx_s, 3),
        "report_pdf_s": round(pdf_s, 3),
        "report_bytes": len(xlsx) + len(pdf),
        "peak_rss_mib_before_report": round(rss_before_report, 1),
        "peak_rss_mib_report": round(rss_report, 1),
    }
    out = Path(__file__).resolve().parent / "results" / f"planning_dashboard-{today.isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written {out}")
    return result


def run(scale: float = 1.0) -> list[Row]:
    """Scale 1: Wuhan's 2,300,000 elders, 100,000 alarms, 60 requests; goal: dashboards p95 < 200 ms."""
    r = main(
        [
            "--elders",
            str(scaled(2_300_000, scale, 2000)),
            "--alarms",
            str(scaled(100_000, scale, 1000)),
            "--requests",
            str(scaled(60, scale * 10, 10)),
            "--orders",
            str(scaled(10_000_000, scale, 10_000)),
            "--facilities",
        ]
    )
    live = r["baseline_live_key_counts_ms"]
    return [
        Row(
            "planning: full refresh of one month",
            r["refresh_s"],
            r["duckdb_export_s"] + r["duckdb_compute_ms"] / 1000,
            "s",
            "totals agree (time: report)",
            bool(r["totals_agree"]),
            note="baseline: DuckDB export + aggregate of the elder columns",
        ),
        Row(
            "planning: city dashboard p95",
            r["city_p95_ms"],
            live,
            "ms",
            "< 200 ms",
            r["city_p95_ms"] < 200,
            note="baseline: the key counts computed live",
        ),
        Row(
            "planning: city monthly report, data + XLSX",
            r["report_xlsx_s"],
            None,
            "s",
            "< 10 s",
            r["report_xlsx_s"] < 10,
        ),
        Row(
            "planning: city monthly report, PDF",
            r["report_pdf_s"],
            None,
            "s",
            "< 30 s",
            r["report_pdf_s"] < 30,
        ),
        Row(
            "planning: report generation peak RSS",
            r["peak_rss_mib_report"],
            r["peak_rss_mib_before_report"],
            "MiB",
            "< 2048 MiB",
            r["peak_rss_mib_report"] < 2048,
            note="baseline: peak RSS before the report",
        ),
        Row(
            "planning: district dashboard p95",
            r["district_p95_ms"],
            live,
            "ms",
            "< 200 ms",
            r["district_p95_ms"] < 200,
        ),
    ]


if __name__ == "__main__":
    main()
