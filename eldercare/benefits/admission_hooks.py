"""Benefits' listener on the facilities admission hook (入住): home-care programmes end on admission.

The first admission of an elder also reaches benefits through the registry's life event (status
in_institution); a later admission after a discharge does not (the registry records that status once), so
this listener ends the entitlements on every admission. Ending is idempotent: an entitlement already ended
by the life event is not touched again.
"""

from __future__ import annotations

from eldercare.benefits.services.entitlements import entitlements_end_for_admission
from eldercare.facilities.admission_hooks import AdmissionInfo, admission_listener


@admission_listener
def end_home_care_entitlements(info: AdmissionInfo) -> None:
    if info.event == "admitted":
        entitlements_end_for_admission(
            elder_ids=[info.elder_id], admitted_on=info.on, actor=f"admission:{info.residency_id}"
        )
