"""Operations: metrics, readiness, structured logs, the task-queue page with retry, the replica router."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.db import connections
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from eldercare.accounts.roles import Role
from eldercare.core.audit import AuditContext, audit_context
from eldercare.core.db_router import REPLICA, DashboardReplicaRouter, replica_reads
from eldercare.core.jsonlog import JsonFormatter
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import CITY, UserFactory, division, sign_in_verified
from eldercare.emergency.models import Alarm

pytestmark = pytest.mark.django_db


def test_metrics_are_in_prometheus_text_format_with_latency_queues_alarms_and_settlements(
    client: Client,
) -> None:
    client.get(reverse("healthz"))
    body = client.get("/metrics").content.decode()
    assert "# TYPE eldercare_request_duration_seconds histogram" in body
    assert (
        'eldercare_request_duration_seconds_bucket{le="0.01",method="GET",route="healthz",status="2xx"}'
        in body
    )
    assert "# TYPE eldercare_task_queue_depth gauge" in body
    assert 'eldercare_alarm_backlog{status="new"} 0.0' in body
    assert "eldercare_benefit_settlement_stage 0.0" in body
    assert "eldercare_homecare_settled_ratio" in body


def test_the_alarm_backlog_counts_open_alarms(client: Client) -> None:
    from eldercare.core.tests.factories import ElderFactory
    from eldercare.emergency.tests.factories import make_alarm, make_device

    make_alarm(make_device(ElderFactory()))
    assert Alarm.objects.count() == 1
    assert 'eldercare_alarm_backlog{status="new"} 1.0' in client.get("/metrics").content.decode()


@override_settings(METRICS_TOKEN="s3cret")
def test_metrics_require_the_bearer_token_when_one_is_set(client: Client) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_readiness_checks_the_database_and_the_cache(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database:default": True, "cache": True}}


def test_json_logs_carry_level_logger_message_and_request_id() -> None:
    record = logging.LogRecord("eldercare.x", logging.WARNING, __file__, 1, "费用 %s", ("超标",), None)
    with audit_context(AuditContext(channel="web", request_id="abc123")):
        line = JsonFormatter().format(record)
    assert json.loads(line) | {"time": ""} == {
        "time": "",
        "level": "WARNING",
        "logger": "eldercare.x",
        "message": "费用 超标",
        "request_id": "abc123",
    }


def failed_task() -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="FAILED",
        args_kwargs={"args": [], "kwargs": {"on": "2026-01-01"}},
        task_path="eldercare.benefits.tasks.grant_daily",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        exception_class_path="builtins.RuntimeError",
        traceback="Traceback: boom",
    )


def test_the_task_page_lists_failed_tasks_and_retry_queues_them_again(client: Client) -> None:
    admin = UserFactory(role=Role.CITY_ADMIN, division=division(CITY))
    sign_in_verified(client, admin)
    failed = failed_task()
    page = client.get(reverse("core:task_list")).content.decode()
    assert "eldercare.benefits.tasks.grant_daily" in page and "builtins.RuntimeError" in page
    client.post(reverse("core:task_retry", kwargs={"task_id": failed.pk}))
    retried = DBTaskResult.objects.exclude(pk=failed.pk).get()
    assert (retried.status, retried.task_path) == ("READY", failed.task_path)
    assert retried.args_kwargs["kwargs"] == {"on": "2026-01-01"}
    assert AuditEntry.objects.filter(action="operations.task_retried").exists()


def test_retrying_a_task_that_did_not_fail_is_refused_with_a_message(client: Client) -> None:
    admin = UserFactory(role=Role.CITY_ADMIN, division=division(CITY))
    sign_in_verified(client, admin)
    response = client.post(
        reverse("core:task_retry", kwargs={"task_id": "00000000-0000-0000-0000-000000000000"})
    )
    assert response.status_code == 302
    assert not DBTaskResult.objects.exists()


def test_the_router_sends_dashboard_reads_to_the_replica_only_when_one_is_configured(
    monkeypatch: Any,
) -> None:
    router = DashboardReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Alarm) is None  # no replica configured
    monkeypatch.setitem(connections.databases, REPLICA, dict(connections.databases["default"]))
    assert router.db_for_read(Alarm) is None  # outside a dashboard request
    with replica_reads():
        in_transaction = router.db_for_read(Alarm)
    assert router.db_for_write(Alarm) == "default"
    assert router.allow_migrate(REPLICA, "core") is False
    # pytest-django wraps the test in a transaction: reads then stay on the primary (read-your-writes)
    assert in_transaction is None
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with replica_reads():
        assert router.db_for_read(Alarm) == REPLICA
