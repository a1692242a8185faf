"""Background work of spatial planning (Django Tasks): fetch by id, call one service.

- `run_coverage`: a queued coverage run (page or API); stores per-area results on the run.
- `run_siting`: a queued siting run; stores the MILP and greedy choices on the run.
"""

from __future__ import annotations

from django_tasks import task

from eldercare.core.audit import AuditContext, audit_context
from eldercare.spatial import services


@task()
def run_coverage(run_id: int) -> int:
    with audit_context(AuditContext(channel="task")):
        return services.coverage_run_execute(run_id=run_id).pk


@task()
def run_siting(run_id: int) -> int:
    with audit_context(AuditContext(channel="task")):
        return services.siting_run_execute(run_id=run_id).pk
