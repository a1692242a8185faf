"""A small fixed-window attempt counter in the cache, for the account-less complaint follow-up page."""

from __future__ import annotations

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
MAX_FAILURES = 5


def _key(kind: str, value: str) -> str:
    return f"supervision:follow:{kind}:{value}"


def is_blocked(*, ip: str, case_number: str) -> bool:
    """Blocked after MAX_FAILURES wrong answers in the window, per client address or per case number."""
    return any(
        int(cache.get(_key(kind, value), 0)) >= MAX_FAILURES
        for kind, value in (("ip", ip), ("case", case_number.upper()))
        if value
    )


def record_failure(*, ip: str, case_number: str) -> None:
    for kind, value in (("ip", ip), ("case", case_number.upper())):
        if not value:
            continue
        key = _key(kind, value)
        if cache.add(key, 1, WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)


SUBMISSIONS_PER_HOUR = 10


def submission_allowed(*, ip: str) -> bool:
    """At most SUBMISSIONS_PER_HOUR public complaints per client address per hour (spam brake)."""
    if not ip:
        return True
    key = _key("submit", ip)
    if cache.add(key, 1, 3600):
        return True
    try:
        return int(cache.incr(key)) <= SUBMISSIONS_PER_HOUR
    except ValueError:
        cache.set(key, 1, 3600)
        return True
