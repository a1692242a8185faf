"""The visits module's listener on the registry's life events: an elder who died, moved out of the city or
entered an institution leaves the visit list from the day of the event (not from the day it was reported),
so the monthly visit rate of that month and later months is right once it is refreshed."""

from __future__ import annotations

from collections.abc import Sequence

from eldercare.registry.life_events import LifeEventInfo, ListenerResult, life_event_listener
from eldercare.visits.choices import PeriodEnd
from eldercare.visits.models import TargetPeriod
from eldercare.visits.services import Departure, targets_leave

REASON = {"death": PeriodEnd.DEATH, "move_out": PeriodEnd.MOVED_OUT, "institution": PeriodEnd.INSTITUTION}


@life_event_listener
def leave_visit_list(events: Sequence[LifeEventInfo]) -> dict[int, ListenerResult]:
    on_list = set(
        TargetPeriod.objects.filter(
            elder_id__in=[e.elder_id for e in events], ends_on__isnull=True
        ).values_list("elder_id", flat=True)
    )
    leaving = [e for e in events if e.elder_id in on_list and e.kind in REASON]
    targets_leave(Departure(elder_id=e.elder_id, on=e.occurred_on, reason=REASON[e.kind]) for e in leaving)
    return {e.event_id: ListenerResult(ended=(f"探访对象 visit list from {e.occurred_on}",)) for e in leaving}
