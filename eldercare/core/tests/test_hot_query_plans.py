"""The hot list queries use an index on PostgreSQL: EXPLAIN of each (as the selector builds it) has no
sequential scan of the big tables. Sequential scans are priced out (`enable_seqscan = off`), so a Seq Scan
that remains means no index can serve the filter and order: the check does not depend on table sizes or
statistics, and holds at city scale for the same reason. Skipped on SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet

from eldercare.core.scope import DataScope

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"),
]

BIG_TABLES = {"registry_elder", "homecare_serviceorder", "emergency_alarm", "benefits_paymentline"}
DISTRICT = "420106"


@pytest.fixture(autouse=True)
def _as_if_never_analysed() -> None:
    """Plan as on a fresh database. ANALYZE writes a table's size in place, outside the transaction, so a
    test that analyses a nearly empty table (settlement does, after its bulk insert) would leave the planner
    believing the table is empty, and a LIMIT 50 then walks any index. Resetting the size inside this test's
    transaction (rolled back with it) keeps the check about indexes, not about earlier tests."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = ANY(%s::regclass[])",
            [sorted(BIG_TABLES)],
        )


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def seq_scans(qs: QuerySet[Any]) -> list[str]:
    """The big tables the plan of `qs` reads whole: a sequential scan, or a walk of a whole index
    without an index condition (what the planner does instead when sequential scans are priced out)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (raw,) = cursor.fetchone()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    return [
        f"{n['Node Type']} on {n['Relation Name']}"
        for n in _nodes(plan)
        if n.get("Relation Name") in BIG_TABLES
        and (n["Node Type"] == "Seq Scan" or (n["Node Type"].startswith("Index") and "Index Cond" not in n))
    ]


def test_the_elder_list_of_a_district_reads_the_elder_table_by_index() -> None:
    from eldercare.registry.selectors import elder_list

    assert seq_scans(elder_list(scope=DataScope(division_codes=(DISTRICT,)))[:50]) == []


def test_the_order_list_of_a_provider_reads_the_order_table_by_index() -> None:
    from eldercare.homecare.selectors import OrderFilter, order_list

    qs = order_list(scope=DataScope.everything(), filters=OrderFilter(provider_id=1))[:51]
    assert seq_scans(qs) == []


def test_the_order_list_of_a_provider_manager_reads_the_order_table_by_index() -> None:
    from eldercare.homecare.selectors import order_list

    assert seq_scans(order_list(scope=DataScope(organisation_ids=(1,)))[:51]) == []


def test_the_order_list_of_a_district_reads_the_order_table_by_index() -> None:
    from eldercare.homecare.selectors import order_list

    assert seq_scans(order_list(scope=DataScope(division_codes=(DISTRICT,)))[:51]) == []


def test_the_alarm_list_of_a_district_reads_the_alarm_table_by_index() -> None:
    from eldercare.emergency.selectors import alarm_list

    assert seq_scans(alarm_list(scope=DataScope(division_codes=(DISTRICT,)))[:50]) == []


def test_the_open_alarms_of_the_console_read_the_alarm_table_by_index() -> None:
    from eldercare.emergency.selectors import open_alarms

    assert seq_scans(open_alarms(scope=DataScope(division_codes=("4201",)))[:200]) == []


def test_the_lines_of_a_settlement_read_the_line_table_by_index() -> None:
    from datetime import date

    from eldercare.benefits.models import Settlement
    from eldercare.benefits.selectors import settlement_lines

    settlement = Settlement.objects.create(period=date(2025, 1, 1))
    qs = settlement_lines(scope=DataScope(division_codes=(DISTRICT,)), settlement=settlement)[:50]
    assert seq_scans(qs) == []


def test_a_query_without_a_usable_index_is_caught() -> None:
    """The check can fail: filtering orders on a column without an index leaves the Seq Scan."""
    from eldercare.homecare.models import ServiceOrder

    assert seq_scans(ServiceOrder.objects.filter(note__contains="x")[:10]) != []
