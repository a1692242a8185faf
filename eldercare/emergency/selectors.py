"""Reads of the emergency centre, always limited to the caller's data scope.

`elder_card` gathers what an operator needs about the elder behind an alarm. The parts owned by other
modules (health facts and contacts in the registry, the ability level in assessment, visits) each sit
behind one small function below, which answers "nothing known" until that module is merged and the
function is pointed at it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from eldercare.assessment.selectors import current_level
from eldercare.core.scope import DataScope
from eldercare.core.selectors import policy_value
from eldercare.emergency import rules
from eldercare.emergency.choices import OPEN_STATUSES, DeviceStatus
from eldercare.emergency.models import Alarm, CareRiskEvent, Device, Drill, Resource, Shift
from eldercare.registry.models import Elder, ElderContact

# Defaults used only when the city profile has no version of a key (e.g. a bare test database); they
# equal the seeded values in core/data/profiles/*.toml, which carry the source.
DEFAULT_ESCALATION = {
    "take_within_seconds": 60,
    "handle_within_minutes": 30,
    "heartbeat_grace_factor": 2.0,
    "low_battery_pct": 20,
}
DEFAULT_SERVICE_LEVEL = {
    "answer_thresholds_seconds": [60, 180],
    "target_share_pct": 98.5,
    "test_call_every_days": 31,
}
DEFAULT_SCRIPTS: dict[str, list[str]] = {
    "default": [
        "确认老人身份与所在位置",
        "询问需要什么帮助，判断是否紧急",
        "必要时拨打120/110并通知家属",
        "记录处置结果并结案",
    ]
}


def escalation_policy(on: date | None = None) -> tuple[rules.Escalation, int]:
    pv = policy_value("emergency.escalation", on=on, default=DEFAULT_ESCALATION)
    return rules.Escalation(**pv.value), pv.version_id


def service_level_policy(on: date | None = None) -> dict[str, Any]:
    return dict(policy_value("emergency.service_level", on=on, default=DEFAULT_SERVICE_LEVEL).value)


def call_script(kind: str, on: date | None = None) -> list[str]:
    return rules.call_script(
        policy_value("emergency.call_scripts", on=on, default=DEFAULT_SCRIPTS).value, kind
    )


# Devices ---------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_by_token(token: str) -> Device | None:
    """The active device holding this bearer token (system read: devices have no user scope)."""
    return (
        Device.objects.select_related("elder")
        .filter(token_hash=token_hash(token), status=DeviceStatus.ACTIVE)
        .first()
    )


def device_list(*, scope: DataScope, kind: str = "", elder_id: int | None = None) -> QuerySet[Device]:
    qs = Device.objects.for_scope(scope).select_related("elder", "division").defer("secret")
    if kind:
        qs = qs.filter(kind=kind)
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs.order_by("id")


def access_device(*, scope: DataScope, device_id: int) -> Device:
    device = device_list(scope=scope).filter(pk=device_id).first()
    if device is None:
        raise Http404("No such device.")
    return device


# Alarms ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlarmFilter:
    status: str = ""
    kind: str = ""
    open_only: bool = False
    date_from: date | None = None
    date_to: date | None = None
    elder_id: int | None = None


def alarm_list(*, scope: DataScope, filters: AlarmFilter | None = None) -> QuerySet[Alarm]:
    f = filters or AlarmFilter()
    qs = Alarm.objects.for_scope(scope).select_related("elder", "division", "taken_by", "device")
    if f.open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from:
        qs = qs.filter(received_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(received_at__date__lte=f.date_to)
    if f.elder_id is not None:
        qs = qs.filter(elder_id=f.elder_id)
    return qs.defer("elder__id_number", "elder__phone", "elder__address", "device__secret").order_by(
        "-received_at", "-id"
    )


def open_alarms(*, scope: DataScope) -> QuerySet[Alarm]:
    """The console's list: open alarms, untaken first, oldest first within each status."""
    return alarm_list(scope=scope, filters=AlarmFilter(open_only=True)).order_by(
        "-escalation_level", "status", "received_at"
    )


def access_alarm(*, scope: DataScope, alarm_id: int) -> Alarm:
    alarm = alarm_list(scope=scope).filter(pk=alarm_id).first()
    if alarm is None:
        raise Http404("No such alarm.")
    return alarm


