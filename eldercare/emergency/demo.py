"""The emergency centre's part of the demo city: devices for a share of elders, a month of alarms,
day and night shifts, a drill and some resources. Inputs and their sources: data/demo.toml."""

from __future__ import annotations

import hashlib
import math
import secrets
import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.core.audit import audit_record
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.emergency.choices import AlarmSource, AlarmStatus, DispatchTarget
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
from eldercare.emergency.rules import care_risk_kind
from eldercare.registry.models import Elder

DATA = Path(__file__).parent / "data" / "demo.toml"


def _pick(rng: Any, weights: dict[str, float]) -> str:
    return str(rng.choices(list(weights), weights=list(weights.values()))[0])


@demo_reset
def emergency_demo_reset(city_code: str) -> None:
    """Remove the city's emergency rows (they refer to its elders) before the demo city is rebuilt."""
    alarms = Alarm.objects.filter(division__code__startswith=city_code)
    CareRiskEvent.objects.filter(division__code__startswith=city_code).delete()
    AlarmEvent.objects.filter(alarm__in=alarms).delete()
    CallLog.objects.filter(alarm__in=alarms).delete()
    alarms.delete()
    Device.objects.filter(division__code__startswith=city_code).delete()
    Shift.objects.filter(division__code__startswith=city_code).delete()
    Drill.objects.filter(division__code__startswith=city_code).delete()
    Resource.objects.filter(division__code__startswith=city_code).delete()


@demo_step(order=60)
def emergency_demo(ctx: DemoContext) -> None:
    inputs = tomllib.loads(DATA.read_text(encoding="utf-8"))
    rng = ctx.rng("emergency")
    tz = timezone.get_current_timezone()
    now = timezone.now()  # heartbeats and test calls are recent whenever the demo is built
    end = datetime.combine(ctx.today, time(0), tzinfo=tz)  # the month of alarms ends on ctx.today
    operator = User.objects.filter(username="emergency_operator").first()
    elders = list(
        Elder.objects.filter(residence_division__code__startswith=ctx.city_code, status="active")
        .order_by("id")
        .values_list("id", "residence_division_id")
    )
    share = float(inputs["devices"]["share_of_elders"])
    chosen = [e for e in elders if rng.random() < share]
    month_ago = end - timedelta(days=30)
    devices = []
    for n, (elder_id, division_id) in enumerate(chosen, start=1):
        token = f"dv_demo_{ctx.seed}_{n}_{secrets.token_hex(4)}"
        tested = rng.random() < float(inputs["devices"]["test_call_share"])
        devices.append(
            Device(
                serial=f"DEMO-{ctx.city_code}-{n:06d}",
                kind=_pick(rng, inputs["devices"]["kinds"]),
                elder_id=elder_id,
                division_id=division_id,
                token_prefix=token[:10],
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                secret=secrets.token_urlsafe(16),
                heartbeat_interval_s=3600,
                last_heartbeat_at=now - timedelta(minutes=rng.randint(1, 50)),
                battery_pct=rng.randint(15, 100),
                last_test_call_at=now - timedelta(days=rng.randint(1, 28)) if tested else None,
            )
        )
    Device.objects.bulk_create(devices, batch_size=2000)
    Device.objects.filter(serial__startswith=f"DEMO-{ctx.city_code}-").update(
        created_at=month_ago - timedelta(days=60)
    )
    devices = list(Device.objects.filter(serial__startswith=f"DEMO-{ctx.city_code}-").order_by("id"))
    shifts = []
    for day in range(31):
        start = datetime.combine(ctx.today - timedelta(days=day), time(8), tzinfo=tz)
        shifts.append(
            Shift(
                name="白班 day",
                division_id=ctx.city_code,
                starts_at=start,
                ends_at=start + timedelta(hours=12),
                lead=operator,
            )
        )
        shifts.append(
            Shift(
                name="夜班 night",
                division_id=ctx.city_code,
                starts_at=start + timedelta(hours=12),
                ends_at=start + timedelta(hours=24),
                lead=operator,
            )
        )
    Shift.objects.bulk_create(shifts)
    shifts = list(Shift.objects.filter(division_id=ctx.city_code).order_by("starts_at"))
    alarm_in = inputs["alarms"]
    expected = len(devices) * float(alarm_in["per_device_month"])
    count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
    alarms = []
    for n in range(count):
        device = rng.choice(devices)
        received = month_ago + timedelta(seconds=rng.randint(0, 30 * 86400 - 3600))
        kind = _pick(rng, alarm_in["kinds"])
        outcome = (
            "technical" if kind in {"device_silent", "low_battery"} else _pick(rng, alarm_in["outcomes"])
        )
        answer = math.exp(
            math.log(float(alarm_in["answer_median_s"])) + rng.gauss(0, float(alarm_in["answer_sigma"]))
        )
        taken = received + timedelta(seconds=answer)
        dispatched = (
            taken + timedelta(minutes=rng.randint(1, 5))
            if outcome in {"ambulance", "police", "visit"}
            else None
        )
        closed = (dispatched or taken) + timedelta(minutes=rng.randint(2, 40))
        shift = next((s for s in shifts if s.starts_at <= received < s.ends_at), None)
        alarms.append(
            Alarm(
                device=device,
                event_id=f"demo-{n}",
                elder_id=device.elder_id,
                division_id=device.division_id,
                kind=kind,
                source=rng.choice([AlarmSource.HTTPS, AlarmSource.MQTT]),
                status=AlarmStatus.CLOSED,
                received_at=received,
                occurred_at=received,
                taken_by=operator,
                taken_at=taken,
                dispatched_at=dispatched,
                dispatch_target={
                    "ambulance": DispatchTarget.AMBULANCE_120,
                    "police": DispatchTarget.POLICE_110,
                    "visit": DispatchTarget.COMMUNITY_WORKER,
                }.get(outcome, ""),
                closed_at=closed,
                outcome=outcome,
                shift=shift,
                payload={"demo": True, "care_risk": care_risk_kind(alarm_kind=kind, outcome=outcome)},
            )
        )
    Alarm.objects.bulk_create(alarms, batch_size=2000)
    Drill.objects.create(
        title="平安通 夜间跌倒接警演练",
        division_id=ctx.city_code,
        held_on=ctx.today - timedelta(days=12),
        scenario="独居老人夜间跌倒，设备报警后无应答",
        participants="坐席、社区网格员、居家服务商",
        participant_count=9,
        findings="两名坐席未按话术询问头部撞击；门禁信息缺失 3 户。",
        created_by=operator,
    )
    for kind, name, qty in [
        ("team", "社区应急救援队", 12),
        ("vehicle", "助老服务车", 2),
        ("supplies", "急救包", 40),
    ]:
        Resource.objects.create(
            kind=kind, name=name, division_id=ctx.city_code, quantity=qty, contact="平安通中心"
        )
    audit_record(
        actor=ctx.actor,
        action="emergency.demo_generated",
        division_code=ctx.city_code,
        changes={"devices": len(devices), "alarms": len(alarms), "shifts": len(shifts)},
    )
    ctx.notes.append(
        f"emergency: {len(devices)} devices ({share:.1%} of elders; {inputs['devices']['share_source']}), "
        f"{len(alarms)} alarms in 30 days ({alarm_in['source']})"
    )
