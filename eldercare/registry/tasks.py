"""Background work of the registry (Django Tasks API).

Periodic: `privacy_retention_purge` nightly. It is idempotent: records already deleted or pseudonymised are
not touched again, so a run stopped half-way is simply run again.
"""

from __future__ import annotations

from django_tasks import task

from eldercare.core.audit import AuditContext, audit_context
from eldercare.registry.services.privacy import retention_purge


@task()
def privacy_retention_purge() -> dict[str, int]:
    with audit_context(AuditContext(channel="task")):
        return retention_purge(actor="retention purge (task)")
