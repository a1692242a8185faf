"""Policy keys of the visits module: visit tiers (how often, and who is in which tier) and operations.

Values are seeded in both city profiles (`core/data/profiles/*.toml`) with their source or labelled as
assumptions; the defaults below are used only when a profile carries no version (a bare test database).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy


class TierFrequency(BaseModel):
    """How often one tier is visited: `min_visits` per `period`; `event_response_hours` after an event."""

    min_visits: int = Field(1, ge=1, le=7)
    period: Literal["week", "month", "quarter"]
    event_response_hours: int = Field(72, ge=1, le=24 * 31)


class HighRiskCriteria(BaseModel):
    """高风险对象: any one of these puts an elder in the high-risk tier."""

    min_age_living_alone: int | None = Field(80, ge=60, le=120)
    living_situations: list[str] = Field(default_factory=lambda: ["alone", "empty_nest", "left_behind"])
    conditions: list[str] = Field(default_factory=list)  # chronic conditions as the registry names them
    min_ability_level: int | None = Field(None, ge=1, le=4)
    care_risk_events: int | None = Field(1, ge=1)  # falls etc. (emergency CareRiskEvent) in the lookback
    serious_findings: int | None = Field(1, ge=1)  # serious visit findings in the lookback
    lookback_days: int = Field(90, ge=1, le=366)


class KeyCriteria(BaseModel):
    """重点对象: any one of these puts an elder (not high risk) in the key tier."""

    min_ability_level: int | None = Field(2, ge=1, le=4)  # 失能
    dementia: bool = True  # 失智
    max_disability_grade: int | None = Field(2, ge=1, le=4)  # 重残
    economic_statuses: list[str] = Field(default_factory=lambda: ["tekun"])  # 分散供养特困
    groups: list[str] = Field(default_factory=lambda: ["fp_special"])  # 计划生育特殊家庭


class VisitTiersValue(BaseModel):
    frequencies: dict[Literal["high_risk", "key", "general"], TierFrequency]
    high_risk: HighRiskCriteria
    key: KeyCriteria


Method = Literal["in_person", "phone", "video"]
ALL_METHODS: tuple[Method, ...] = ("in_person", "phone", "video")


class VisitOperationsValue(BaseModel):
    """What counts as a visit, follow-up deadlines, what is serious, default visitor capacity."""

    counted_methods: list[Method] = Field(default_factory=lambda: list(ALL_METHODS), min_length=1)
    not_found_retry_days: int = Field(2, ge=0, le=31)
    not_found_serious_after: int = Field(2, ge=1, le=10)
    follow_up_due_days: dict[str, int] = Field(default_factory=dict)
    serious_items: list[str] = Field(default_factory=lambda: ["health", "home_safety"])
    default_capacity: int = Field(60, ge=1, le=1000)


DEFAULT_TIERS: dict[str, object] = {
    "frequencies": {
        "high_risk": {"min_visits": 1, "period": "week", "event_response_hours": 24},
        "key": {"min_visits": 1, "period": "month", "event_response_hours": 72},
        "general": {"min_visits": 1, "period": "quarter", "event_response_hours": 72},
    },
    "high_risk": {
        "min_age_living_alone": 80,
        "living_situations": ["alone", "empty_nest", "left_behind"],
        "conditions": ["阿尔茨海默病", "重度高血压", "心脏病"],
        "min_ability_level": None,
        "care_risk_events": 1,
        "serious_findings": 1,
        "lookback_days": 90,
    },
    "key": {
        "min_ability_level": 2,
        "dementia": True,
        "max_disability_grade": 2,
        "economic_statuses": ["tekun"],
        "groups": ["fp_special"],
    },
}
DEFAULT_OPERATIONS: dict[str, object] = {
    "counted_methods": ["in_person", "phone", "video"],
    "not_found_retry_days": 2,
    "not_found_serious_after": 2,
    "follow_up_due_days": {
        "home_care": 7,
        "reassessment": 14,
        "emergency_device": 14,
        "contact_family": 2,
        "medical": 2,
        "home_adaptation": 30,
        "locate": 1,
        "other": 7,
    },
    "serious_items": ["health", "home_safety"],
    "default_capacity": 60,
}

register_policy(
    "visits.tiers",
    title="探访分级 Visit tiers",
    description="How often each tier is visited (min_visits per week, month or quarter; "
    "event_response_hours after an alarm) and which facts put an elder in the high-risk tier (80+ living "
    "alone / empty nest / left behind, listed conditions, assessed level, recent falls, serious visit "
    "findings) or the key tier "
    "(失能, 失智, 重残, 分散供养特困, 计划生育特殊家庭); everyone else on the list is general.",
    schema=VisitTiersValue,
)

register_policy(
    "visits.operations",
    title="探访工作参数 Visit operations",
    description="Which methods count as a visit for the monthly visit rate; when to revisit an elder not "
    "found at home, and after how many misses that is serious; days to close each follow-up kind; "
    "checklist items whose 'risk' is serious (notify the street officer at once); visits a month a "
    "visitor takes on by default.",
    schema=VisitOperationsValue,
)
