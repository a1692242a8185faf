from datetime import datetime

from ninja import Field, Schema


class AlarmIn(Schema):
    """One device event. `event_id` is the device's own id for the event: resending it is harmless."""

    event_id: str = Field(min_length=1, max_length=64)
    kind: str
    occurred_at: datetime | None = None
    battery_pct: int | None = Field(default=None, ge=0, le=100)
    data: dict = Field(default_factory=dict)


class AlarmAck(Schema):
    alarm_id: int
    duplicate: bool
    received_at: datetime


class HeartbeatIn(Schema):
    battery_pct: int | None = Field(default=None, ge=0, le=100)


class HeartbeatAck(Schema):
    device: str
    technical_alarm_id: int | None = None


class AlarmOut(Schema):
    id: int
    kind: str
    status: str
    source: str
    device_id: int | None
    elder_id: int | None
    division_id: str
    received_at: datetime
    taken_by_id: int | None
    taken_at: datetime | None
    dispatched_at: datetime | None
    dispatch_target: str
    closed_at: datetime | None
    outcome: str
    escalation_level: int
    next_escalation_at: datetime | None


class AlarmFilterIn(Schema):
    status: str = ""
    kind: str = ""
    open_only: bool = False


class DispatchIn(Schema):
    target: str
    note: str = ""


class CloseIn(Schema):
    outcome: str
    note: str = ""


class DeviceOut(Schema):
    id: int
    serial: str
    kind: str
    elder_id: int
    division_id: str
    status: str
    heartbeat_interval_s: int
    last_heartbeat_at: datetime | None
    battery_pct: int | None
    last_test_call_at: datetime | None
