"""Writes of the emergency centre: device credentials, alarm intake, handling, escalation, follow-up.

Every write is audited in its own transaction. Pushes to consoles and the follow-up task are queued
with `transaction.on_commit`, so nothing is announced that a rollback could take back, and the device
is acknowledged only after the alarm row is committed (the caller returns after this module returns).
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import mask_phone
from eldercare.emergency import rules
from eldercare.emergency.broadcast import alarm_publish
from eldercare.emergency.choices import (
    OPEN_STATUSES,
    AlarmEventKind,
    AlarmKind,
    AlarmSource,
    AlarmStatus,
    Callee,
    CallResult,
    DeviceKind,
    DeviceStatus,
    DispatchTarget,
    Outcome,
)
from eldercare.emergency.models import (
    Alarm,
    AlarmEvent,
    CallLog,
    CareRiskEvent,
    Device,
    Drill,
    Resource,
    Shift,
)
from eldercare.emergency.selectors import escalation_policy, shift_at, token_hash
from eldercare.emergency.telephony import telephony
from eldercare.registry.models import Elder

logger = logging.getLogger(__name__)

# Test hook for the "killed between receipt and acknowledgement" test: when set, the process kills itself
# with SIGKILL right after the intake transaction commits, before any response is written.
KILL_AFTER_COMMIT_ENV = "EMERGENCY_TEST_KILL_AFTER_COMMIT"


# Devices ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceCredentials:
    device: Device
    token: str  # shown once; only its hash is stored
    secret: str  # the HMAC key the device signs its payloads with


@transaction.atomic
def device_register(
    *, elder: Elder, kind: str, serial: str, actor: Any, heartbeat_interval_s: int = 3600
) -> DeviceCredentials:
    """Bind a device to an elder's home and issue its credentials (token + signing secret)."""
    if kind not in DeviceKind.values:
        raise DomainError("device_kind_unknown", f"Unknown device kind {kind!r}.", status=422)
    if Device.objects.filter(serial=serial).exists():
        raise ConflictError("device_exists", "A device with this serial number is already registered.")
    token = "dv_" + secrets.token_urlsafe(24)
    secret = secrets.token_urlsafe(32)
    device = Device.objects.create(
        serial=serial,
        kind=kind,
        elder=elder,
        division_id=elder.residence_division_id,
        token_prefix=token[:10],
        token_hash=token_hash(token),
        secret=secret,
        heartbeat_interval_s=heartbeat_interval_s,
        last_heartbeat_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="emergency.device_registered",
        target=device,
        changes={"kind": kind, "elder": elder.pk},
    )
    return DeviceCredentials(device=device, token=token, secret=secret)


@transaction.atomic
def device_retire(*, device: Device, actor: Any) -> Device:
    if device.status != DeviceStatus.RETIRED:
        device.status = DeviceStatus.RETIRED
        device.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="emergency.device_retired", target=device)
    return device


def device_heartbeat(
    *, device: Device, battery_pct: int | None = None, at: datetime | None = None
) -> Alarm | None:
    """Record a heartbeat (not audited: it is telemetry). A low battery raises one technical alarm a day."""
    at = at or timezone.now()
    Device.objects.filter(pk=device.pk).update(last_heartbeat_at=at, battery_pct=battery_pct)
    device.last_heartbeat_at, device.battery_pct = at, battery_pct
    policy, _version = escalation_policy()
    if battery_pct is not None and battery_pct < policy.low_battery_pct:
        alarm, _created = alarm_receive(
            device=device,
            event_id=f"battery:{timezone.localdate(at).isoformat()}",
            kind=AlarmKind.LOW_BATTERY,
            source=AlarmSource.SYSTEM,
            payload={"battery_pct": battery_pct},
        )
        return alarm
    return None


# Intake ----------------------------------------------------------------------------------------------


