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


class RetentionValue(BaseModel):
    """保存期限: how many years each kind of record is kept before the purge deletes or pseudonymises it.

    `personal_data_after_exit` counts from an elder's death or departure; the others from the record's date.
    Financial records (payments, settlements, accounts) are never purged here: they follow the accounting
    archive rules.
    """

    service_records: int = Field(5, ge=1, le=50)  # 服务记录: home-care orders (pseudonymised), visit records
    alarms: int = Field(5, ge=1, le=50)  # closed emergency alarms with their events and call logs
    personal_data_after_exit: int = Field(5, ge=1, le=50)  # personal fields of elders who died or left


RETENTION_DEFAULT: dict[str, int] = {"service_records": 5, "alarms": 5, "personal_data_after_exit": 5}

register_policy(
    "privacy.retention",
    title="保存期限 Record retention (years)",
    description="Years each record type is kept before the retention purge: service records 5 years "
    "(home-care orders are pseudonymised because settlements refer to them; visit records are deleted), "
    "closed alarms, and the personal fields of elders who died or moved out (pseudonymised; financial "
    "records kept).",
    schema=RetentionValue,
)
