"""Pure decisions of the emergency centre: escalation, device health, follow-up, service levels.

No Django here: plain data in, plain data out, so each rule is tested without a database.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Alarm kinds and outcomes are plain strings here (values of choices.AlarmKind / Outcome).
OPEN = frozenset({"new", "taken", "dispatched"})
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"taken"}),
    "taken": frozenset({"dispatched", "closed"}),
    "dispatched": frozenset({"closed"}),
    "closed": frozenset(),
}


def can_move(current: str, target: str) -> bool:
    """The alarm state machine: new → taken → (dispatched →) closed."""
    return target in TRANSITIONS.get(current, frozenset())


@dataclass(frozen=True, slots=True)
class Escalation:
    take_within_seconds: int
    handle_within_minutes: int
    heartbeat_grace_factor: float = 2.0
    low_battery_pct: int = 20


@dataclass(frozen=True, slots=True)
class AlarmClock:
    """What escalation needs to know about one alarm."""

    status: str
    received_at: datetime
    escalation_level: int


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """The level to move to now (None: nothing due) and the next deadline to store (None: no more)."""

    level: int | None
    next_due: datetime | None


def first_deadline(received_at: datetime, policy: Escalation) -> datetime:
    return received_at + timedelta(seconds=policy.take_within_seconds)


def handle_deadline(received_at: datetime, policy: Escalation) -> datetime:
    return received_at + timedelta(minutes=policy.handle_within_minutes)


def escalation_step(alarm: AlarmClock, *, now: datetime, policy: Escalation) -> EscalationStep:
    """Level 1 (louder, shift lead) when not taken within N s; level 2 (street officer) when not closed
    within M min. Levels only rise, so running this twice changes nothing the second time."""
    if alarm.status not in OPEN:
        return EscalationStep(level=None, next_due=None)
    take_due = first_deadline(alarm.received_at, policy)
    handle_due = handle_deadline(alarm.received_at, policy)
    if alarm.escalation_level < 2 and now >= handle_due:
        return EscalationStep(level=2, next_due=None)
    if alarm.escalation_level < 1 and alarm.status == "new" and now >= take_due:
        return EscalationStep(level=1, next_due=handle_due)
    if alarm.escalation_level >= 2:
        return EscalationStep(level=None, next_due=None)
    return EscalationStep(
        level=None, next_due=take_due if now < take_due and alarm.status == "new" else handle_due
    )


def device_is_silent(
    *, last_heartbeat_at: datetime | None, bound_at: datetime, interval_s: int, now: datetime, grace: float
) -> bool:
    """Silent when no heartbeat arrived within interval × grace (counted from binding if none ever came)."""
    since = last_heartbeat_at or bound_at
    return now - since > timedelta(seconds=interval_s * grace)


def care_risk_kind(*, alarm_kind: str, outcome: str) -> str | None:
    """照护风险事件 from a closed alarm: any fall that was not a false alarm or test is a fall event; a door
    alarm confirmed by a visit or the police is wandering; another serious outcome is 'other'."""
    if outcome in {"false_alarm", "test", "technical"}:
        return None
    if alarm_kind == "fall":
        return "fall"
    if alarm_kind == "door" and outcome in {"visit", "police"}:
        return "wandering"
    if outcome in {"visit", "ambulance", "police"}:
        return "other"
    return None


def needs_visit_task(*, alarm_kind: str, outcome: str) -> bool:
    return care_risk_kind(alarm_kind=alarm_kind, outcome=outcome) is not None


def call_script(scripts: dict[str, list[str]], kind: str) -> list[str]:
    return list(scripts.get(kind) or scripts.get("default") or [])


def sign(secret: str, body: bytes) -> str:
    """The device signature: hex HMAC-SHA256 of the raw request body with the device's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature.strip().lower())


# Statistics -------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (pct in 0–100) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    alarms: int
    answered: int
    within: dict[int, float]  # threshold seconds → share (0–100) of all alarms answered within it
    p50: float | None
    p90: float | None
    meets_target: bool | None


def service_level(
    answer_seconds: Iterable[float | None], *, thresholds: Sequence[int], target_pct: float
) -> ServiceLevel:
    """Share of alarms answered (taken) within each threshold. An alarm never taken counts against
    every threshold (it was not answered), as telecare codes of practice count calls presented."""
    values = list(answer_seconds)
    answered = [v for v in values if v is not None]
    n = len(values)
    within = {t: (100.0 * sum(1 for v in answered if v <= t) / n if n else 0.0) for t in thresholds}
    return ServiceLevel(
        alarms=n,
        answered=len(answered),
        within=within,
        p50=percentile(answered, 50),
        p90=percentile(answered, 90),
        meets_target=(within[thresholds[0]] >= target_pct) if n else None,
    )


def false_alarm_rate(outcomes: Iterable[str]) -> float | None:
    counted = [o for o in outcomes if o not in {"test", "technical", ""}]
    if not counted:
        return None
    return 100.0 * sum(1 for o in counted if o == "false_alarm") / len(counted)
