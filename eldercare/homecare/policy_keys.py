"""Policy keys of home and community services. Seeded in both city profiles; values are city policy."""

from __future__ import annotations

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy


class Verification(BaseModel):
    check_in_radius_m: int = Field(ge=10, le=5000)
    min_duration_share: float = Field(gt=0, le=1)
    overlap_grace_minutes: int = Field(ge=0, le=60)
    code_length: int = Field(ge=4, le=8)
    code_valid_minutes: int = Field(ge=5)
    code_max_attempts: int = Field(ge=1, le=10)
    callback_share: float = Field(ge=0, le=1)


class FundingRule(BaseModel):
    """One row: who (economic statuses, groups or a minimum age) gets what share of which services."""

    service_types: list[str] = ["*"]
    economic_statuses: list[str] = []
    groups: list[str] = []
    min_age: int | None = None
    subsidy_pct: int = Field(ge=0, le=100)
    label: str = ""


class Funding(BaseModel):
    rules: list[FundingRule]
    monthly_cap_fen: int | None = None


class MealSubsidy(BaseModel):
    reference_price_fen: int = Field(gt=0)
    elder_pays_fen: dict[str, int]
    hardship_statuses: list[str]
    hardship_groups: list[str] = []


class AdaptationCatalogueItem(BaseModel):
    code: str
    name: str
    category: str
    basic: bool
    unit_cost_fen: int = Field(ge=0)


class Adaptation(BaseModel):
    items: list[AdaptationCatalogueItem]
    subsidy_cap_fen: int = Field(ge=0)
    subsidised_statuses: list[str]
    basic_only: bool = True


register_policy(
    "homecare.verification",
    title="居家服务 核验规则 On-site verification",
    description="Check-in radius around the elder's home (m); an order shorter than this share of the "
    "catalogue duration is flagged; grace minutes before two visits count as overlapping; "
    "confirmation code length, validity and attempts; the share of verified orders that get a "
    "quality call-back.",
    schema=Verification,
)
register_policy(
    "homecare.funding",
    title="居家服务 补贴规则 Subsidy share of home-care orders",
    description="Ordered rules: the first rule matching the service type and the elder (economic status, "
    "group or age) gives the share of the catalogue price paid by the subsidy; no match: the elder "
    "pays the catalogue price. Until the benefits module's vouchers are linked, this is the source "
    "of the subsidy share.",
    schema=Funding,
)
register_policy(
    "homecare.meal_subsidy",
    title="助餐补贴 Meal subsidy split",
    description="Reference meal price and what the elder pays per meal by group (hardship, aged 80+, "
    "aged 60–79); the subsidy is the reference price (or the meal's, if lower) less the elder's part.",
    schema=MealSubsidy,
)
register_policy(
    "homecare.adaptation",
    title="适老化改造 项目与补贴 Home-adaptation items and subsidy",
    description="The recommended item list (民发〔2020〕86号: 7 categories, 30 items, 7 basic), unit "
    "costs, the per-household subsidy cap and which economic statuses are subsidised (basic items "
    "only by default).",
    schema=Adaptation,
)
