"""Policy keys of the emergency centre: escalation timers, call scripts, service-level targets."""

from __future__ import annotations

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy


class EscalationPolicy(BaseModel):
    """升级规则: N seconds to take an alarm, M minutes to handle it (domain-reference §12: configurable)."""

    take_within_seconds: int = Field(ge=5, le=3600)
    handle_within_minutes: int = Field(ge=1, le=24 * 60)
    heartbeat_grace_factor: float = Field(default=2.0, ge=1.0, le=10.0)
    low_battery_pct: int = Field(default=20, ge=0, le=100)


class ServiceLevelPolicy(BaseModel):
    """呼叫应答服务水平: answered within each threshold; target share for the first threshold."""

    answer_thresholds_seconds: list[int] = Field(min_length=1)
    target_share_pct: float = Field(ge=0, le=100)
    test_call_every_days: int = Field(default=31, ge=1, le=366)


register_policy(
    "emergency.escalation",
    title="警情升级规则 Alarm escalation",
    description="An alarm not taken within take_within_seconds rings louder and notifies the shift lead; "
    "one not closed within handle_within_minutes notifies the street officer. A device silent for longer "
    "than its heartbeat interval × heartbeat_grace_factor raises a technical alarm; so does a battery "
    "below low_battery_pct.",
    schema=EscalationPolicy,
)

register_policy(
    "emergency.call_scripts",
    title="接警话术 Call scripts by alarm type",
    description="The steps an operator follows for each alarm type (key: alarm kind; 'default' for "
    "the rest).",
    schema=dict[str, list[str]],
)

register_policy(
    "emergency.service_level",
    title="接警服务水平 Call-answer service level",
    description="Thresholds (seconds from receipt to taking the alarm) reported per shift and operator, the "
    "target share answered within the first threshold, and how often each device must place a test call.",
    schema=ServiceLevelPolicy,
)
