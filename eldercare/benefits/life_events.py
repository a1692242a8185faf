"""Benefits' listener on the registry's life-event hook: deaths, move-outs and admissions end entitlements.

Called once per batch of events inside the registry's transaction (a whole import chunk at once): three
queries whatever the batch size. Payments booked for months after the event are returned as suspected
overpayments (the registry lists them on its Overpayments page); the next settlement books the recovery
(追回) lines, because each ended entitlement is marked for recheck from the event's month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from eldercare.benefits.services.entitlements import EndRequest, entitlements_end
from eldercare.registry.life_events import LifeEventInfo, ListenerResult, Overpayment, life_event_listener


@life_event_listener
def end_entitlements(events: Sequence[LifeEventInfo]) -> dict[int, ListenerResult]:
    ended, overpaid = entitlements_end(
        requests=[
            EndRequest(elder_id=e.elder_id, kind=e.kind, occurred_on=e.occurred_on, key=e.event_id)
            for e in events
        ],
        actor=f"life-event:{events[0].source}" if events else "life-event",
    )
    ended_by: dict[int, list[str]] = defaultdict(list)
    for e in ended:
        ended_by[e.key].append(f"{e.programme_name} #{e.entitlement_id} until {e.end_on}")
    over_by: dict[int, list[Overpayment]] = defaultdict(list)
    for o in overpaid:
        over_by[o.key].append(
            Overpayment(
                programme=o.programme_name,
                reference=f"PL{o.line_id}",
                amount_fen=o.amount_fen,
                paid_on=o.booked_on,
                period=o.period.strftime("%Y-%m"),
            )
        )
    return {
        key: ListenerResult(ended=tuple(ended_by[key]), overpayments=tuple(over_by[key]))
        for key in set(ended_by) | set(over_by)
    }
