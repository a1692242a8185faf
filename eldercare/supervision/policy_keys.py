"""Policy keys of supervision. Seeded in both city profiles; no city rule was found for most of them, so
the seeds are labelled assumptions the bureau is expected to confirm."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy

if TYPE_CHECKING:
    from eldercare.core.selectors import PolicyValue

OfficeLevel = Literal["community", "street", "district", "city"]


class ComplaintTimeLimits(BaseModel):
    acknowledge_hours: int = Field(gt=0)
    answer_days: int = Field(gt=0)


class ComplaintEscalation(BaseModel):
    """After a first escalation, a case still overdue escalates again every `repeat_hours`, up to the city."""

    repeat_hours: int = Field(gt=0)


class ComplaintRouting(BaseModel):
    default: OfficeLevel
    subjects: dict[str, OfficeLevel] = {}


class RectificationDays(BaseModel):
    days_by_severity: dict[Literal["minor", "major", "critical"], int]


class CreditWeights(BaseModel):
    """Points of the institution/provider credit score (信用评价) and its grades."""

    base: int = 100
    finding: dict[Literal["minor", "major", "critical"], int]
    failed_inspection: int
    overdue_rectification: int
    complaint: int
    complaint_substantiated: int
    incident: int
    per_star_above_three: int
    grades: dict[str, int]  # grade -> lowest score, e.g. {"A": 90, "B": 75, "C": 60}; below all: "D"
    lookback_days: int = Field(gt=0)
    risk_days_per_point: int = Field(gt=0)  # days since last inspection that add one risk point


class DrawPolicy(BaseModel):
    conflict_lookback_years: int = Field(ge=0)


register_policy(
    "supervision.complaint_time_limits",
    title="投诉举报办理时限 Complaint time limits",
    description="Hours to acknowledge a complaint and days to answer it, counted from receipt.",
    schema=ComplaintTimeLimits,
)
register_policy(
    "supervision.complaint_escalation",
    title="投诉超时升级 Complaint escalation",
    description="A complaint past a due time goes to the parent office; if still overdue it goes up again "
    "after repeat_hours, until the city office.",
    schema=ComplaintEscalation,
)
register_policy(
    "supervision.complaint_routing",
    title="投诉分办规则 Complaint routing",
    description="Which office level handles a complaint, by subject (default for unlisted subjects). The "
    "office is the ancestor of the matter's division at that level.",
    schema=ComplaintRouting,
)
register_policy(
    "supervision.rectification_days",
    title="整改期限 Rectification deadlines",
    description="Days an organisation has to rectify, by the most severe finding.",
    schema=RectificationDays,
)
register_policy(
    "supervision.credit_weights",
    title="机构信用评价权重 Institution credit weights",
    description="Points deducted per finding, failed inspection, overdue rectification, complaint and "
    "incident within lookback_days; points added per star above three; grade thresholds; risk points "
    "for days since the last inspection.",
    schema=CreditWeights,
)
register_policy(
    "supervision.draw",
    title="双随机抽查 Draw rules",
    description="An inspector who worked at a target within conflict_lookback_years may not inspect it.",
    schema=DrawPolicy,
)

# Built-in defaults (version 0) used when a profile has no version of a key: the same values as the
# labelled assumptions seeded in both city profiles, so a fresh installation behaves the same.
DEFAULTS: dict[str, object] = {
    "supervision.complaint_time_limits": {"acknowledge_hours": 24, "answer_days": 15},
    "supervision.complaint_escalation": {"repeat_hours": 24},
    "supervision.complaint_routing": {
        "default": "street",
        "subjects": {
            "abuse": "district",
            "safety": "district",
            "food": "district",
            "fees": "district",
            "subsidy": "district",
        },
    },
    "supervision.rectification_days": {"days_by_severity": {"critical": 7, "major": 15, "minor": 30}},
    "supervision.credit_weights": {
        "base": 100,
        "finding": {"critical": 15, "major": 6, "minor": 2},
        "failed_inspection": 5,
        "overdue_rectification": 10,
        "complaint": 1,
        "complaint_substantiated": 5,
        "incident": 5,
        "per_star_above_three": 2,
        "grades": {"A": 90, "B": 75, "C": 60},
        "lookback_days": 730,
        "risk_days_per_point": 30,
    },
    "supervision.draw": {"conflict_lookback_years": 3},
}


def supervision_policy(key: str, *, on: date | None = None) -> PolicyValue:
    """The policy in force, falling back to the built-in default (version id 0)."""
    from eldercare.core.selectors import policy_value

    return policy_value(key, on=on, default=DEFAULTS[key])
