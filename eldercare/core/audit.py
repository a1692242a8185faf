"""The audit trail: services call `audit_record` inside their transaction.

Where the action came from (address, user agent, request id, channel) is carried by a context
variable that the request middleware, task runner or management command sets, so services need no
request object and tasks are audited the same way as pages.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from eldercare.core.models import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditContext:
    channel: str = "command"
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_context", default=None)


@contextmanager
def audit_context(ctx: AuditContext) -> Iterator[AuditContext]:
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def current_audit_context() -> AuditContext:
    return _context.get() or AuditContext()


def _target_division(target: models.Model | None) -> str:
    """The division code an entry belongs to, so auditors see entries of their own area."""
    if target is None:
        return ""
    path: str | None = getattr(target, "scope_division_field", None)
    if not path:
        return ""
    value: Any = target
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return value.code if hasattr(value, "code") else str(value)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    division_code: str | None = None,
) -> AuditEntry:
    """Append one audit row. `changes` maps a field to [before, after] or holds a note."""
    ctx = current_audit_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else str(actor or "system"))[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        division_code=division_code
        if division_code is not None
        else (_target_division(target) or (getattr(actor, "division_id", None) or "")),
        changes=changes or {},
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent[:256],
        request_id=ctx.request_id,
        channel=ctx.channel,
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
