"""What the emergency centre contributes to plan monitoring (discovered by eldercare.planning.registry).

Alarms are counted in the month they were received (received_at, Asia/Shanghai), in the community of the
device (Alarm.division). Technical alarms (device silent, low battery) and test calls are not alarms of
people: they are left out of every count here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from eldercare.emergency.choices import SERIOUS_OUTCOMES, TECHNICAL_KINDS, AlarmKind, Outcome
from eldercare.emergency.models import Alarm
from eldercare.planning.registry import key_counts

LABELS = {
    "alarms.total": "紧急呼叫（不含设备告警与测试）",
    "alarms.sos": "一键呼救",
    "alarms.fall": "跌倒报警",
    "alarms.serious": "上门、120 或 110 处置",
    "alarms.false": "误报",
}


@key_counts("emergency.alarms", labels=LABELS, units=dict.fromkeys(LABELS, "次"), flow=True)
def alarm_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    rows = (
        Alarm.objects.filter(
            division__code__startswith=division_code, received_at__gte=since, received_at__lt=until
        )
        .exclude(kind__in=[*TECHNICAL_KINDS, AlarmKind.TEST])
        .values("division_id")
        .annotate(
            total=Count("id"),
            sos=Count("id", filter=Q(kind=AlarmKind.SOS)),
            fall=Count("id", filter=Q(kind=AlarmKind.FALL)),
            serious=Count("id", filter=Q(outcome__in=list(SERIOUS_OUTCOMES))),
            false=Count("id", filter=Q(outcome=Outcome.FALSE_ALARM)),
        )
        .order_by()
    )
    out: dict[str, dict[str, float]] = {key: {} for key in LABELS}
    for row in rows:
        values: dict[str, Any] = dict(row)
        code = values.pop("division_id")
        for name, value in values.items():
            out[f"alarms.{name}"][code] = value
    return out
