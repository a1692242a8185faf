"""API schemas of home and community services (no `from __future__ import annotations`: ninja reads them)."""

from datetime import datetime

from ninja import Field, Schema


class OrderOut(Schema):
    id: int
    status: str
    service_type: str
    provider_id: int
    provider_name: str
    community_code: str
    community_name: str
    elder_name: str
    worker_name: str | None
    scheduled_at: datetime
    created_at: datetime
    flagged: bool
    price_fen: int
    subsidy_fen: int
    elder_fen: int


class OrderDetailOut(OrderOut):
    planned_minutes: int
    served_minutes: int | None
    check_in_at: datetime | None
    check_in_distance_m: int | None
    check_out_at: datetime | None
    check_out_distance_m: int | None
    confirmed_at: datetime | None
    verified_at: datetime | None
    flags: list[str]
    funding_source: str
    funding_reasons: list[str]
    reason: str


class OrderPage(Schema):
    items: list[OrderOut]
    next: str = Field(
        "", description="cursor for the next (older) page: pass it as `before`; empty at the end"
    )


class OrderIn(Schema):
    elder_id: int
    item_id: int
    scheduled_at: datetime
    note: str = ""
    source: str = "community"
    source_ref: str = ""


class PositionIn(Schema):
    lon: float | None = None
    lat: float | None = None
    photo_count: int = 0


class CodeIn(Schema):
    code: str


class StatementRowOut(Schema):
    service_type: str
    status: str
    orders: int
    price_fen: int
    subsidy_fen: int
    elder_fen: int


class StatementOut(Schema):
    provider_id: int
    provider_name: str
    period: str
    rows: list[StatementRowOut]
    verified_orders: int
    verified_price_fen: int
    verified_subsidy_fen: int


class HomecareRateOut(Schema):
    code: str
    name: str
    numerator: int
    denominator: int
    percent: float | None
