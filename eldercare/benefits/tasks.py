"""Background work of benefits (Django Tasks): fetch by id or period, call one service.

- `grant_daily`: daily; automatic grants at the qualifying age (e.g. 高龄津贴 at 80), and ends of public
  notice periods without upheld objections. Idempotent per day.
- `settle_month_task`: the monthly settlement of a period (same as `manage.py settle_month`).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from eldercare.benefits import services
from eldercare.benefits.rules import Month
from eldercare.core.audit import AuditContext, audit_context


@task()
def grant_daily(on: str | None = None) -> dict[str, int]:
    day = date.fromisoformat(on) if on else timezone.localdate()
    with audit_context(AuditContext(channel="task")):
        report = services.grant_automatic(on=day, actor="task")
        finished = services.notices_finish(on=day, actor="task")
    return {**report.by_programme, "notices_finished": finished}


@task()
def settle_month_task(period: str) -> dict[str, int]:
    with audit_context(AuditContext(channel="task")):
        report = services.settle_month(period=Month.parse(period), actor="task")
    return {
        "regular": report.regular,
        "corrections": report.corrections,
        "recoveries": report.recoveries,
        "carried": report.carried,
        "amount_fen": report.amount_fen,
    }
