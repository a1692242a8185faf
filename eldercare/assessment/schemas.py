from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema


class ScoreIn(Schema):
    """The preview request of a mobile assessment app: item scores plus the health-record facts."""

    instrument: str = "GB/T 42195-2022"
    items: dict[str, Any]
    coma: bool = False
    diagnoses: list[str] = []
    psychiatrist_diagnosed: bool = False
    risk_events_30d: int = Field(0, ge=0)
    risk_events: dict[str, int] | None = None


class AdjustmentOut(Schema):
    rule: str
    reason: str
    from_level: int
    to_level: int
    applied: bool


class ScoreOut(Schema):
    instrument: str
    version: int
    total: int
    dimensions: dict[str, int]
    preliminary_level: int
    level: int
    level_name: str
    adjustments: list[AdjustmentOut]
    policy_versions: dict[str, int]


class AssessorIn(Schema):
    id: int
    relation: str = "none"


class AssessmentIn(Schema):
    elder_id: int
    instrument: str = "GB/T 42195-2022"
    assessors: list[AssessorIn]
    items: dict[str, Any]
    assessed_on: date | None = None
    coma: bool = False
    diagnoses: list[str] = []
    psychiatrist_diagnosed: bool = False
    risk_events: dict[str, int] = {}
    reason: Literal["first", "regular", "immediate", "other"] = "first"
    requester: Literal["elder", "family", "community_worker", "institution"] = "community_worker"
    submit: bool = True


class AssessmentOut(Schema):
    id: int
    elder_id: int
    instrument: str
    instrument_version: int
    purpose: str
    status: str
    assessed_on: date | None
    assessor_ids: list[int]
    items: dict[str, Any]
    coma: bool
    diagnoses: list[str]
    psychiatrist_diagnosed: bool
    risk_events: dict[str, int]
    total: int | None
    dimensions: dict[str, Any]
    preliminary_level: int | None
    level: int | None
    level_name: str
    adjustments: list[dict[str, Any]]
    policy_versions: dict[str, int]
    submitted_at: datetime | None
    reviewed_by_id: int | None
    published_at: datetime | None
    valid_until: date | None
    superseded_by_id: int | None
    supersede_reason: str

    @staticmethod
    def resolve_instrument(obj: Any) -> str:
        return str(obj.instrument.code)

    @staticmethod
    def resolve_instrument_version(obj: Any) -> int:
        return int(obj.instrument.version)

    @staticmethod
    def resolve_assessor_ids(obj: Any) -> list[int]:
        return [pk for pk in (obj.assessor_1_id, obj.assessor_2_id) if pk is not None]

    @staticmethod
    def resolve_items(obj: Any) -> dict[str, Any]:
        return dict(obj.answers)

    @staticmethod
    def resolve_dimensions(obj: Any) -> dict[str, Any]:
        return dict(obj.dimension_scores)


class AssessmentFilterIn(Schema):
    elder_id: int | None = None
    status: str = ""
    purpose: str = ""
    level: int | None = None
    division_code: str = ""


class CurrentLevelOut(Schema):
    elder_id: int
    assessed: bool
    assessment_id: int | None = None
    instrument: str = ""
    level: int | None = None
    level_name: str = ""
    assessed_on: date | None = None
    valid_until: date | None = None
    expired: bool = False
