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
    "sign_in": (20, 300),  # POSTs to the sign-in form per client address
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
