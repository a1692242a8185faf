"""Schemas of the facilities API (never "all fields"; residents show masked names only)."""

from datetime import date, datetime

from ninja import Field, Schema


class FacilityOut(Schema):
    id: int
    name: str
    kind: str
    ownership: str
    status: str
    division_id: str
    operator_id: int
    capacity: int
    filing_no: str
    medical_form: str
    insurance_designated: bool
    beds_total: int = 0
    beds_free: int = 0


class FacilityFilterIn(Schema):
    kind: str = ""
    status: str = ""
    ownership: str = ""
    division_code: str = ""
    search: str = ""


class BedOut(Schema):
    id: int
    facility_id: int
    building: str
    floor: str
    room: str
    number: str
    bed_type: str
    state: str


class BedPatchIn(Schema):
    state: str | None = None
    bed_type: str | None = None


class ResidentOut(Schema):
    id: int
    facility_id: int
    bed_id: int
    elder_id: int
    elder_name: str = Field(..., alias="elder.masked_name")
    started_at: datetime
    ended_at: datetime | None
    discharge_reason: str


class AdmitIn(Schema):
    bed_id: int
    id_number: str = Field(..., min_length=15, max_length=18)
    started_at: datetime | None = None
    note: str = ""


class DischargeIn(Schema):
    reason: str
    ended_at: datetime | None = None
    note: str = ""


class IncidentOut(Schema):
    id: int
    facility_id: int
    elder_id: int | None
    kind: str
    severity: str
    occurred_at: datetime
    care_risk_event_id: int | None


class IncidentIn(Schema):
    kind: str
    occurred_at: datetime
    severity: str = "minor"
    elder_id: int | None = None
    description: str = ""
    action_taken: str = ""


class BedCountsOut(Schema):
    division_code: str
    on: date
    total: int
    nursing: int
    dementia: int
    ordinary: int
    occupied: int
    nursing_share: float | None
    rating_coverage: float | None


class PositionOut(Schema):
    application_id: int
    status: str
    position: int | None
    ahead: int | None
    priority_group: str
    group_reasons: list[str]
    position_reasons: list[str]


class PublicFacilityOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    district: str
    address: str
    lon: float | None
    lat: float | None
    beds: int
    free_beds: int | None
    stars: int
    price_min_yuan: int | None
    price_max_yuan: int | None
    contact_phone: str
