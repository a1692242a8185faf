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


# ---- the registry's own entries: registration, changes, imports, status events, merges, consents


def _local_midnight(day: Any) -> datetime:
    from django.utils import timezone

    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


@timeline_source
def registry_entries(elder: Any, principal: Any) -> list[TimelineEntry]:
    """Two queries: the record's change history (with its import batches) and its life events."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from eldercare.registry.choices import ChangeKind
    from eldercare.registry.models import ElderChange, LifeEvent

    entries: list[TimelineEntry] = []
    if elder.created_batch_id is not None:
        entries.append(
            TimelineEntry(
                at=elder.created_at,
                kind="registry",
                title=_("Registered by import"),
                detail=_("batch %(id)s") % {"id": elder.created_batch_id},
                url=reverse("registry:import_detail", args=[elder.created_batch_id]),
                source="registry",
            )
        )
    labels = dict(ChangeKind.choices)
    for change in ElderChange.objects.filter(elder=elder).order_by("-at")[:200]:
        fields = ", ".join(sorted(change.changes)) if isinstance(change.changes, dict) else ""
        entries.append(
            TimelineEntry(
                at=change.at,
                kind="registry",
                title=str(labels.get(change.kind, change.kind)),
                detail=f"{fields} · {change.actor_label}" + (f" · {change.source}" if change.source else ""),
                url=reverse("registry:import_detail", args=[change.batch_id]) if change.batch_id else "",
                source="registry",
            )
        )
    for event in LifeEvent.objects.filter(elder=elder):
        entries.append(
            TimelineEntry(
                at=_local_midnight(event.occurred_on),
                kind="life_event",
                title=str(event.get_kind_display()),
                detail=event.source,
                source="registry",
            )
        )
    return entries
