"""Pure rules of the time bank (时间银行): units, caps, redeeming age, transfers, badges.

No Django, no I/O: plain frozen dataclasses in, plain values out. The service loads the policy
(`TimebankPolicy.from_values`) from the effective-dated policy tables and stores its version on the
transaction it writes, so every decision can be replayed.

Units are integer minutes (1 hour of service = 60 minutes = 1 时间单位 at the default rate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

MINUTES_PER_HOUR = 60


class RuleCode(StrEnum):
    """Stable codes of refusals; services raise DomainError with these."""

    NOT_POSITIVE = "timebank_amount_not_positive"
    INSUFFICIENT = "timebank_insufficient_balance"
    CAP_EXCEEDED = "timebank_cap_exceeded"
    UNDER_AGE = "timebank_under_redeeming_age"
    RELATION_NOT_ALLOWED = "timebank_relation_not_allowed"
    RELATION_UNVERIFIED = "timebank_relation_unverified"
    CASH_OUT = "timebank_no_cash_out"
    EXPIRED = "timebank_units_expired"


@dataclass(frozen=True, slots=True)
class TimebankPolicy:
    """The time-bank policy in force: see `policy_keys.py` for the keys and their sources."""

    units_per_hour: Mapping[str, int] = field(default_factory=lambda: {"default": 60})
    min_redeeming_age: int = 60
    cap_minutes: int | None = 90_000  # 1,500 hours; None means no cap
    expiry_months: int | None = None  # off by default
    transfer_relations: frozenset[str] = frozenset({"spouse", "parent", "child", "grandparent", "grandchild"})
    cash_out: bool = False  # never allowed; kept as a key so the refusal can cite a policy

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> TimebankPolicy:
        """Build from the stored policy values (missing keys keep their defaults)."""
        base = cls()
        return cls(
            units_per_hour=dict(values.get("units_per_hour", base.units_per_hour)),
            min_redeeming_age=int(values.get("min_redeeming_age", base.min_redeeming_age)),
            cap_minutes=values.get("cap_minutes", base.cap_minutes),
            expiry_months=values.get("expiry_months", base.expiry_months) or None,
            transfer_relations=frozenset(values.get("transfer_relations", base.transfer_relations)),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed or not, with the code and a reason a person can read."""

    allowed: bool
    code: str = ""
    reason: str = ""


ALLOWED = Decision(allowed=True)


def units_for_service(minutes_served: int, service_type: str, policy: TimebankPolicy) -> int:
    """Units (in minutes) earned for `minutes_served` of a service type: the rate is units per hour.

    Rounded down to whole minutes, so a deposit never exceeds what the rate gives.
    """
    if minutes_served <= 0:
        return 0
    rate = policy.units_per_hour.get(service_type, policy.units_per_hour.get("default", MINUTES_PER_HOUR))
    return minutes_served * rate // MINUTES_PER_HOUR


def split_deposit(balance: int, amount: int, policy: TimebankPolicy) -> tuple[int, int]:
    """(credited to the account, overflow): units above the cap go to the community pool as a
    donation (Nanjing rule: "超出部分转为捐赠"), never lost."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if policy.cap_minutes is None:
        return amount, 0
    room = max(policy.cap_minutes - balance, 0)
    credited = min(room, amount)
    return credited, amount - credited


def may_receive(balance: int, amount: int, policy: TimebankPolicy) -> Decision:
    """A transfer into a holder's account may not push it over the cap."""
    if policy.cap_minutes is not None and balance + amount > policy.cap_minutes:
        return Decision(False, RuleCode.CAP_EXCEEDED, "The receiving account would pass the storage cap.")
    return ALLOWED


def may_spend(available: int, amount: int) -> Decision:
    """Spends, transfers, donations and holds never take an account below zero."""
    if amount <= 0:
        return Decision(False, RuleCode.NOT_POSITIVE, "The amount must be positive.")
    if available < amount:
        return Decision(False, RuleCode.INSUFFICIENT, "The account does not hold enough units.")
    return ALLOWED


def age_on(birth_date: date, on: date) -> int:
    """Completed years (周岁)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def may_redeem(holder_birth_date: date | None, on: date, policy: TimebankPolicy) -> Decision:
    """Units are redeemed for services by holders who reached the redeeming age (60, or 65 in some
    cities). A holder with no known birth date (a pool) is not a person and passes."""
    if holder_birth_date is not None and age_on(holder_birth_date, on) < policy.min_redeeming_age:
        return Decision(
            False,
            RuleCode.UNDER_AGE,
            f"Units can be redeemed from age {policy.min_redeeming_age}.",
        )
    return ALLOWED


def may_transfer(relation: str | None, policy: TimebankPolicy) -> Decision:
    """Transfers go to direct relatives only, with a relation verified by a worker (relation None:
    no verified link exists)."""
    if relation is None:
        return Decision(False, RuleCode.RELATION_UNVERIFIED, "No verified relation links these two people.")
    if relation not in policy.transfer_relations:
        return Decision(False, RuleCode.RELATION_NOT_ALLOWED, "Units go to direct relatives only.")
    return ALLOWED


def may_cash_out(policy: TimebankPolicy) -> Decision:
    """Units are never paid out in money (服务兑换, 不兑现金)."""
    return Decision(False, RuleCode.CASH_OUT, "Time units are redeemed for services only, never for cash.")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31,
            30, 31, 30, 31][month - 1]  # fmt: skip
    return date(year, month, min(day.day, last))


def expires_on(earned_on: date, policy: TimebankPolicy) -> date | None:
    """When units earned on a day expire; None while expiry is off (the default)."""
    if policy.expiry_months is None:
        return None
    return add_months(earned_on, policy.expiry_months)


# Recognition: badge thresholds in hours of approved service (表彰). Kept here, not as policy, because
# they are the platform's own encouragement, not a city rule; move to policy data if a city asks.
BADGES: tuple[tuple[int, str], ...] = (
    (10, "bronze"),
    (50, "silver"),
    (100, "gold"),
    (500, "star"),
    (1000, "lifetime"),
)


def badges_for(hours: int) -> list[str]:
    return [name for threshold, name in BADGES if hours >= threshold]


def yearly_honour(hours_in_year: int) -> str:
    """The yearly honour for hours served in a calendar year (年度优秀志愿者)."""
    if hours_in_year >= 200:
        return "outstanding"
    if hours_in_year >= 100:
        return "excellent"
    if hours_in_year >= 20:
        return "active"
    return ""


def postings_balance(amounts: list[int]) -> bool:
    """A transaction's postings sum to zero and none is zero (double entry)."""
    return bool(amounts) and sum(amounts) == 0 and all(a != 0 for a in amounts)
