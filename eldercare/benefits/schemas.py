"""API schemas of benefits (no `from __future__ import annotations`: ninja reads the annotations)."""

from datetime import date, datetime
from typing import Any

from ninja import Schema


class TierOut(Schema):
    label: str
    amount_fen: int


class ProgrammeOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    payment_form: str
    grant: str
    start_rule: str
    proration: str
    min_age: int
    economic_statuses: list[str]
    min_level: int | None
    notice_days: int
    required_documents: list[str]
    tiers: list[TierOut]
    source: str
    certainty: str


class ServiceListRowOut(Schema):
    programme: str
    name: str
    state: str
    eligible: bool
    amount_fen: int
    reasons: list[str]
    entitlement_id: int | None
    open_application_id: int | None


class ApplicationIn(Schema):
    elder_id: int
    programme: str
    channel: str = "proxy"
    applicant_name: str = ""
    proxy_note: str = ""


class DecisionIn(Schema):
    decision: str
    reason: str = ""


class DecisionOut(Schema):
    step_code: str
    reviewer: str
    decision: str
    reason: str
    created_at: datetime


class ApplicationOut(Schema):
    id: int
    elder_id: int
    programme_code: str
    channel: str
    applicant_name: str
    status: str
    step_index: int
    workflow_version_id: int
    notice_until: date | None
    preview: dict[str, Any]
    entitlement_id: int | None
    created_at: datetime


class ApplicationDetailOut(ApplicationOut):
    steps: list[dict[str, Any]]
    decisions: list[DecisionOut]


class ApplicationFilterIn(Schema):
    status: str = ""
    programme: str = ""


class SettlementOut(Schema):
    period: str
    status: str
    runs: int
    programme_version_id: int
    counts: dict[str, Any]


class SettlementRunOut(Schema):
    period: str
    regular: int
    corrections: int
    recoveries: int
    carried: int
    suspended: int
    already_there: int
    amount_fen: int
    checks: dict[str, int]


class LineOut(Schema):
    id: int
    elder_id: int
    entitlement_id: int
    programme_code: str
    kind: str
    for_period: date
    amount_fen: int
    payment_form: str
    rule_version_id: int
    tier: str
    status: str


class FundsOut(Schema):
    programme_code: str
    district_code: str
    budget_fen: int
    committed_fen: int
    paid_fen: int
    remaining_fen: int
    by_month: dict[int, list[int]]
