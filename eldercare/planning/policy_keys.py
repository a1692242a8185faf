"""Policy keys of plan monitoring: the red/amber/green band and the funding indicators."""

from __future__ import annotations

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy


class RagPolicy(BaseModel):
    amber_band: float = Field(0.10, ge=0, le=1)
    small_cell_threshold: int = Field(5, ge=0)


class FundingIndicator(BaseModel):
    code: str
    name: str
    min_share_pct: float = Field(ge=0, le=100)
    from_year: int = 2021


register_policy(
    "planning.rag",
    title="指标预警规则 Indicator traffic lights",
    description="amber_band: how far behind the linear target path (as a share of the plan's whole "
    "change) an indicator may be before it turns red; small_cell_threshold: counts of people below it "
    "are not published as open data.",
    schema=RagPolicy,
)

register_policy(
    "plan.funding",
    title="资金指标 Funding indicators",
    description="Minimum share of the welfare-lottery funds (福彩公益金) available to civil affairs that is "
    "spent on elderly care, from the plan's 保障措施.",
    schema=list[FundingIndicator],
)
