"""A fixed-window request counter in the cache, for sign-in and one-time codes (public forms have their own
brake in `supervision/throttle.py`). The counter fails open when the cache is unreachable: django-axes'
lockout (stored in the database) still stops password guessing then.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

# name -> (requests allowed, window in seconds)
LIMITS: dict[str, tuple[int, int]] = {
    "sign_in": (20, 300),  # failed sign-ins per client address (an office behind one NAT signs in freely)
    "otp": (10, 300),  # one-time codes tried per account
}


def over_limit(name: str, key: str) -> bool:
    """Count one request of `name` for `key`; True once the window's allowance is used up."""
    allowed, window = LIMITS[name]
    if not key:
        return False
    cache_key = f"ratelimit:{name}:{key}:{int(time.time()) // window}"
    try:
        if cache.add(cache_key, 1, window + 5):
            return allowed < 1
        return int(cache.incr(cache_key)) > allowed
    except ValueError:  # expired between add and incr
        return False
    except Exception:
        logger.warning("rate-limit cache unreachable; %s not counted", name, exc_info=True)
        return False


def _window_key(name: str, key: str) -> str:
    return f"ratelimit:{name}:{key}:{int(time.time()) // LIMITS[name][1]}"


def exhausted(name: str, key: str) -> bool:
    """True when `key` has used up this window's allowance of `name` (counted with `count_failure`)."""
    if not key:
        return False
    try:
        return int(cache.get(_window_key(name, key), 0)) >= LIMITS[name][0]
    except Exception:
        logger.warning("rate-limit cache unreachable; %s not checked", name, exc_info=True)
        return False


def count_failure(name: str, key: str) -> None:
    """Count one failed attempt of `name` for `key` in the current window."""
    if not key:
        return
    cache_key = _window_key(name, key)
    try:
        if not cache.add(cache_key, 1, LIMITS[name][1] + 5):
            cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, LIMITS[name][1] + 5)
    except Exception:
        logger.warning("rate-limit cache unreachable; %s not counted", name, exc_info=True)