def alarm_receive(
    *,
    device: Device,
    event_id: str,
    kind: str,
    source: str,
    occurred_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[Alarm, bool]:
    """Store one device event as an alarm and return (alarm, created).

    Idempotent by (device, event_id): the unique constraint decides, so two concurrent deliveries of the
    same event (HTTPS retry racing an MQTT copy) still give one alarm. The row is committed when this
    returns; only then may the caller acknowledge the device. A test call is closed at once.
    """
    if kind not in AlarmKind.values:
        raise DomainError("alarm_kind_unknown", f"Unknown alarm kind {kind!r}.", status=422)
    if not event_id or len(event_id) > 64:
        raise DomainError("event_id_invalid", "event_id must be 1–64 characters.", status=422)
    now = timezone.now()
    policy, version_id = escalation_policy(timezone.localdate(now))
    is_test = kind == AlarmKind.TEST
    try:
        with transaction.atomic():
            alarm = Alarm.objects.create(
                device=device,
                event_id=event_id,
                elder_id=device.elder_id,
                division_id=device.division_id,
                kind=kind,
                source=source,
                occurred_at=occurred_at,
                received_at=now,
                payload=payload or {},
                shift=shift_at(now),
                policy_version_id=version_id,
                next_escalation_at=None if is_test else rules.first_deadline(now, policy),
            )
            AlarmEvent.objects.create(
                alarm=alarm, at=now, kind=AlarmEventKind.RECEIVED, detail={"source": source}
            )
            if is_test:
                alarm.status, alarm.taken_at, alarm.closed_at, alarm.outcome = (
                    AlarmStatus.CLOSED,
                    now,
                    now,
                    Outcome.TEST,
                )
                alarm.save(update_fields=["status", "taken_at", "closed_at", "outcome", "updated_at"])
                Device.objects.filter(pk=device.pk).update(last_test_call_at=now)
            audit_record(
                actor=None,
                action="emergency.alarm_received",
                target=alarm,
                changes={"device": device.pk, "event_id": event_id, "kind": kind, "source": source},
            )
            if not is_test:
                transaction.on_commit(lambda: alarm_publish(alarm.pk, event="new"))
    except IntegrityError:
        existing = Alarm.objects.filter(device=device, event_id=event_id).first()
        if existing is None:
            raise
        AlarmEvent.objects.create(
            alarm=existing, at=now, kind=AlarmEventKind.DUPLICATE, detail={"source": source}
        )
        return existing, False
    if os.environ.get(KILL_AFTER_COMMIT_ENV) and not transaction.get_connection().in_atomic_block:
        os.kill(os.getpid(), signal.SIGKILL)  # pragma: no cover - only in the crash test's server
    return alarm, True


@transaction.atomic
def alarm_raise_manual(*, elder: Elder, kind: str, actor: Any, note: str = "") -> Alarm:
    """An alarm taken by phone (no device): the operator who records it has taken it."""
    now = timezone.now()
    policy, version_id = escalation_policy(timezone.localdate(now))
    alarm = Alarm.objects.create(
        event_id=f"phone:{secrets.token_hex(8)}",
        elder=elder,
        division_id=elder.residence_division_id,
        kind=kind,
        source=AlarmSource.PHONE,
        received_at=now,
        status=AlarmStatus.TAKEN,
        taken_by=actor,
        taken_at=now,
        shift=shift_at(now),
        policy_version_id=version_id,
        next_escalation_at=rules.handle_deadline(now, policy),
        outcome_note=note,
    )
    AlarmEvent.objects.create(alarm=alarm, at=now, kind=AlarmEventKind.RECEIVED, detail={"source": "phone"})
    AlarmEvent.objects.create(alarm=alarm, at=now, kind=AlarmEventKind.TAKEN, actor=actor)
    audit_record(actor=actor, action="emergency.alarm_recorded", target=alarm, changes={"kind": kind})
    transaction.on_commit(lambda: alarm_publish(alarm.pk, event="new"))
    return alarm


# Handling --------------------------------------------------------------------------------------------


def _require(alarm: Alarm, target: str) -> None:
    if not rules.can_move(alarm.status, target):
        raise ConflictError(
            "alarm_wrong_status",
            f"An alarm that is {alarm.status} cannot become {target}.",
            {"status": alarm.status},
        )


@transaction.atomic
def alarm_take(*, alarm: Alarm, actor: Any) -> Alarm:
    """Take (接警) an alarm. One conditional UPDATE decides between concurrent operators: the row lock
    makes the second UPDATE wait and then re-check `status='new' AND taken_by IS NULL`, which no longer
    holds, so exactly one operator gets it and the other gets a conflict."""
    if getattr(actor, "pk", None) is None:
        raise DomainError("operator_required", "An alarm is taken by a signed-in operator.", status=403)
    now = timezone.now()
    policy, _version = escalation_policy(timezone.localdate(now))
    won = Alarm.objects.filter(pk=alarm.pk, status=AlarmStatus.NEW, taken_by__isnull=True).update(
        status=AlarmStatus.TAKEN,
        taken_by=actor,
        taken_at=now,
        next_escalation_at=rules.handle_deadline(alarm.received_at, policy),
        updated_at=now,
    )
    if not won:
        current = Alarm.objects.select_related("taken_by").get(pk=alarm.pk)
        raise ConflictError(
            "alarm_already_taken",
            "Another operator has already taken this alarm.",
            {"status": current.status, "taken_by": str(current.taken_by) if current.taken_by else None},
        )
    alarm.refresh_from_db()
    AlarmEvent.objects.create(
        alarm=alarm,
        at=now,
        kind=AlarmEventKind.TAKEN,
        actor=actor,
        detail={"answer_seconds": round((now - alarm.received_at).total_seconds(), 3)},
    )
    audit_record(
        actor=actor, action="emergency.alarm_taken", target=alarm, changes={"status": ["new", "taken"]}
    )
    transaction.on_commit(lambda: alarm_publish(alarm.pk, event="taken"))
    return alarm


def _locked(alarm: Alarm, actor: Any) -> Alarm:
    """Re-read under a row lock; only the operator who took the alarm (or a superuser) handles it."""
    locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if (
        locked.taken_by_id is not None
        and locked.taken_by_id != getattr(actor, "pk", None)
        and not getattr(actor, "is_superuser", False)
    ):
        raise ConflictError("alarm_not_yours", "Another operator is handling this alarm.")
    return locked


@transaction.atomic
def alarm_call(
    *, alarm: Alarm, callee: str, result: str, actor: Any, number: str = "", note: str = ""
) -> CallLog:
    """Place a call through the telephony adapter and log it with its result."""
    if callee not in Callee.values or result not in CallResult.values:
        raise DomainError("call_invalid", "Unknown callee or call result.", status=422)
    locked = _locked(alarm, actor)
    if locked.status not in OPEN_STATUSES or locked.status == AlarmStatus.NEW:
        raise ConflictError("alarm_wrong_status", "Take the alarm before calling.", {"status": locked.status})
    if not number and callee == Callee.ELDER and locked.elder_id:
        number = Elder.objects.only("phone").get(pk=locked.elder_id).phone
    attempt = telephony().dial(number=number, callee=callee, alarm_id=locked.pk)
    now = timezone.now()
    call = CallLog.objects.create(
        alarm=locked,
        callee=callee,
        number_masked=mask_phone(number) if number else "",
        result=result,
        operator=actor,
        started_at=now,
        adapter_ref=attempt.reference,
        note=note[:200],
    )
    AlarmEvent.objects.create(
        alarm=locked,
        at=now,
        kind=AlarmEventKind.CALL,
        actor=actor,
        detail={"callee": callee, "result": result},
    )
    audit_record(
        actor=actor,
        action="emergency.alarm_call",
        target=locked,
        changes={"callee": callee, "result": result},
    )
    return call


@transaction.atomic
def alarm_dispatch(*, alarm: Alarm, target: str, actor: Any, note: str = "") -> Alarm:
    """Dispatch help (120/110/119, a worker, an institution, family)."""
    if target not in DispatchTarget.values:
        raise DomainError("dispatch_target_unknown", f"Unknown dispatch target {target!r}.", status=422)
    locked = _locked(alarm, actor)
    _require(locked, AlarmStatus.DISPATCHED)
    now = timezone.now()
    locked.status, locked.dispatched_at, locked.dispatch_target = AlarmStatus.DISPATCHED, now, target
    locked.save(update_fields=["status", "dispatched_at", "dispatch_target", "updated_at"])
    AlarmEvent.objects.create(
        alarm=locked,
        at=now,
        kind=AlarmEventKind.DISPATCHED,
        actor=actor,
        detail={"target": target, "note": note},
    )
    audit_record(
        actor=actor,
        action="emergency.alarm_dispatched",
        target=locked,
        changes={"status": ["taken", "dispatched"], "target": target},
    )
    transaction.on_commit(lambda: alarm_publish(locked.pk, event="dispatched"))
    return locked


@transaction.atomic
def alarm_close(*, alarm: Alarm, outcome: str, actor: Any, note: str = "") -> Alarm:
    """Close with an outcome. A fall or a serious outcome becomes a care-risk event (the assessment
    module's reassessment trigger) and queues the follow-up task (a visit)."""
    if outcome not in Outcome.values or outcome == Outcome.TEST:
        raise DomainError("outcome_unknown", f"Unknown outcome {outcome!r}.", status=422)
    locked = _locked(alarm, actor)
    _require(locked, AlarmStatus.CLOSED)
    now = timezone.now()
    before = locked.status
    locked.status, locked.closed_at, locked.outcome, locked.outcome_note = (
        AlarmStatus.CLOSED,
        now,
        outcome,
        note,
    )
    locked.next_escalation_at = None
    locked.save(
        update_fields=["status", "closed_at", "outcome", "outcome_note", "next_escalation_at", "updated_at"]
    )
    AlarmEvent.objects.create(
        alarm=locked, at=now, kind=AlarmEventKind.CLOSED, actor=actor, detail={"outcome": outcome}
    )
    risk = rules.care_risk_kind(alarm_kind=locked.kind, outcome=outcome)
    if risk is not None and locked.elder_id is not None:
        CareRiskEvent.objects.create(
            elder_id=locked.elder_id,
            kind=risk,
            occurred_on=timezone.localdate(locked.occurred_at or locked.received_at),
            alarm=locked,
            division_id=locked.division_id,
        )
        from eldercare.emergency.tasks import alarm_follow_up

        transaction.on_commit(lambda: alarm_follow_up.enqueue(locked.pk))
    audit_record(
        actor=actor,
        action="emergency.alarm_closed",
        target=locked,
        changes={"status": [before, "closed"], "outcome": outcome, "care_risk_event": risk},
    )
    transaction.on_commit(lambda: alarm_publish(locked.pk, event="closed"))
    return locked


def alarm_follow_up(*, alarm_id: int) -> dict[str, Any]:
    """The follow-up of a fall or serious outcome (run by the task worker): a visit task in the visits
    module (idempotent per alarm); the assessment module reads `CareRiskEvent`
    (selectors.care_risk_event_count) for its reassessment trigger.
    """
    from eldercare.visits.services import event_visit_task

    alarm = Alarm.objects.select_related("elder").get(pk=alarm_id)
    task = None
    if alarm.elder_id is not None:
        task = event_visit_task(
            elder_id=alarm.elder_id,
            source_ref=f"alarm:{alarm.pk}",
            note=f"{alarm.get_kind_display()} · {alarm.get_outcome_display()}",
        )
    logger.info(
        "follow-up for alarm %s (elder %s): visit task %s", alarm.pk, alarm.elder_id, task and task.pk
    )
    return {"alarm": alarm.pk, "elder": alarm.elder_id, "visit_task": task.pk if task else None}


# Escalation and device health ---------------------------------------------------------------------------


def _recipients(alarm: Alarm, level: int) -> list[str]:
    """Level 1: the shift lead of the alarm's shift (or of now). Level 2: street officers of its street."""
    if level == 1:
        shift = alarm.shift or shift_at(timezone.now())
        return [shift.lead.username] if shift is not None and shift.lead is not None else []
    street = alarm.division_id[:9]
    return list(
        User.objects.filter(role=Role.STREET_OFFICER, division_id=street, is_active=True).values_list(
            "username", flat=True
        )
    )


def alarm_escalate_one(*, alarm_id: int, now: datetime) -> int | None:
    """Apply the escalation due for one alarm; returns the new level or None. Safe to run from several
    processes at once: the level moves with a conditional UPDATE, so each level is applied once."""
    with transaction.atomic():
        alarm = Alarm.objects.select_related("shift__lead").get(pk=alarm_id)
        policy, _version = escalation_policy(timezone.localdate(alarm.received_at))
        step = rules.escalation_step(
            rules.AlarmClock(
                status=alarm.status, received_at=alarm.received_at, escalation_level=alarm.escalation_level
            ),
            now=now,
            policy=policy,
        )
        if step.level is None:
            Alarm.objects.filter(pk=alarm.pk, escalation_level=alarm.escalation_level).update(
                next_escalation_at=step.next_due
            )
            return None
        moved = Alarm.objects.filter(pk=alarm.pk, escalation_level=alarm.escalation_level).update(
            escalation_level=step.level, next_escalation_at=step.next_due
        )
        if not moved:
            return None
        recipients = _recipients(alarm, step.level)
        AlarmEvent.objects.create(
            alarm=alarm,
            at=now,
            kind=AlarmEventKind.ESCALATED,
            detail={"level": step.level, "notified": recipients},
        )
        audit_record(
            actor=None,
            action="emergency.alarm_escalated",
            target=alarm,
            changes={"escalation_level": [alarm.escalation_level, step.level], "notified": recipients},
        )
        logger.warning(
            "alarm %s escalated to level %s; notified %s", alarm.pk, step.level, recipients or "nobody"
        )
        transaction.on_commit(lambda: alarm_publish(alarm.pk, event="escalated"))
        return step.level


def alarms_escalate(*, now: datetime | None = None) -> int:
    """Escalate every open alarm whose stored deadline has passed (idempotent; run every few seconds)."""
    now = now or timezone.now()
    due = list(
        Alarm.objects.filter(status__in=OPEN_STATUSES, next_escalation_at__lte=now)
        .order_by("next_escalation_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(1 for pk in due if alarm_escalate_one(alarm_id=pk, now=now) is not None)


def devices_check_silent(*, now: datetime | None = None) -> int:
    """Raise a technical alarm for each active device silent past its heartbeat interval × grace.

    One alarm per silence: the event id is made of the last heartbeat, so a re-run finds the same event."""
    now = now or timezone.now()
    policy, _version = escalation_policy(timezone.localdate(now))
    raised = 0
    candidates = Device.objects.filter(status=DeviceStatus.ACTIVE).only(
        "pk", "elder_id", "division_id", "last_heartbeat_at", "created_at", "heartbeat_interval_s"
    )
    for device in candidates.iterator(chunk_size=2000):
        if rules.device_is_silent(
            last_heartbeat_at=device.last_heartbeat_at,
            bound_at=device.created_at,
            interval_s=device.heartbeat_interval_s,
            now=now,
            grace=policy.heartbeat_grace_factor,
        ):
            since = device.last_heartbeat_at or device.created_at
            _alarm, created = alarm_receive(
                device=device,
                event_id=f"silent:{int(since.timestamp())}",
                kind=AlarmKind.DEVICE_SILENT,
                source=AlarmSource.SYSTEM,
                payload={"last_heartbeat_at": since.isoformat()},
            )
            raised += int(created)
    return raised


# Shifts, drills, resources ------------------------------------------------------------------------------


@transaction.atomic
def shift_create(
    *,
    name: str,
    division_id: str,
    starts_at: datetime,
    ends_at: datetime,
    actor: Any,
    lead: User | None = None,
    operators: list[User] | None = None,
) -> Shift:
    if ends_at <= starts_at:
        raise DomainError("shift_invalid", "A shift must end after it starts.", status=422)
    shift = Shift.objects.create(
        name=name, division_id=division_id, starts_at=starts_at, ends_at=ends_at, lead=lead
    )
    if operators:
        shift.operators.set(operators)
    audit_record(actor=actor, action="emergency.shift_created", target=shift, changes={"name": name})
    return shift


@transaction.atomic
def drill_create(
    *,
    title: str,
    division_id: str,
    held_on: Any,
    actor: Any,
    scenario: str = "",
    participants: str = "",
    participant_count: int = 0,
    findings: str = "",
) -> Drill:
    drill = Drill.objects.create(
        title=title,
        division_id=division_id,
        held_on=held_on,
        scenario=scenario,
        participants=participants,
        participant_count=participant_count,
        findings=findings,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="emergency.drill_recorded", target=drill, changes={"title": title})
    return drill


@transaction.atomic
def resource_create(
    *,
    kind: str,
    name: str,
    division_id: str,
    actor: Any,
    quantity: int = 1,
    contact: str = "",
    note: str = "",
) -> Resource:
    resource = Resource.objects.create(
        kind=kind, name=name, division_id=division_id, quantity=quantity, contact=contact, note=note
    )
    audit_record(
        actor=actor, action="emergency.resource_added", target=resource, changes={"kind": kind, "name": name}
    )
    return resource
