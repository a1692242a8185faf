"""Background work of home care (Django Tasks): fetch by id, call one service.

- `generate_week_orders`: weekly (e.g. Friday night) for the next week; idempotent per plan and slot.
- `settle_month`: monthly after the month has ended, one call per provider; idempotent per provider and month.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task

from eldercare.core.audit import AuditContext, audit_context
from eldercare.homecare import services
from eldercare.homecare.models import Provider


@task()
def generate_week_orders(week_of: str | None = None) -> int:
    day = date.fromisoformat(week_of) if week_of else timezone.localdate() + timedelta(days=7)
    with audit_context(AuditContext(channel="task")):
        return services.care_plans_generate_week(week_of=day, actor=None)


@task()
def settle_month(period: str | None = None) -> dict[str, int]:
    """Settle every active provider for `period` (YYYY-MM-01; last month by default)."""
    month = (
        date.fromisoformat(period)
        if period
        else (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    )
    done: dict[str, int] = {}
    with audit_context(AuditContext(channel="task")):
        for provider in Provider.objects.filter(is_active=True).order_by("pk"):
            settlement = services.settlement_run(provider=provider, period=month, actor=None)
            done[str(provider.pk)] = settlement.order_count
    return done
