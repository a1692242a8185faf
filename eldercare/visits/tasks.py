"""Background work of the visits module (Django Tasks API): fetch by id or period, call one service.

Periodic: `visits_targets_sync` nightly, `visits_plan_month` on the 1st of each month (and whenever the
bureau asks from the overview page; idempotent per month), `visits_rates_refresh` hourly or nightly.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

from eldercare.core.audit import AuditContext, audit_context
from eldercare.visits import rules, services


@task()
def visits_targets_sync() -> dict[str, int]:
    with audit_context(AuditContext(channel="task")):
        report = services.targets_sync()
    return {"added": report.added, "left": report.left, "tier_changed": report.tier_changed}


@task()
def visits_plan_month(month: str) -> dict[str, Any]:
    """Generate and assign one month's visits (`month` as YYYY-MM-DD of any day in it)."""
    with audit_context(AuditContext(channel="task")):
        report = services.plan_month(month=date.fromisoformat(month))
    return {"month": report.month.isoformat(), "created": report.created, "assigned": report.assigned}


@task()
def visits_rates_refresh(month: str = "") -> dict[str, int]:
    """Refresh the month's pre-aggregated rates (default: this month and the previous one, which late
    records and late death reports still change)."""
    with audit_context(AuditContext(channel="task")):
        if month:
            months = [date.fromisoformat(month)]
        else:
            this = rules.month_start(timezone.localdate())
            months = [rules.month_start(this - timedelta(days=1)), this]
        return {m.isoformat(): services.rates_refresh(month=m) for m in months}
