"""Schemas of the spatial API (aggregates only: no elder is ever listed)."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class CoverageRunIn(Schema):
    division: str


class CandidateIn(Schema):
    name: str = ""
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    division: str
    cost: float = Field(1.0, ge=0)


class SitingRunIn(Schema):
    division: str
    kind: str = "day_care"
    k: int = Field(5, ge=1, le=500)
    budget: float | None = Field(None, ge=0)
    candidates: list[CandidateIn] | None = None
    require_streets: bool = True


class RunOut(Schema):
    id: int
    division_id: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    seconds: float | None
    error: str
    parameters: dict[str, Any]
    result: dict[str, Any]


class AreaOut(Schema):
    division_id: str
    division_name: str = Field(alias="division.name")
    level: int
    kind: str
    elders: int
    covered: int
    disabled: int
    disabled_covered: int
    aged80: int
    aged80_covered: int
    mean_minutes: float | None
