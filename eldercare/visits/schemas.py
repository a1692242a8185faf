from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class CheckEntry(Schema):
    level: str = Field(description="ok, concern or risk")
    note: str = Field(default="", max_length=500)


class VisitIn(Schema):
    """One visit as the visitor's app sends it. `client_uuid` is generated on the phone when the visit is
    started and sent again with every retry: the platform stores the visit once."""

    client_uuid: UUID
    elder_id: int
    task_id: int | None = None
    method: str = Field(description="in_person, phone or video")
    outcome: str = Field(description="visited or not_found")
    visited_at: datetime
    checklist: dict[str, CheckEntry] = Field(
        default_factory=dict,
        description="health, mood, home_safety, food, heating_cooling, medicines, needs → {level, note}",
    )
    actions: list[str] = Field(default_factory=list, description="follow-up kinds the visitor asks for")
    urgent: bool = False
    notes: str = Field(default="", max_length=4000)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    location_accuracy_m: float | None = Field(default=None, ge=0)


class VisitPatch(Schema):
    """An edit: `version` is the version the edit is based on; send only the fields you changed. An edit
    of an older version answers 409 with both versions and the conflict's id."""

    version: int = Field(ge=1)
    method: str | None = None
    outcome: str | None = None
    visited_at: datetime | None = None
    checklist: dict[str, CheckEntry] | None = None
    actions: list[str] | None = None
    urgent: bool | None = None
    notes: str | None = Field(default=None, max_length=4000)


class RecordOut(Schema):
    id: int
    client_uuid: UUID
    elder_id: int
    task_id: int | None
    division_id: str
    visitor_id: int
    method: str
    outcome: str
    visited_at: datetime
    checklist: dict
    actions: list[str]
    urgent: bool
    notes: str
    lon: float | None
    lat: float | None
    version: int
    follow_up_ids: list[int] = []


class SubmitOut(Schema):
    duplicate: bool
    record: RecordOut


class TaskOut(Schema):
    id: int
    elder_id: int
    elder_name: str = Field(description="masked")
    division_id: str
    division_name: str
    kind: str
    tier: str
    due_on: date
    deadline: date
    attempts: int
    overdue: bool
    lon: float | None
    lat: float | None
    stop: int | None = Field(default=None, description="position on today's walking route")


class MyVisitsOut(Schema):
    due: list[TaskOut]
    upcoming: list[TaskOut]
    route_m: float


class TaskFilterIn(Schema):
    overdue: bool = False
    division: str = ""
    kind: str = ""
    unassigned: bool = False


class FollowUpOut(Schema):
    id: int
    record_id: int | None
    elder_id: int
    division_id: str
    kind: str
    severity: str
    status: str
    due_on: date
    assignee_id: int | None
    reasons: list[str]
    resolution: str


class FollowUpFilterIn(Schema):
    status: str = ""
    kind: str = ""
    severity: str = ""
    overdue: bool = False
    mine: bool = False


class FollowUpUpdateIn(Schema):
    status: str
    note: str = Field(default="", max_length=4000)


class RateIn(Schema):
    division: str
    month: str = Field(default="", description="YYYY-MM; default this month")


class RateOut(Schema):
    division_id: str
    month: date
    eligible: int = Field(
        description="elders in special difficulty on the visit list at the start of the month"
    )
    visited: int = Field(description="of them, visited at least once in the month")
    visits: int
    rate: float | None = Field(description="visited ÷ eligible × 100")
    refreshed_at: datetime | None
    definition: str
