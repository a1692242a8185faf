"""Policy keys of the workforce registry. Seeded in both city profiles; values are city policy."""

from __future__ import annotations

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy


class StaffingRatios(BaseModel):
    """Residents one care worker may look after, by the residents' care level (护理等级)."""

    residents_per_worker: dict[str, float] = Field(min_length=1)


class SocialWorkerTargets(BaseModel):
    """Plan targets: social workers per 1,000 elders and per 100 institution beds (None: no target)."""

    per_1000_elders: float | None = None
    per_100_beds: float | None = None


register_policy(
    "workforce.staffing_ratios",
    title="养老机构护理人员配比 Care-worker staffing ratios",
    description="Residents per care worker (养老护理员) by care level: self_care, partial (半失能), "
    "full (失能), dementia. The required number of workers is the sum over levels of "
    "ceil(residents / ratio); fewer employed workers is a shortfall.",
    schema=StaffingRatios,
)
register_policy(
    "workforce.social_worker_targets",
    title="社会工作者配备目标 Social-worker targets",
    description="Social workers per 1,000 elders and per 100 institution beds the plan asks for.",
    schema=SocialWorkerTargets,
)
register_policy(
    "workforce.skill_subsidy_fen",
    title="养老护理员职业技能等级补贴 Skill-level subsidy (fen)",
    description="One-off subsidy for a care worker certified at a skill level (keys '1'…'5'), in fen; "
    "a level not listed gets none.",
    schema=dict[str, int],
)

# Built-in defaults (version 0) when a profile has no version: the labelled assumptions seeded in both
# city profiles (the social-worker target is the plans' 2025 target of 1 per 1,000 elders).
DEFAULTS: dict[str, object] = {
    "workforce.staffing_ratios": {
        "residents_per_worker": {"self_care": 10, "partial": 5, "full": 3, "dementia": 3}
    },
    "workforce.social_worker_targets": {"per_1000_elders": 1.0, "per_100_beds": None},
    "workforce.skill_subsidy_fen": {"5": 50000, "4": 100000, "3": 200000, "2": 300000, "1": 400000},
}
