from datetime import date, datetime
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None
    lon: float | None
    lat: float | None
    centroid_source: str

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent_id


class AuditEntryOut(Schema):
    id: int
    created_at: datetime
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    division_code: str
    changes: dict[str, Any]
    ip_address: str | None
    channel: str


class PolicyVersionOut(Schema):
    key: str
    version: int
    value: Any
    valid_from: date
    valid_to: date | None
    reason: str
    source: str


class MeOut(Schema):
    role: str | None
    username: str | None
    division_codes: list[str]
    organisation_ids: list[int]
    token: bool
