"""Policy keys of the facilities module: waitlist priority order, offers, and facility settings."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from eldercare.core.policy import register_policy


class ConditionIn(BaseModel):
    economic_statuses: list[str] = []
    groups: list[str] = []
    min_ability_level: int | None = Field(default=None, ge=0, le=5)
    max_disability_grade: int | None = Field(default=None, ge=1, le=4)
    dementia: bool | None = None
    min_age: int | None = Field(default=None, ge=60, le=120)
    label: str = ""


class GroupIn(BaseModel):
    code: str
    title: str
    any_of: list[ConditionIn] = []  # empty: everyone
    bypass: bool = False


class WaitlistSettings(BaseModel):
    groups: list[GroupIn] = Field(min_length=1)
    offer_response_hours: int = Field(default=72, ge=1, le=720)
    max_declines: int = Field(default=2, ge=1, le=10)

    @model_validator(mode="after")
    def _unique_codes(self) -> WaitlistSettings:
        codes = [g.code for g in self.groups]
        if len(codes) != len(set(codes)):
            raise ValueError("group codes must be unique")
        return self


class FacilitySettings(BaseModel):
    licence_warning_days: int = Field(default=30, ge=1, le=365)
    record_retention_years: int = Field(default=5, ge=5, le=50)
    rating_validity_years: int = Field(default=3, ge=1, le=10)


DEFAULT_SETTINGS = FacilitySettings().model_dump()

register_policy(
    "facilities.waitlist",
    title="公办养老机构入住轮候 Admission waitlist of public institutions",
    description="Priority groups in order (first = highest); an elder belongs to the first group with a "
    "condition they meet (all fields of a condition must hold). A group with bypass is admitted without "
    "waiting (特困). Within a group, earlier applications come first. Also the hours an applicant has to "
    "answer a bed offer and how many declined or timed-out offers remove an application.",
    schema=WaitlistSettings,
)
register_policy(
    "facilities.settings",
    title="养老机构管理参数 Facility settings",
    description="Days before a licence expires when it is flagged (30), years service and safety records "
    "are kept after the contract ends (at least 5: 《养老机构管理办法》 Art. 32; the purge itself is a "
    "separate task), and years a published star rating stays valid.",
    schema=FacilitySettings,
)
