"""Operations (运维): request metrics, a Prometheus collector of business gauges, readiness, task queues.

The request-latency histogram lives in the process; with several web processes each is scraped on its
own address (or run with `PROMETHEUS_MULTIPROC_DIR`, see docs/deployment.md). Queue depth, alarm backlog
and settlement progress are read from the database at scrape time, so any one process answers for all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError

REGISTRY = CollectorRegistry(auto_describe=False)  # describing would query the database at import
REQUEST_LATENCY = Histogram(
    "eldercare_request_duration_seconds",
    "Time to answer an HTTP request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)


class MetricsMiddleware:
    """Observe each request's latency under its URL name (never the raw path: bounded label values)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match is not None and match.view_name else "unresolved"
        REQUEST_LATENCY.labels(route, request.method or "", f"{response.status_code // 100}xx").observe(
            time.perf_counter() - start
        )
        return response


def task_queue_depth() -> dict[tuple[str, str], int]:
    """Tasks by queue and status (ready / running / failed / successful)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.values("queue_name", "status").annotate(n=Count("id")).order_by()
    return {(r["queue_name"], r["status"]): r["n"] for r in rows}


def alarm_backlog() -> dict[str, int]:
    from eldercare.emergency.choices import OPEN_STATUSES
    from eldercare.emergency.models import Alarm

    rows = Alarm.objects.filter(status__in=OPEN_STATUSES).values("status").annotate(n=Count("id")).order_by()
    found = {r["status"]: r["n"] for r in rows}
    return {str(s): found.get(s, 0) for s in OPEN_STATUSES}


def settlement_progress(on: date | None = None) -> dict[str, float]:
    """Last month's settlements: the benefits run's status (0 draft … 3 closed) and the share of
    home-care providers settled."""
    from eldercare.benefits.choices import SettlementStatus
    from eldercare.benefits.models import Settlement as BenefitSettlement
    from eldercare.homecare.models import Provider
    from eldercare.homecare.models import Settlement as HomecareSettlement

    today = on or timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    order = [s.value for s in SettlementStatus]
    status = BenefitSettlement.objects.filter(period=last_month).values_list("status", flat=True).first()
    providers = Provider.objects.count()
    settled = HomecareSettlement.objects.filter(period=last_month).values("provider").distinct().count()
    return {
        "benefits_stage": float(order.index(status) + 1) if status else 0.0,
        "homecare_settled_ratio": settled / providers if providers else 1.0,
    }


class BusinessCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        queues = GaugeMetricFamily(
            "eldercare_task_queue_depth",
            "Tasks in the task database, by queue and status.",
            labels=["queue", "status"],
        )
        for (queue, status), n in sorted(task_queue_depth().items()):
            queues.add_metric([queue, status.lower()], n)
        yield queues
        alarms = GaugeMetricFamily(
            "eldercare_alarm_backlog", "Open emergency alarms, by status.", labels=["status"]
        )
        for status, n in alarm_backlog().items():
            alarms.add_metric([status], n)
        yield alarms
        progress = settlement_progress()
        yield GaugeMetricFamily(
            "eldercare_benefit_settlement_stage",
            "Last month's benefit settlement: 0 not run, 1 draft, 2 locked, 3 exported, 4 closed.",
            value=progress["benefits_stage"],
        )
        yield GaugeMetricFamily(
            "eldercare_homecare_settled_ratio",
            "Share of home-care providers whose last month is settled.",
            value=progress["homecare_settled_ratio"],
        )


REGISTRY.register(BusinessCollector())


def metrics_text() -> bytes:
    return generate_latest(REGISTRY)


def readiness() -> dict[str, bool]:
    """Every database alias answers, and the cache stores and returns a value."""
    checks: dict[str, bool] = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            checks[f"database:{alias}"] = True
        except Exception:
            checks[f"database:{alias}"] = False
    try:
        cache.set("readyz", "1", 10)
        checks["cache"] = cache.get("readyz") == "1"
    except Exception:
        checks["cache"] = False
    return checks


# ---------------------------------------------------------------- task queues


def task_queues() -> list[dict[str, Any]]:
    """One line per queue: how many tasks wait, run, failed and succeeded."""
    by_queue: dict[str, dict[str, Any]] = {}
    for (queue, status), n in task_queue_depth().items():
        line = by_queue.setdefault(
            queue, {"queue": queue, "READY": 0, "RUNNING": 0, "FAILED": 0, "SUCCESSFUL": 0}
        )
        line[status] = n
    return sorted(by_queue.values(), key=lambda line: line["queue"])


def failed_tasks(limit: int = 200) -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.failed()
        .only(
            "id", "task_path", "queue_name", "enqueued_at", "finished_at", "exception_class_path", "traceback"
        )
        .order_by("-finished_at")[:limit]
    )


@transaction.atomic
def task_retry(*, task_id: str, actor: Any) -> Any:
    """Enqueue a failed task again with its arguments; the failed row stays as the record of the failure."""
    from django_tasks_db.models import DBTaskResult

    failed = DBTaskResult.objects.failed().filter(pk=task_id).first()
    if failed is None:
        raise DomainError("task_not_failed", "No failed task with this id.", status=404)
    try:
        task = failed.task
    except Exception as exc:
        raise DomainError("task_unknown", "The task's code no longer exists.", status=409) from exc
    result = task.enqueue(*failed.args_kwargs["args"], **failed.args_kwargs["kwargs"])
    audit_record(
        actor=actor,
        action="operations.task_retried",
        changes={"task": failed.task_path, "failed": str(failed.pk), "new": str(result.id)},
    )
    return result
