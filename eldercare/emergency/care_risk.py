"""Recording care-risk events (照护风险事件) that did not come from an alarm.

Other modules (institution incidents, visits …) call `care_risk_event_record`, so every row of
`CareRiskEvent` is written by the emergency app, and the assessment keeps reading one table for its
30-day count (GB/T 42195-2022 A.2.14).
"""

from __future__ import annotations

from datetime import date

from eldercare.core.exceptions import DomainError
from eldercare.emergency.choices import CareRiskKind
from eldercare.emergency.models import CareRiskEvent


def care_risk_event_record(
    *, elder_id: int, kind: str, occurred_on: date, division_code: str
) -> CareRiskEvent:
    """One care-risk event; the caller audits the action it belongs to (e.g. the incident)."""
    if kind not in CareRiskKind.values:
        raise DomainError("care_risk_kind_invalid", f"Unknown care-risk kind {kind!r}.", status=422)
    return CareRiskEvent.objects.create(
        elder_id=elder_id, kind=kind, occurred_on=occurred_on, division_id=division_code
    )


__all__ = ["care_risk_event_record"]
