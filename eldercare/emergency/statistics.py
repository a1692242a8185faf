"""Statistics of the emergency centre (scoped reads): alarms per day by type and outcome, response-time
percentiles, false-alarm rate, call-answer service level per shift and operator, device health and the
monthly test call.

Computed from the alarm rows of the period in a few queries. For a whole large city over long periods a
pre-aggregated daily table refreshed by a task would replace the per-row pass (see design.md, Scale).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from eldercare.core.scope import DataScope
from eldercare.emergency import rules
from eldercare.emergency.choices import TECHNICAL_KINDS, AlarmKind, DeviceStatus
from eldercare.emergency.models import Alarm, Device
from eldercare.emergency.selectors import escalation_policy, service_level_policy


@dataclass
class AlarmStatistics:
    date_from: date
    date_to: date
    total: int = 0
    by_day_kind: dict[str, Counter[str]] = field(default_factory=dict)
    by_day_outcome: dict[str, Counter[str]] = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    answer_p50: float | None = None
    answer_p90: float | None = None
    answer_p99: float | None = None
    close_p50: float | None = None
    close_p90: float | None = None
    false_alarm_rate: float | None = None
    thresholds: list[int] = field(default_factory=list)
    target_pct: float = 0.0
    overall: rules.ServiceLevel | None = None
    by_shift: list[tuple[str, rules.ServiceLevel]] = field(default_factory=list)
    by_operator: list[tuple[str, rules.ServiceLevel]] = field(default_factory=list)
    devices_active: int = 0
    devices_silent: int = 0
    devices_low_battery: int = 0
    test_call_missed: list[Device] = field(default_factory=list)
    test_call_missed_count: int = 0


def alarm_statistics(
    *, scope: DataScope, date_from: date, date_to: date, missed_limit: int = 100
) -> AlarmStatistics:
    report = AlarmStatistics(date_from=date_from, date_to=date_to)
    sl_policy = service_level_policy(date_to)
    report.thresholds = list(sl_policy["answer_thresholds_seconds"])
    report.target_pct = float(sl_policy["target_share_pct"])
    rows = (
        Alarm.objects.for_scope(scope)
        .filter(received_at__date__gte=date_from, received_at__date__lte=date_to)
        .exclude(kind=AlarmKind.TEST)
        .values_list(
            "kind", "outcome", "received_at", "taken_at", "closed_at", "shift__name", "taken_by__username"
        )
    )
    tz = timezone.get_current_timezone()
    answers: list[float | None] = []
    closes: list[float] = []
    outcomes: list[str] = []
    per_shift: dict[str, list[float | None]] = defaultdict(list)
    per_operator: dict[str, list[float | None]] = defaultdict(list)
    kinds: set[str] = set()
    outcome_set: set[str] = set()
    for kind, outcome, received, taken, closed, shift_name, operator in rows:
        report.total += 1
        day = received.astimezone(tz).date().isoformat()
        report.by_day_kind.setdefault(day, Counter())[kind] += 1
        kinds.add(kind)
        if outcome:
            report.by_day_outcome.setdefault(day, Counter())[outcome] += 1
            outcome_set.add(outcome)
            outcomes.append(outcome)
        if kind in TECHNICAL_KINDS:
            continue  # the answer service level is about people calling
        answer = (taken - received).total_seconds() if taken else None
        answers.append(answer)
        per_shift[shift_name or "—"].append(answer)
        if operator:
            per_operator[operator].append(answer)
        if closed:
            closes.append((closed - received).total_seconds())
    answered = [a for a in answers if a is not None]
    report.answer_p50 = rules.percentile(answered, 50)
    report.answer_p90 = rules.percentile(answered, 90)
    report.answer_p99 = rules.percentile(answered, 99)
    report.close_p50 = rules.percentile(closes, 50)
    report.close_p90 = rules.percentile(closes, 90)
    report.false_alarm_rate = rules.false_alarm_rate(outcomes)
    report.kinds, report.outcomes = sorted(kinds), sorted(outcome_set)

    def level(values: list[float | None]) -> rules.ServiceLevel:
        return rules.service_level(values, thresholds=report.thresholds, target_pct=report.target_pct)

    report.overall = level(answers)
    report.by_shift = sorted((name, level(v)) for name, v in per_shift.items())
    report.by_operator = sorted((name, level(v)) for name, v in per_operator.items())
    _device_health(
        report, scope=scope, test_days=int(sl_policy["test_call_every_days"]), missed_limit=missed_limit
    )
    return report


def _device_health(report: AlarmStatistics, *, scope: DataScope, test_days: int, missed_limit: int) -> None:
    now = timezone.now()
    policy, _version = escalation_policy()
    devices = Device.objects.for_scope(scope).filter(status=DeviceStatus.ACTIVE)
    for last, created, interval, battery in devices.values_list(
        "last_heartbeat_at", "created_at", "heartbeat_interval_s", "battery_pct"
    ).iterator(chunk_size=5000):
        report.devices_active += 1
        if rules.device_is_silent(
            last_heartbeat_at=last,
            bound_at=created,
            interval_s=interval,
            now=now,
            grace=policy.heartbeat_grace_factor,
        ):
            report.devices_silent += 1
        if battery is not None and battery < policy.low_battery_pct:
            report.devices_low_battery += 1
    cutoff = now - timedelta(days=test_days)
    missed = devices.filter(Q(last_test_call_at__isnull=True) | Q(last_test_call_at__lt=cutoff)).filter(
        created_at__lt=cutoff
    )
    report.test_call_missed_count = missed.count()
    report.test_call_missed = list(
        missed.select_related("elder", "division").defer("secret").order_by("id")[:missed_limit]
    )


def as_json(report: AlarmStatistics) -> dict[str, Any]:
    return {
        "days": sorted(report.by_day_kind),
        "kinds": report.kinds,
        "series": {
            k: [report.by_day_kind[d].get(k, 0) for d in sorted(report.by_day_kind)] for k in report.kinds
        },
    }
