"""Policy keys of benefits: the programme set (amounts as effective-dated policy), settlement settings and
the review workflow. Edited on the policy page (core:policy_edit): every change is a new version with
valid_from, who and why; settlement lines and applications store the version id they used."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from eldercare.core.policy import register_policy

ECONOMIC = Literal["tekun", "dibao", "dibian", "ordinary"]


class TierSchema(BaseModel):
    """One amount tier; the first tier whose conditions all hold gives the amount."""

    label: str
    min_age: int | None = Field(default=None, ge=0, le=130)
    max_age: int | None = Field(default=None, ge=0, le=130)
    levels: list[int] | None = None  # ability levels (GB/T 42195: 0 能力完好 … 4 完全失能)
    economic_statuses: list[ECONOMIC] | None = None
    groups: list[str] | None = None  # any of these registry groups
    amount_fen: int = Field(ge=0)


class ProgrammeSchema(BaseModel):
    """A programme (补贴项目): who is eligible, how much, how it is paid and how it starts."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    name_en: str = ""
    kind: Literal["monthly", "per_meal", "one_off"] = "monthly"
    payment_form: Literal["cash", "voucher", "meal_credit", "service"] = "cash"
    grant: Literal["automatic", "application"] = "application"
    start_rule: Literal["same_month", "next_month"] = "next_month"
    proration: Literal["daily", "full", "none"] = "daily"
    min_age: int = Field(default=60, ge=0, le=130)
    hukou_required: bool = True
    economic_statuses: list[ECONOMIC] = []
    min_level: int | None = Field(default=None, ge=0, le=4)
    groups_any: list[str] = []
    tiers: list[TierSchema]
    notice_days: int = Field(default=0, ge=0, le=60)
    suspend_on_absence: bool = False
    ends_on_admission: bool = True
    required_documents: list[str] = []
    unit_price_fen: int | None = None  # per_meal: the price of one meal
    source: str
    certainty: Literal["verified", "one_source", "assumption"]

    @model_validator(mode="after")
    def _tiers_present(self) -> ProgrammeSchema:
        if not self.tiers:
            raise ValueError("a programme needs at least one amount tier")
        return self


class ProgrammeSet(BaseModel):
    programmes: list[ProgrammeSchema]

    @model_validator(mode="after")
    def _unique_codes(self) -> ProgrammeSet:
        codes = [p.code for p in self.programmes]
        if len(codes) != len(set(codes)):
            raise ValueError("programme codes must be unique")
        return self


class SettlementSettings(BaseModel):
    absence_suspend_days: int = Field(default=15, ge=1, le=90)
    level_change_from: Literal["same_month", "next_month"] = "next_month"
    correction_lookback_months: int = Field(default=12, ge=0, le=36)
    document_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    document_types: list[str] = ["pdf", "jpg", "jpeg", "png"]
    sms_enabled: bool = True


class ReviewStep(BaseModel):
    code: str
    name: str
    division_length: Literal[6, 9, 12]  # district / street / community reviewers
    roles: list[str]
    mode: Literal["one", "all", "n"] = "one"
    n: int = Field(default=1, ge=1, le=10)


class Workflow(BaseModel):
    steps: list[ReviewStep] = Field(min_length=1)


register_policy(
    "benefits.programmes",
    title="补贴项目 Benefit programmes",
    description="Every programme with its eligibility, amount tiers (fen per month, per meal, or once), "
    "payment form, start rule (month of qualifying or the month after), pro-rating of partial months, public "
    "notice days and the source of its numbers. A change applies from its valid_from; settlements record "
    "the version.",
    schema=ProgrammeSet,
)
register_policy(
    "benefits.settlement",
    title="结算设置 Settlement settings",
    description="Days of absence that suspend home-care subsidies, from which month a new ability level "
    "counts, how many past months corrections look back, and upload limits for application documents.",
    schema=SettlementSettings,
)
register_policy(
    "benefits.workflow",
    title="审核流程 Review workflow",
    description="Review steps community → street → district: which roles review at each step and whether "
    "one, all, or N of them must approve. An application keeps the version it started with.",
    schema=Workflow,
)
