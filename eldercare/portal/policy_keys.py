"""Policy keys of the portal. Seeded in both city profiles as labelled assumptions (no city rule found)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from eldercare.core.policy import register_policy


class OtpPolicy(BaseModel):
    """Sign-in codes sent by SMS: lifetime, wrong tries allowed, and how many may be sent."""

    length: int = Field(ge=4, le=8)
    ttl_seconds: int = Field(gt=0)
    max_attempts: int = Field(gt=0)
    min_interval_seconds: int = Field(ge=0)
    per_phone_per_hour: int = Field(gt=0)
    per_ip_per_hour: int = Field(gt=0)


register_policy(
    "portal.otp",
    title="门户短信验证码 Portal sign-in codes",
    description="Digits of a sign-in code, its lifetime, wrong tries before it is void, the pause between "
    "two codes to one phone, and codes per phone and per client address in an hour.",
    schema=OtpPolicy,
)

DEFAULTS: dict[str, object] = {
    "portal.otp": {
        "length": 6,
        "ttl_seconds": 300,
        "max_attempts": 5,
        "min_interval_seconds": 60,
        "per_phone_per_hour": 5,
        "per_ip_per_hour": 30,
    }
}


def otp_policy(*, on: date | None = None) -> OtpPolicy:
    from eldercare.core.selectors import policy_value

    return OtpPolicy.model_validate(policy_value("portal.otp", on=on, default=DEFAULTS["portal.otp"]).value)
