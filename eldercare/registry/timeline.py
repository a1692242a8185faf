"""The care-archive timeline (档案时间线): each module contributes the entries it knows about an elder.

A module registers a source in its own `timeline.py` with `@timeline_source`; the archive page and the
timeline API call `elder_timeline`, which discovers those modules and merges their entries newest first.
A source receives the elder already checked against the caller's scope and must itself run a bounded
number of queries (no per-entry queries).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # e.g. "assessment", "application", "payment", "order", "visit", "alarm", "admission"
    title: str
    detail: str = ""
    url: str = ""
    source: str = ""  # the module that produced it


TimelineSource = Callable[[Any, Any], list[TimelineEntry]]  # (elder, principal) -> entries
_SOURCES: dict[str, TimelineSource] = {}


def timeline_source(func: TimelineSource) -> TimelineSource:
    _SOURCES[f"{func.__module__}.{func.__name__}"] = func
    return func


def elder_timeline(*, elder: Any, principal: Any, limit: int = 200) -> list[TimelineEntry]:
    autodiscover_modules("timeline")
    entries = [entry for source in _SOURCES.values() for entry in source(elder, principal)]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]