def alarm_timeline(alarm: Alarm) -> list[Any]:
    return list(alarm.events.select_related("actor").order_by("at", "id"))


# The elder's card ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    relation: str
    phone_masked: str


@dataclass(frozen=True, slots=True)
class ElderCard:
    elder: Elder
    age: int
    conditions: list[str] = field(default_factory=list)
    ability_level: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    recent_alarms: list[Alarm] = field(default_factory=list)
    recent_visits: list[Any] = field(default_factory=list)


def elder_conditions(elder: Elder) -> list[str]:
    """Chronic conditions and the care-relevant health facts the registry holds (no query)."""
    facts = [str(c) for c in (elder.chronic_conditions or [])]
    if elder.dementia_diagnosed:
        facts.append(str(_("dementia diagnosed")))
    return facts


def elder_ability_level(elder: Elder) -> str | None:
    """The published ability level (GB/T 42195), marked when it has expired (one query)."""
    level = current_level(elder)
    if level is None:
        return None
    text = f"{level.level} {level.level_name}"
    return f"{text} ({_('expired')})" if level.expired else text


def elder_contacts(elder: Elder) -> list[Contact]:
    """Guardians and emergency contacts first, phones masked (one query)."""
    return [
        Contact(name=c.name, relation=c.get_relation_display(), phone_masked=c.phone_masked or "—")
        for c in ElderContact.objects.filter(elder=elder).defer("phone")
    ]


def elder_recent_visits(elder: Elder) -> list[Any]:
    """Recent visits (探访), from the visits module."""
    from eldercare.visits.selectors import recent_visits

    return recent_visits(elder_id=elder.pk, limit=3)


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def elder_card(
    *, scope: DataScope, elder: Elder, today: date | None = None, exclude_alarm: int | None = None
) -> ElderCard:
    today = today or timezone.localdate()
    recent = alarm_list(scope=scope, filters=AlarmFilter(elder_id=elder.pk))
    if exclude_alarm is not None:
        recent = recent.exclude(pk=exclude_alarm)
    return ElderCard(
        elder=elder,
        age=age_on(elder.birth_date, today),
        conditions=elder_conditions(elder),
        ability_level=elder_ability_level(elder),
        contacts=elder_contacts(elder),
        recent_alarms=list(recent[:5]),
        recent_visits=elder_recent_visits(elder),
    )


# Care-risk events (read by the assessment module) -----------------------------------------------------


def care_risk_event_count(
    *,
    elder_id: int,
    on: date,
    days: int = 30,
    kinds: tuple[str, ...] = ("fall", "choking", "self_harm", "wandering"),
) -> int:
    """照护风险事件 in the `days` days up to `on` (GB/T 42195 A.2.14 counts the last 30 days)."""
    return CareRiskEvent.objects.filter(
        elder_id=elder_id, kind__in=kinds, occurred_on__gt=on - timedelta(days=days), occurred_on__lte=on
    ).count()


def care_risk_event_counts(*, elder_id: int, on: date, days: int = 30) -> dict[str, int]:
    """照护风险事件 by kind in the `days` days up to `on`, in one grouped query (for the assessment form)."""
    rows = (
        CareRiskEvent.objects.filter(
            elder_id=elder_id, occurred_on__gt=on - timedelta(days=days), occurred_on__lte=on
        )
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


def care_risk_events(*, scope: DataScope, elder_id: int | None = None) -> QuerySet[CareRiskEvent]:
    qs = CareRiskEvent.objects.for_scope(scope).select_related("elder", "division")
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs.order_by("-occurred_on", "-id")


# Shifts, drills, resources ------------------------------------------------------------------------------


def shift_at(at: datetime) -> Shift | None:
    return (
        Shift.objects.filter(starts_at__lte=at, ends_at__gt=at)
        .select_related("lead")
        .order_by("-starts_at")
        .first()
    )


def shift_list(*, scope: DataScope) -> QuerySet[Shift]:
    return (
        Shift.objects.for_scope(scope)
        .select_related("lead")
        .prefetch_related("operators")
        .order_by("-starts_at")
    )


def drill_list(*, scope: DataScope) -> QuerySet[Drill]:
    return Drill.objects.for_scope(scope).select_related("division").order_by("-held_on", "-id")


def resource_list(*, scope: DataScope) -> QuerySet[Resource]:
    return (
        Resource.objects.for_scope(scope).select_related("division").order_by("division_id", "kind", "name")
    )
