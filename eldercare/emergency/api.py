"""Emergency API: device intake (device token + signed body) and the operators' alarm operations."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.pagination import PagePagination
from eldercare.emergency import services
from eldercare.emergency.choices import AlarmSource
from eldercare.emergency.device_auth import DeviceAuth
from eldercare.emergency.schemas import (
    AlarmAck,
    AlarmFilterIn,
    AlarmIn,
    AlarmOut,
    CloseIn,
    DeviceOut,
    DispatchIn,
    HeartbeatAck,
    HeartbeatIn,
)
from eldercare.emergency.selectors import AlarmFilter, access_alarm, alarm_list, device_list

router = Router(tags=["emergency"])


@router.post("/devices/alarms", auth=DeviceAuth(), response={200: AlarmAck, 201: AlarmAck})
def device_alarm_post(request: HttpRequest, payload: AlarmIn) -> Any:
    """A device or gateway reports an event. Answered only after the alarm is committed: 201 when new,
    200 when this event was already received (the device may stop retrying either way)."""
    device = request.auth  # type: ignore[attr-defined]
    data = dict(payload.data)
    if payload.battery_pct is not None:
        data["battery_pct"] = payload.battery_pct
    alarm, created = services.alarm_receive(
        device=device,
        event_id=payload.event_id,
        kind=payload.kind,
        source=AlarmSource.HTTPS,
        occurred_at=payload.occurred_at,
        payload=data,
    )
    ack = {"alarm_id": alarm.pk, "duplicate": not created, "received_at": alarm.received_at}
    return Status(201 if created else 200, ack)


@router.post("/devices/heartbeat", auth=DeviceAuth(), response=HeartbeatAck)
def device_heartbeat_post(request: HttpRequest, payload: HeartbeatIn) -> Any:
    device = request.auth  # type: ignore[attr-defined]
    alarm = services.device_heartbeat(device=device, battery_pct=payload.battery_pct)
    return {"device": device.serial, "technical_alarm_id": alarm.pk if alarm else None}


@router.get("/emergency/alarms", response=list[AlarmOut])
@api_operation
@paginate(PagePagination)
def emergency_alarm_list(request: HttpRequest, filters: Query[AlarmFilterIn]) -> Any:
    return alarm_list(scope=request.auth.scope, filters=AlarmFilter(**filters.dict()))  # type: ignore[attr-defined]


@router.get("/emergency/alarms/{alarm_id}", response=AlarmOut)
@api_operation
def emergency_alarm_detail(request: HttpRequest, alarm_id: int) -> Any:
    return access_alarm(scope=request.auth.scope, alarm_id=alarm_id)  # type: ignore[attr-defined]


@router.post("/emergency/alarms/{alarm_id}/take", response=AlarmOut)
@api_operation
def emergency_alarm_take(request: HttpRequest, alarm_id: int) -> Any:
    alarm = access_alarm(scope=request.auth.scope, alarm_id=alarm_id)  # type: ignore[attr-defined]
    return services.alarm_take(alarm=alarm, actor=request.auth.user)  # type: ignore[attr-defined]


@router.post("/emergency/alarms/{alarm_id}/dispatch", response=AlarmOut)
@api_operation
def emergency_alarm_dispatch(request: HttpRequest, alarm_id: int, payload: DispatchIn) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    alarm = access_alarm(scope=principal.scope, alarm_id=alarm_id)
    return services.alarm_dispatch(
        alarm=alarm, target=payload.target, note=payload.note, actor=principal.user
    )


@router.post("/emergency/alarms/{alarm_id}/close", response=AlarmOut)
@api_operation
def emergency_alarm_close(request: HttpRequest, alarm_id: int, payload: CloseIn) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    alarm = access_alarm(scope=principal.scope, alarm_id=alarm_id)
    return services.alarm_close(alarm=alarm, outcome=payload.outcome, note=payload.note, actor=principal.user)


@router.get("/emergency/devices", response=list[DeviceOut])
@api_operation
@paginate(PagePagination)
def emergency_device_list(request: HttpRequest) -> Any:
    return device_list(scope=request.auth.scope)  # type: ignore[attr-defined]
