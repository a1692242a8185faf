from datetime import date
from typing import Any

from ninja import Field, Schema


class WorkerOut(Schema):
    id: int
    name: str  # masked
    id_number: str  # masked
    category: str
    skill_level: int | None
    current_employer_id: int | None

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj["name"] if isinstance(obj, dict) else str(obj.masked_name)

    @staticmethod
    def resolve_id_number(obj: Any) -> str:
        return obj["id_number"] if isinstance(obj, dict) else str(obj.id_number_masked)


class EmploymentOut(Schema):
    id: int
    worker_id: int
    employer_id: int
    employer_name: str
    position: str
    started_on: date
    ended_on: date | None


class WorkerDetailOut(WorkerOut):
    listed: bool
    credit_balance: int
    employments: list[EmploymentOut]
    trainings: int
    certificates: int


class WorkerCheckIn(Schema):
    id_number: str = Field(min_length=1, max_length=32)


class WorkerCheckOut(Schema):
    """Whether a person may be hired or assigned orders; the details never name the person."""

    may_work: bool
    listings: list[dict[str, object]]


class EmploymentStartIn(Schema):
    id_number: str
    name: str = ""
    phone: str = ""
    position: str
    started_on: date
    employer_id: int | None = None


class EmploymentEndIn(Schema):
    ended_on: date
    reason: str = ""


class ListingIn(Schema):
    legal_basis: str
    reason: str
    starts_on: date
    ends_on: date | None = None


class ListingOut(Schema):
    id: int
    worker_id: int
    legal_basis: str
    starts_on: date
    ends_on: date | None
    status: str


class IndicatorsOut(Schema):
    division_code: str
    training_attendances: int
    vocational_training_providers: int
    social_workers: int
    elders: int
    beds: int | None
    social_workers_per_1000_elders: float | None
    social_workers_per_100_beds: float | None
    social_worker_shortfall: int
