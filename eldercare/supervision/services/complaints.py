"""Complaints (投诉举报): intake from the portal, the hotline or the public page; routing; time limits;
acknowledgement and answer; escalation on overrun; follow-up without an account."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.crypto import lookup_hash
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import is_valid_phone, normalise_phone
from eldercare.core.models import Division, Organisation
from eldercare.supervision import rules
from eldercare.supervision.choices import (
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintStatus,
    ComplaintSubject,
)
from eldercare.supervision.models import Complaint, ComplaintEvent
from eldercare.supervision.policy_keys import supervision_policy

OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED)


def _phone_hash(phone: str) -> str:
    return lookup_hash("complaint-phone:" + phone) if phone else ""


def _code_hash(code: str) -> str:
    return lookup_hash("complaint-code:" + code.strip().upper())


def new_case_number(now: datetime) -> str:
    return f"TS{timezone.localtime(now):%Y%m%d}{secrets.token_hex(3).upper()}"


def _event(complaint: Complaint, kind: str, *, at: datetime, actor: Any = None, note: str = "") -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        at=at,
        office_id=complaint.responsible_office_id,
        note=note[:500],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def complaint_submit(
    *,
    channel: str,
    subject: str,
    division: Division,
    content: str,
    actor: Any = None,
    organisation: Organisation | None = None,
    elder: Any = None,
    anonymous: bool = False,
    name: str = "",
    phone: str = "",
    received_at: datetime | None = None,
) -> tuple[Complaint, str]:
    """Take in a complaint; returns it and the follow-up code (shown once to the complainant).

    Routed to the office the routing policy gives the subject; due times from the time-limit policy,
    whose version is stored. Anonymous complaints keep no name; the phone is optional for them."""
    if channel not in ComplaintChannel.values or subject not in ComplaintSubject.values:
        raise DomainError("supervision_complaint_invalid", "Unknown channel or subject.", status=422)
    if not content.strip():
        raise DomainError("supervision_content_required", "Describe the matter.", status=422)
    phone = normalise_phone(phone) if phone else ""
    if phone and not is_valid_phone(phone):
        raise DomainError("phone_invalid", "The phone number is not valid.", status=422)
    if not anonymous and not (name.strip() and phone):
        raise DomainError(
            "supervision_contact_required", "Give a name and phone, or complain anonymously.", status=422
        )
    received_at = received_at or timezone.now()
    on = timezone.localdate(received_at)
    limits = supervision_policy("supervision.complaint_time_limits", on=on)
    routing = supervision_policy("supervision.complaint_routing", on=on).value
    office_code = rules.route_office(
        division_code=division.code,
        subject=subject,
        default=routing["default"],
        subjects=routing.get("subjects", {}),
    )
    due = rules.due_times(
        received_at=received_at,
        acknowledge_hours=limits.value["acknowledge_hours"],
        answer_days=limits.value["answer_days"],
    )
    code = secrets.token_hex(4).upper()
    complaint = Complaint.objects.create(
        case_number=new_case_number(received_at),
        channel=channel,
        subject=subject,
        division=division,
        organisation=organisation,
        elder=elder,
        anonymous=anonymous,
        complainant_name="" if anonymous else name.strip()[:64],
        phone=phone,
        phone_hash=_phone_hash(phone),
        follow_up_code_hash=_code_hash(code),
        content=content.strip(),
        responsible_office_id=office_code,
        received_at=received_at,
        ack_due_at=due.acknowledge_by,
        answer_due_at=due.answer_by,
        policy_version_id=limits.version_id or None,
        received_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _event(complaint, ComplaintEventKind.RECEIVED, at=received_at, actor=actor, note=channel)
    _event(complaint, ComplaintEventKind.ROUTED, at=received_at, actor=actor, note=office_code)
    audit_record(
        actor=actor or "public",
        action="supervision.complaint_received",
        target=complaint,
        changes={"channel": channel, "subject": subject, "office": office_code},
    )
    return complaint, code


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor: Any, note: str = "") -> Complaint:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.RECEIVED:
        raise ConflictError("supervision_complaint_state", "This complaint has already been acknowledged.")
    now = timezone.now()
    complaint.status = ComplaintStatus.ACKNOWLEDGED
    complaint.acknowledged_at = now
    complaint.save(update_fields=["status", "acknowledged_at", "updated_at"])
    _event(complaint, ComplaintEventKind.ACKNOWLEDGED, at=now, actor=actor, note=note)
    audit_record(actor=actor, action="supervision.complaint_acknowledged", target=complaint)
    return complaint


@transaction.atomic
def complaint_answer(*, complaint: Complaint, answer: str, substantiated: bool, actor: Any) -> Complaint:
    """Answer the complainant (办结答复); the answer is what the follow-up page shows."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status not in OPEN_STATUSES:
        raise ConflictError("supervision_complaint_state", "This complaint has already been answered.")
    if not answer.strip():
        raise DomainError("supervision_answer_required", "Write the answer.", status=422)
    now = timezone.now()
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
    complaint.status = ComplaintStatus.ANSWERED
    complaint.answered_at = now
    complaint.answer = answer.strip()
    complaint.substantiated = substantiated
    complaint.save()
    _event(complaint, ComplaintEventKind.ANSWERED, at=now, actor=actor)
    audit_record(
        actor=actor,
        action="supervision.complaint_answered",
        target=complaint,
        changes={"substantiated": substantiated},
    )
    return complaint


def complaints_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every open complaint past a due time to the parent office (periodic task; idempotent
    within the policy's repeat period). Returns how many were escalated."""
    now = now or timezone.now()
    repeat_hours = supervision_policy("supervision.complaint_escalation", on=timezone.localdate(now)).value[
        "repeat_hours"
    ]
    candidates = list(
        Complaint.objects.filter(
            Q(status=ComplaintStatus.RECEIVED, ack_due_at__lt=now)
            | Q(status__in=OPEN_STATUSES, answer_due_at__lt=now)
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    escalated = 0
    for pk in candidates:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            parent = rules.parent_office(complaint.responsible_office_id)
            reason = rules.overdue_reason(
                now=now,
                status=complaint.status,
                ack_due_at=complaint.ack_due_at,
                answer_due_at=complaint.answer_due_at,
                escalated_at=complaint.escalated_at,
                repeat_hours=repeat_hours,
                at_top=parent is None,
            )
            if reason is None or parent is None:
                continue
            before = complaint.responsible_office_id
            complaint.responsible_office_id = parent
            complaint.escalation_level += 1
            complaint.escalated_at = now
            complaint.save(
                update_fields=["responsible_office", "escalation_level", "escalated_at", "updated_at"]
            )
            _event(
                complaint, ComplaintEventKind.ESCALATED, at=now, note=f"{reason} overdue: {before} → {parent}"
            )
            audit_record(
                actor="system",
                action="supervision.complaint_escalated",
                target=complaint,
                changes={"office": [before, parent], "reason": reason, "level": complaint.escalation_level},
            )
            escalated += 1
    return escalated


def complaint_follow_up(*, case_number: str, secret: str) -> Complaint | None:
    """The case, if the secret is its phone number or its follow-up code; None otherwise (callers
    rate-limit attempts). Constant answers: a wrong case number and a wrong secret look the same."""
    complaint = Complaint.objects.filter(case_number=case_number.strip().upper()).first()
    if complaint is None or not secret.strip():
        return None
    phone = normalise_phone(secret)
    if complaint.phone_hash and _phone_hash(phone) == complaint.phone_hash:
        return complaint
    if _code_hash(secret) == complaint.follow_up_code_hash:
        return complaint
    return None
