"""Policy keys of the ability assessment: adjustment choices, validity and quality control."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy


class AdjustmentSettings(BaseModel):
    """How C.4's raises combine; both choices are open in the standard's text (domain.md §1)."""

    stack_raises: bool = False
    risk_events_counting: Literal["sum", "single_type"] = "sum"
    risk_events_threshold: int = Field(default=2, ge=1, le=10)


class ValiditySettings(BaseModel):
    months: int = Field(default=12, ge=1, le=60)
    remind_days_before: int = Field(default=30, ge=0, le=180)
    request_on_expiry: bool = True


class QualityControlSettings(BaseModel):
    recheck_share: float = Field(default=0.05, ge=0, le=1)
    recheck_window_days: int = Field(default=90, ge=1, le=365)


register_policy(
    "assessment.adjustments",
    title="能力等级变更规则 Level adjustment choices (GB/T 42195-2022 C.4)",
    description="Whether the dementia/psychiatric raise and the risk-event raise stack (default: at most one "
    "level in total), whether 'two or more care-risk events in 30 days' counts the sum over event types or "
    "any single type (default: the sum), and the threshold (default 2).",
    schema=AdjustmentSettings,
)
register_policy(
    "assessment.validity",
    title="评估结果有效期 Validity of an assessment result",
    description="Months a published result stays valid (MZ/T 039 said 6; GB/T 42195's period was not found, "
    "many cities use 12), days before expiry when the reminder goes out, and whether an expired result opens "
    "a reassessment request automatically.",
    schema=ValiditySettings,
)
register_policy(
    "assessment.quality_control",
    title="评估质量控制 Quality control of assessments",
    description="Share of published assessments re-done by a second team (抽查复核) and the window, in days, "
    "from which the sample is drawn.",
    schema=QualityControlSettings,
)
