from datetime import datetime
from typing import Any

from ninja import Schema


class BalanceOut(Schema):
    """The volunteer's own account: integer minutes, and hours for display."""

    volunteer_id: int
    card_number: str
    account_id: int
    balance_minutes: int
    balance_hours: float
    hours_served: int
    badges: list[str]


class PostingOut(Schema):
    id: int
    created_at: datetime
    transaction_id: int
    kind: str
    memo: str
    amount_minutes: int
    proxy: bool

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.transaction.kind)

    @staticmethod
    def resolve_memo(obj: Any) -> str:
        return str(obj.transaction.memo)

    @staticmethod
    def resolve_proxy(obj: Any) -> bool:
        return obj.transaction.proxy_for_id is not None


class RequestOut(Schema):
    """A request as a volunteer sees it: the elder's name masked, no ID or phone."""

    id: int
    service_type: str
    description: str
    scheduled_at: datetime
    planned_minutes: int
    status: str
    community_code: str
    community_name: str
    elder_name: str
    mine: bool
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    served_minutes: int | None
