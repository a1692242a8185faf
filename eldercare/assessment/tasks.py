"""Background work of the ability assessment (Django Tasks): fetch by id, call one service.

- `request_reassessment`: other modules enqueue it when an elder's condition changes (a hospital discharge
  import, a fall alarm …): `request_reassessment.enqueue(elder_id=…, trigger="fall_alarm", note="…")`.
- `sweep_expiry`: daily; reminders before expiry, and a reassessment request when a result has expired.
  Idempotent per result, so running it twice a day does nothing twice.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from eldercare.assessment import services
from eldercare.core.audit import AuditContext, audit_context


@task()
def request_reassessment(elder_id: int, trigger: str, note: str = "") -> int | None:
    with audit_context(AuditContext(channel="task")):
        request = services.reassessment_on_change(elder_id=elder_id, trigger=trigger, note=note, actor="task")
    return request.pk if request is not None else None


@task()
def sweep_expiry(on: str | None = None) -> dict[str, int]:
    day = date.fromisoformat(on) if on else timezone.localdate()
    with audit_context(AuditContext(channel="task")):
        report = services.expiry_sweep(on=day, actor="task")
    return {"reminded": report.reminded, "expired": report.expired, "requested": report.requested}
