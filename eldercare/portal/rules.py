"""Pure decisions of the portal sign-in: may a code be sent, and does a typed code hold."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum


class SendRefusal(StrEnum):
    TOO_SOON = "otp_too_soon"
    PHONE_LIMIT = "otp_phone_limit"
    IP_LIMIT = "otp_ip_limit"


class CodeState(StrEnum):
    OK = "ok"
    EXPIRED = "otp_expired"
    LOCKED = "otp_locked"
    USED = "otp_used"
    WRONG = "otp_wrong"


def may_send(
    *,
    now: datetime,
    phone_sent_at: Sequence[datetime],
    ip_sent_count: int,
    min_interval_seconds: int,
    per_phone_per_hour: int,
    per_ip_per_hour: int,
) -> SendRefusal | None:
    """None when a new code may go to this phone now; else why not. `phone_sent_at` holds the phone's
    codes of the last hour, `ip_sent_count` the client address's codes of the last hour."""
    hour_ago = now - timedelta(hours=1)
    recent = [t for t in phone_sent_at if t > hour_ago]
    if recent and now - max(recent) < timedelta(seconds=min_interval_seconds):
        return SendRefusal.TOO_SOON
    if len(recent) >= per_phone_per_hour:
        return SendRefusal.PHONE_LIMIT
    if ip_sent_count >= per_ip_per_hour:
        return SendRefusal.IP_LIMIT
    return None


def code_state(
    *, now: datetime, expires_at: datetime, attempts: int, max_attempts: int, used: bool, matches: bool
) -> CodeState:
    """What a typed code means. A used, locked or expired code never signs in, even when it matches."""
    if used:
        return CodeState.USED
    if attempts >= max_attempts:
        return CodeState.LOCKED
    if now >= expires_at:
        return CodeState.EXPIRED
    return CodeState.OK if matches else CodeState.WRONG
