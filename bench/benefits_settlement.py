"""Benefits settlement at city scale: `settle_month` over N recipients on PostgreSQL, against one SQL
`INSERT … SELECT` computing the same amounts in the same run.

    .venv/bin/python -m bench.benefits_settlement [--recipients 400000]

Fills BENCH_DATABASE_URL (default …/eldercare_bench_benefits) with N synthetic Wuhan elders aged 70–104
(SQL `generate_series`; 2 % registered outside the city, 1 % died before the month) each holding an
old-age allowance (高龄津贴) entitlement, then settles last month twice:

- the first run books every regular line: whole, uneventful months by one INSERT … SELECT compiled from
  the policy (`rules.full_month_plan`), the rest through the rules engine row by row (`rules.evaluate`:
  start rule, hukou, life events, the entitlement's window, the age band read from the policy);
- the second run must add nothing (idempotence);
- the baseline is the same month computed by a single `INSERT … SELECT` with the tier amounts taken from
  the same policy version, writing the same lines (every column) into a table shaped like the payment
  lines (`LIKE benefits_paymentline INCLUDING ALL`: same indexes, logged). Line counts and totals must
  agree. For reference the same SELECT into a bare unlogged table is printed too.

Goal (issue 6): under 60 s and within 3× of the SQL, peak memory under 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench._protocol import Row, scaled

CITY = "4201"
TAG = "bset-"
PROGRAMME = "old_age_allowance"


def _fill(recipients: int, month_first: date) -> None:
    """Elders aged 70–104 born on days 1–28 (no 29 February), spread over the city's communities."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM benefits_suspension")
        cur.execute("DELETE FROM benefits_paymentline")
        cur.execute("DELETE FROM benefits_settlement")
        cur.execute("DELETE FROM benefits_entitlement")
        cur.execute("DELETE FROM registry_elder WHERE id_number_hash LIKE %s", [TAG + "%"])
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
                residence_division_id, hukou_division_id, address, phone, phone_masked, living_situation,
                economic_status, status, deceased_on, name_initials, ethnicity, phone_hash, address_hash,
                economic_source, chronic_conditions, dementia_diagnosed, family_doctor_signed,
                special_difficulty, special_difficulty_reasons, special_difficulty_policy_version)
            SELECT now(), now(), 'bench', '', %s || i, '4201**********' || lpad((i %% 10000)::text, 4, '0'),
                CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END,
                make_date((%s - 70 - (i * 7919) %% 35)::int, (1 + (i * 13) %% 12)::int,
                          (1 + (i * 17) %% 28)::int),
                c.code, CASE WHEN i %% 50 = 0 THEN '4401' ELSE c.code END,
                '', '', '', 'other', 'ordinary',
                CASE WHEN i %% 100 = 0 THEN 'deceased' ELSE 'active' END,
                CASE WHEN i %% 100 = 0 THEN %s::date - 1 - (i %% 300)::int ELSE NULL END,
                'b', '', '', '', '', '[]'::jsonb, false, false, false, '[]'::jsonb, 0
            FROM generate_series(1::bigint, %s::bigint) AS i
            JOIN bench_communities c ON c.n = 1 + (i * 31) %% %s
            """,
            [TAG, month_first.year, month_first, recipients, communities],
        )
        cur.execute(
            """
            INSERT INTO benefits_entitlement (
                created_at, updated_at, elder_id, programme_code, status, start_on, end_on, end_reason,
                source, application_id, monthly_amount_fen, policy_version_id, recheck_from, division_code)
            SELECT now(), now(), e.id, %s, 'active', DATE '2021-01-01', NULL, '', 'automatic', NULL, 0, 0,
                NULL, e.residence_division_id
            FROM registry_elder e WHERE e.id_number_hash LIKE %s
            """,
            [PROGRAMME, TAG + "%"],
        )
        cur.execute("DROP TABLE bench_communities")
        cur.execute("ANALYZE registry_elder; ANALYZE benefits_entitlement;")


def _sql_baseline(
    month_first: date, month_last: date, tiers: list[Any], min_age: int, *, shaped: bool
) -> tuple[int, int, float]:
    """The same month's old-age allowance by one INSERT … SELECT (start rule next_month, full proration).

    `shaped`: into a table shaped like benefits_paymentline (all columns, its indexes, logged); otherwise
    three columns of a bare unlogged table."""
    from django.db import connection

    def by_band(then: Any) -> str:
        return (
            "CASE "
            + " ".join(
                f"WHEN a >= {t.min_age or 0}{f' AND a <= {t.max_age}' if t.max_age is not None else ''} "
                f"THEN {then(t)}"
                for t in tiers
            )
            + " END"
        )

    band = by_band(lambda t: t.amount_fen)
    if shaped:
        create = "CREATE TABLE bench_lines (LIKE benefits_paymentline INCLUDING ALL)"
        columns = (
            "settlement_id, entitlement_id, elder_id, programme_code, kind, for_period, amount_fen, "
            "payment_form, rule_version_id, tier, reasons, status, bank_reference, division_code, "
            "district_code, created_at"
        )
        labels = by_band(lambda t: "'" + t.label.replace("'", "''") + "'")
        select = (
            f"0, id, elder_id, %(programme)s, 'regular', %(first)s, {band}, 'cash', 1, {labels}, '[]', "
            "'pending', '', division_code, substr(division_code, 1, 6), now()"
        )
    else:
        create = (
            "CREATE UNLOGGED TABLE bench_lines (entitlement_id bigint, elder_id bigint, amount_fen bigint)"
        )
        columns = "entitlement_id, elder_id, amount_fen"
        select = f"id, elder_id, {band}"
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_lines")
        cur.execute(create)
        t = time.perf_counter()
        cur.execute(
            f"""
            INSERT INTO bench_lines ({columns})
            SELECT {select} FROM (
                SELECT en.id, en.elder_id, en.division_code,
                    date_part('year', age(%(before)s::date, el.birth_date))::int AS a
                FROM benefits_entitlement en JOIN registry_elder el ON el.id = en.elder_id
                WHERE en.programme_code = %(programme)s AND en.start_on <= %(last)s
                  AND (en.end_on IS NULL OR en.end_on >= %(first)s)
                  AND date_trunc('month', el.birth_date + make_interval(years => %(min_age)s)) < %(first)s
                  AND (el.hukou_division_id IS NULL OR el.hukou_division_id LIKE %(city)s)
                  AND (el.deceased_on IS NULL OR el.deceased_on >= %(first)s)
                  AND el.status IN ('active', 'deceased')
            ) s
            """,  # noqa: S608 (the band comes from the policy's integers and labels)
            {
                "before": month_first - timedelta(days=1),
                "programme": PROGRAMME,
                "first": month_first,
                "last": month_last,
                "min_age": min_age,
                "city": CITY + "%",
            },
        )
        seconds = time.perf_counter() - t
        cur.execute("SELECT count(*), coalesce(sum(amount_fen), 0) FROM bench_lines WHERE amount_fen > 0")
        count, total = cur.fetchone()
        cur.execute("DROP TABLE bench_lines")
    return int(count), int(total), seconds


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=int(os.environ.get("BENCH_RECIPIENTS", "400000")))
    parser.add_argument("--skip-fill", action="store_true", help="reuse the rows of the previous run")
    args = parser.parse_args(argv)

    os.environ["CITY_PROFILE"] = "wuhan"
    os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eldercare_bench_benefits")
    from bench._django import setup

    url = setup()
    from django.core.management import call_command
    from django.db.models import Count, Sum
    from django.utils import timezone

    from eldercare.benefits import rules
    from eldercare.benefits.choices import LineKind
    from eldercare.benefits.models import PaymentLine, Settlement, Suspension
    from eldercare.benefits.selectors import programmes_on
    from eldercare.benefits.services import settle_month
    from eldercare.core.models import Division
    from eldercare.core.services import profile_load

    if not Division.objects.filter(code__startswith=CITY, level=5).exists():
        call_command("load_divisions", verbosity=0)
    profile_load(code="wuhan")
    period = rules.Month.of(timezone.localdate()).previous()
    t = time.perf_counter()
    if not args.skip_fill:
        _fill(args.recipients, period.first)
    else:
        Suspension.objects.all().delete()
        PaymentLine.objects.all().delete()
        Settlement.objects.all().delete()
    fill = time.perf_counter() - t
    rss_before = _peak_rss_mib()

    t = time.perf_counter()
    first = settle_month(period=period, actor="bench")
    first_s = time.perf_counter() - t
    rss_after = _peak_rss_mib()
    t = time.perf_counter()
    again = settle_month(period=period, actor="bench")
    again_s = time.perf_counter() - t

    programme = programmes_on(period.first).programmes[PROGRAMME]
    sql_count, sql_total, sql_s = _sql_baseline(
        period.first, period.last, list(programme.tiers), programme.min_age, shaped=True
    )
    _, _, bare_s = _sql_baseline(
        period.first, period.last, list(programme.tiers), programme.min_age, shaped=False
    )
    booked = PaymentLine.objects.filter(kind=LineKind.REGULAR, programme_code=PROGRAMME).aggregate(
        n=Count("id"), total=Sum("amount_fen")
    )
    agree = booked["n"] == sql_count and (booked["total"] or 0) == sql_total
    ratio = first_s / sql_s if sql_s else float("inf")
    rows: list[tuple[str, float, str]] = [
        (f"fill: {args.recipients:,} elders + entitlements (SQL generate_series)", fill, "s"),
        (
            f"settle_month {period} (first run: {first.regular:,} lines, {first.suspended:,} flagged)",
            first_s,
            "s",
        ),
        ("  of which lines written set-based (one INSERT … SELECT)", float(first.set_based), "lines"),
        ("settle_month again (adds nothing: idempotent)", again_s, "s"),
        (
            "baseline: one INSERT … SELECT writing the same lines (table like benefits_paymentline)",
            sql_s,
            "s",
        ),
        ("  for reference: the same SELECT into a bare unlogged 3-column table", bare_s, "s"),
        ("ratio settle_month / SQL (goal ≤ 3×)", ratio, "×"),
        ("peak RSS of the process (goal < 2,048 MiB)", rss_after, "MiB"),
        ("  of which before the settlement", rss_before, "MiB"),
        (
            f"lines and totals agree ({booked['n']:,} = {sql_count:,}; "
            f"{booked['total'] or 0:,} = {sql_total:,} fen)",
            float(agree),
            "bool",
        ),
        ("second run added lines", float(again.regular + again.corrections + again.recoveries), "lines"),
    ]
    print(f"{'measure':<100} {'value':>10}")
    for name, value, unit in rows:
        print(f"{name:<100} {value:>10.2f} {unit}")
    result = {
        "database": url.rsplit("@", 1)[-1],
        "recipients": args.recipients,
        "period": str(period),
        "lines": booked["n"],
        "total_fen": booked["total"],
        "settle_s": round(first_s, 2),
        "rerun_s": round(again_s, 2),
        "sql_s": round(sql_s, 3),
        "bare_sql_s": round(bare_s, 3),
        "ratio": round(ratio, 2),
        "peak_rss_mib": round(rss_after, 1),
        "agree": agree,
        "goal_met": agree and first_s < 60 and ratio <= 3 and rss_after < 2048,
    }
    stamp = timezone.localdate().isoformat()
    out = Path(__file__).resolve().parent / "results" / f"benefits_settlement-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written {out}")
    return result


def run(scale: float = 1.0) -> list[Row]:
    """Scale 1: 400,000 recipients; goals: < 60 s, ≤ 3× one INSERT … SELECT, < 2 GiB RSS, totals agree."""
    r = main(["--recipients", str(scaled(400_000, scale, 1000))])
    n = f"{r['recipients']:,}"
    return [
        Row(
            f"benefits settle_month, {n} recipients",
            r["settle_s"],
            r["sql_s"],
            "s",
            "≤ 3× SQL, < 60 s, agree",
            r["agree"] and r["ratio"] <= 3 and r["settle_s"] < 60,
            note="baseline: one INSERT … SELECT of the same lines into a table like benefits_paymentline",
        ),
        Row(
            f"benefits settle_month, {n}: peak RSS",
            r["peak_rss_mib"],
            None,
            "MiB",
            "< 2048 MiB",
            r["peak_rss_mib"] < 2048,
        ),
    ]


if __name__ == "__main__":
    main()
