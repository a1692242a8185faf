from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class CampaignOut(Schema):
    id: int
    title: str
    division_code: str = Field(alias="division_id")
    status: str
    target_count: int
    inspectors_per_target: int
    checklist_code: str
    seed: str
    fingerprint: str
    result: list[dict[str, object]]


class DrawIn(Schema):
    seed: str | None = None


class InspectionOut(Schema):
    id: int
    campaign_id: int | None
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    checklist_code: str = Field(alias="checklist.code")
    checklist_version: int = Field(alias="checklist.version")
    scheduled_on: date
    status: str
    conducted_on: date | None
    passed: bool | None
    score: float | None
    findings: int

    @staticmethod
    def resolve_findings(obj: Any) -> int:
        count = getattr(obj, "finding_count", None)
        return int(count) if count is not None else int(obj.findings.count())


class FindingIn(Schema):
    item_code: str
    severity: str = ""
    description: str = ""


class InspectionRecordIn(Schema):
    answers: dict[str, str]
    findings: list[FindingIn] = []
    summary: str = ""
    conducted_on: date | None = None


class ComplaintIn(Schema):
    subject: str
    division_code: str
    content: str
    organisation_id: int | None = None
    elder_id: int | None = None
    anonymous: bool = False
    name: str = ""
    phone: str = ""


class ComplaintOut(Schema):
    id: int
    case_number: str
    channel: str
    subject: str
    division_code: str = Field(alias="division_id")
    responsible_office: str = Field(alias="responsible_office_id")
    status: str
    received_at: datetime
    ack_due_at: datetime
    answer_due_at: datetime
    escalation_level: int


class ComplaintCreatedOut(ComplaintOut):
    follow_up_code: str


class ComplaintAnswerIn(Schema):
    answer: str
    substantiated: bool


class CreditOut(Schema):
    organisation_id: int
    organisation_name: str
    score: int
    grade: str
    risk: int
    reasons: list[str]
    last_inspected: date | None
