from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class ElderOut(Schema):
    """An elder as the API shows it: ID number and phone masked, never in full."""

    id: int
    name: str
    sex: str
    birth_date: date
    id_number_masked: str
    phone_masked: str
    residence_division_id: str
    hukou_division_id: str | None
    ethnicity: str
    living_situation: str
    economic_status: str
    economic_source: str
    economic_valid_from: date | None
    economic_valid_to: date | None
    chronic_conditions: list[str]
    dementia_diagnosed: bool
    family_doctor_signed: bool
    special_difficulty: bool
    special_difficulty_reasons: list[str]
    groups: list[str]
    status: str
    deceased_on: date | None
    lon: float | None
    lat: float | None

    @staticmethod
    def resolve_groups(obj: Any) -> list[str]:
        return [g.group for g in obj.eldergroupmemberships.all()]


class ElderFilterIn(Schema):
    search: str = ""
    division_code: str = ""
    status: str = ""
    living_situation: str = ""
    economic_status: str = ""
    min_age: int | None = Field(None, ge=0, le=150)
    max_age: int | None = Field(None, ge=0, le=150)
    group: str = ""
    special_difficulty: bool | None = None
    sort: str = ""


class ElderIn(Schema):
    name: str
    id_number: str
    residence_division: str
    hukou_division: str | None = None
    ethnicity: str = ""
    phone: str = ""
    address: str = ""
    living_situation: str = "other"
    economic_status: str = "ordinary"
    lon: float | None = None
    lat: float | None = None


class ElderPatch(Schema):
    name: str | None = None
    residence_division: str | None = None
    hukou_division: str | None = None
    ethnicity: str | None = None
    phone: str | None = None
    address: str | None = None
    living_situation: str | None = None
    economic_status: str | None = None
    economic_valid_to: date | None = None
    chronic_conditions: list[str] | None = None
    dementia_diagnosed: bool | None = None
    family_doctor_signed: bool | None = None
    lon: float | None = None
    lat: float | None = None


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    title: str
    detail: str
    url: str
    source: str


class RowErrorOut(Schema):
    line: int
    column: str
    reason: str


class ImportBatchOut(Schema):
    id: int
    source: str
    file_name: str
    file_sha256: str
    status: str
    rows_total: int
    counts: dict[str, int]
    errors: list[RowErrorOut]
    committed_at: datetime | None
