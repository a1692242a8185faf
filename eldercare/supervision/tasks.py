"""Periodic work of supervision (Django Tasks): escalation timers. Both are idempotent per period, so a
scheduler may enqueue them as often as it likes (e.g. every 10 minutes)."""

from __future__ import annotations

from django_tasks import task

from eldercare.supervision import services


@task()
def escalate_overdue_complaints() -> int:
    return services.complaints_escalate_overdue()


@task()
def escalate_overdue_rectifications() -> int:
    return services.rectifications_escalate_overdue()
