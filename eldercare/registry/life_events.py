"""The life-event hook (生命事件): what other modules do when an elder dies, moves out or enters care.

The registry records the event and marks the elder; then every registered listener is called, in the
same transaction, with all the events of one write (a whole import chunk at once, so a listener runs a
bounded number of queries). The benefits module registers a listener in its own `life_events.py`:

    @life_event_listener
    def end_entitlements(events: Sequence[LifeEventInfo]) -> dict[int, ListenerResult]:
        # end each active entitlement from event.occurred_on, and list payments for periods after it
        return {event.event_id: ListenerResult(ended=(...), overpayments=(Overpayment(...), ...))}

Results are stored on the `LifeEvent` row (`outcome`, `overpayment_fen`), so the suspected overpayments
are listed by the registry (page "Overpayments", `suspected_overpayments` selector) without knowing
how benefits computes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True, slots=True)
class LifeEventInfo:
    event_id: int
    elder_id: int
    kind: str  # LifeEventKind: death, move_out, institution
    occurred_on: date
    source: str


@dataclass(frozen=True, slots=True)
class Overpayment:
    """A payment made for a period after the event: to be checked and recovered (追回)."""

    programme: str
    reference: str
    amount_fen: int
    paid_on: date
    period: str = ""


@dataclass(frozen=True, slots=True)
class ListenerResult:
    ended: tuple[str, ...] = ()  # entitlements ended, e.g. "高龄津贴 #123 from 2025-03-01"
    overpayments: tuple[Overpayment, ...] = field(default_factory=tuple)


LifeEventListener = Callable[[Sequence[LifeEventInfo]], dict[int, ListenerResult]]
_LISTENERS: dict[str, LifeEventListener] = {}


def life_event_listener(func: LifeEventListener) -> LifeEventListener:
    _LISTENERS[f"{func.__module__}.{func.__name__}"] = func
    return func


def unregister_listener(func: LifeEventListener) -> None:
    _LISTENERS.pop(f"{func.__module__}.{func.__name__}", None)


def listeners() -> list[LifeEventListener]:
    autodiscover_modules("life_events")
    return list(_LISTENERS.values())
