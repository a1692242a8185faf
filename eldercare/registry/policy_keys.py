"""Policy keys owned by the registry."""

from __future__ import annotations

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy


class SpecialDifficultyValue(BaseModel):
    """特殊困难老年人认定: the facts that qualify an elder."""

    living_situations: list[str] = Field(default_factory=list)
    economic_statuses: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    max_disability_grade: int = Field(2, ge=1, le=4)
    dementia: bool = True
    min_ability_level: int | None = Field(None, ge=1, le=4)
    min_age: int = Field(60, ge=50, le=80)


# The national target groups (民政部等10部门《关于开展特殊困难老年人探访关爱服务的指导意见》, 2022-10):
# 独居, 空巢, 留守, 失能, 重残, 计划生育特殊家庭; plus 特困/低保 as "others in difficulty". Used only when
# a city profile carries no version of the key (tests, a city not yet configured); the profiles seed it.
NATIONAL_DEFAULT: dict[str, object] = {
    "living_situations": ["alone", "empty_nest", "left_behind"],
    "economic_statuses": ["tekun", "dibao"],
    "groups": ["fp_special"],
    "max_disability_grade": 2,
    "dementia": True,
    "min_ability_level": 2,
    "min_age": 60,
}

register_policy(
    "registry.special_difficulty",
    title="特殊困难老年人认定 Elders in special difficulty",
    description="Living situations, economic statuses and special groups that make an elder 特殊困难老年人; "
    "disability grades 1..max_disability_grade count as 重残; an assessed level at or above "
    "min_ability_level counts as 失能.",
    schema=SpecialDifficultyValue,
)
