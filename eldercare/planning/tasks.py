"""Background work of plan monitoring (Django Tasks): fetch by id, call one service.

- `refresh_indicators`: nightly (cron: `manage.py refresh_indicators`) and after bulk data changes
  (`refresh_indicators.enqueue()`); recomputes the current and previous month by default. Idempotent.
- `generate_report`: builds a queued report's XLSX and PDF, recording progress on the report row.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from eldercare.core.audit import AuditContext, audit_context
from eldercare.planning import rules, services
from eldercare.planning.services import reports as report_services


@task()
def refresh_indicators(month: str | None = None, months: int = 2, trigger: str = "task") -> dict[str, object]:
    last = date.fromisoformat(month + "-01") if month else timezone.localdate().replace(day=1)
    with audit_context(AuditContext(channel="task")):
        run = services.refresh(months=rules.months_back(last, months), trigger=trigger, actor="task")
    return {"run": run.pk, "rows": run.rows, "months": run.months}


@task()
def generate_report(report_id: int) -> int:
    with audit_context(AuditContext(channel="task")):
        report = report_services.report_generate(report_id=report_id)
    return report.pk
