"""Policy keys of spatial planning: the walk, need weights, 配套建设 standards, projection inputs.

Figures without a published source are policy *inputs*: seeded empty (or labelled 假设 Assumption in the
profile) and shown as missing on the pages rather than invented.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy
from eldercare.facilities.choices import FacilityKind

BAND_COUNT = 6  # rules.BANDS: 60-64 … 80-84, 85+


class WalkPolicy(BaseModel):
    detour_factor: float = Field(default=1.3, ge=1, le=3)
    speed_kmh: float = Field(default=4.5, gt=0, le=10)
    threshold_minutes: float = Field(default=15, gt=0, le=120)
    kinds: list[FacilityKind] = Field(
        default_factory=lambda: [
            FacilityKind.DAY_CARE,
            FacilityKind.STREET_COMPLEX,
            FacilityKind.HOME_CARE_STATION,
            FacilityKind.CANTEEN,
            FacilityKind.INSTITUTION,
        ]
    )
    disabled_min_level: int = Field(default=1, ge=1, le=4)  # published ability level from which disabled
    cluster_cell_km: float = Field(default=0.5, gt=0, le=10)
    cluster_min_elders: int = Field(default=10, ge=5)  # never a map cell that could be one person


class NeedWeightsPolicy(BaseModel):
    base: float = Field(default=1.0, ge=0)
    by_disability_level: dict[int, float] = {}
    aged80: float = Field(default=0.0, ge=0)
    living_alone: float = Field(default=0.0, ge=0)


class HousingPolicy(BaseModel):
    new_area_m2_per_100_households: float = Field(gt=0)
    old_area_m2_per_100_households: float = Field(gt=0)


class Scenario(BaseModel):
    code: str
    name: str
    mortality_factor: float = Field(default=1.0, gt=0, le=3)
    entries_factor: float = Field(default=1.0, ge=0, le=3)
    disability_factor: float = Field(default=1.0, ge=0, le=3)


class ForecastPolicy(BaseModel):
    horizon_year: int = Field(default=2035, ge=2025, le=2060)
    # annual probability of dying, one per band 60-64 … 85+; empty until a published life table is entered
    annual_death_probability: list[float] = Field(default_factory=list)
    # people aged 50–59 by district code (they enter 60 over ten years); empty: no entries
    population_50_59: dict[str, int] = {}
    survival_50_59: float = Field(default=1.0, gt=0, le=1)
    disability_rate: list[float] = Field(default_factory=list)  # one per band, or one for all
    beds_per_disabled: float | None = Field(default=None, ge=0, le=1)  # GAP until the bureau enters it
    nursing_share: float = Field(default=0.0, ge=0, le=1)
    scenarios: list[Scenario] = Field(default_factory=lambda: [Scenario(code="base", name="基准")])


register_policy(
    "spatial.walk",
    title="15分钟养老服务圈 Walking circle",
    description="Without a road network the walking time is the straight-line distance × detour_factor at "
    "speed_kmh; an elder is covered by a kind of facility when its nearest operating facility of that kind "
    "is within threshold_minutes. kinds: the facility kinds evaluated; disabled_min_level: the published "
    "ability level from which an elder counts as disabled; uncovered elders are shown on a grid of "
    "cluster_cell_km with cells under cluster_min_elders dropped.",
    schema=WalkPolicy,
)
register_policy(
    "spatial.need_weights",
    title="选址需求权重 Siting need weights",
    description="Weight of an uncovered elder in the siting objective: base + by_disability_level[level] "
    "+ aged80 (80 and over) + living_alone.",
    schema=NeedWeightsPolicy,
)
register_policy(
    "spatial.housing",
    title="新建住宅配套养老服务设施标准 Care facilities in new housing",
    description="Required elderly-care floor area per 100 households in new areas and in old (renovated) "
    "areas.",
    schema=HousingPolicy,
)
register_policy(
    "spatial.forecast",
    title="老年人口与床位需求预测 Population and bed-demand projection",
    description="Inputs of the cohort-component projection: annual death probability per 5-year band "
    "(60-64 … 85+) from a published life table, the 50–59 population per district entering 60, disability "
    "rates per band, beds per disabled elder and the nursing share, and the scenarios shown side by side "
    "(factors on mortality, entries and disability).",
    schema=ForecastPolicy,
)
