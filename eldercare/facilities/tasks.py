"""Background work of the facilities module (Django Tasks): expire bed offers, flag licences.

- `expire_offers`: every few minutes; an unanswered offer past its deadline is recorded as timed out
  and its bed is offered to the next applicant. Idempotent.
- `licence_warnings`: daily; audits the licences that expire within the warning period (30 days).
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from eldercare.core.audit import AuditContext, audit_context, audit_record
from eldercare.core.scope import DataScope
from eldercare.facilities import selectors, services


@task()
def expire_offers() -> int:
    with audit_context(AuditContext(channel="task")):
        return services.offers_expire(actor="task")


@task()
def licence_warnings() -> int:
    today = timezone.localdate()
    with audit_context(AuditContext(channel="task")):
        licences = list(selectors.licences_expiring(scope=DataScope.everything(), today=today))
        for licence in licences:
            audit_record(
                actor="task",
                action="facilities.licence_expiring",
                target=licence,
                changes={"valid_until": licence.valid_until.isoformat() if licence.valid_until else None},
            )
    return len(licences)
