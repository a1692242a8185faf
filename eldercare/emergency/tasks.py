"""Background work of the emergency centre (Django Tasks API): fetch by id, call one service."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from eldercare.emergency import services


@task()
def alarm_follow_up(alarm_id: int) -> dict[str, Any]:
    """Follow-up of a fall or serious outcome (visit task; see services.alarm_follow_up)."""
    return services.alarm_follow_up(alarm_id=alarm_id)


@task()
def alarms_escalate_due() -> int:
    """Periodic: escalate overdue alarms and raise technical alarms for silent devices."""
    return services.alarms_escalate() + services.devices_check_silent()
