"""Policy keys owned by the core: plan indicators and security requirements."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy

TargetValue = float | str


class PlanIndicator(BaseModel):
    """One row of a five-year plan's indicator table (规划主要指标)."""

    code: str = Field(pattern=r"^[A-Z]{2}\d{2}$")
    name: str
    name_en: str = ""
    unit: str = ""
    property: Literal["binding", "expected"]  # 约束性 / 预期性
    direction: Literal[">=", ">", "<=", "=", "established"]
    base: dict[str, TargetValue] = {}
    targets: dict[str, TargetValue]
    note: str = ""


register_policy(
    "plan.indicators",
    title="规划主要指标 Plan indicators",
    description="The indicator table of the city's 14th five-year elderly-care plan: base values and targets "
    "by year. Definitions of how each is computed live with the indicator module.",
    schema=list[PlanIndicator],
)

register_policy(
    "security.require_2fa_roles",
    title="需要双因素认证的角色 Roles that must use two-factor sign-in",
    description="Staff roles that see personal data must confirm a TOTP code at sign-in.",
    schema=list[str],
)
