"""The admission hook (入住事件): what other modules do when an elder enters or leaves an institution.

The facilities module calls every registered listener, in the admission's transaction, with one
`AdmissionInfo`. The benefits module (being built in parallel) is expected to register a listener in
its own `admission_hooks.py` that calls its `entitlements_end_for_admission(...)`:

    @admission_listener
    def end_home_care_entitlements(info: AdmissionInfo) -> None:
        if info.event == "admitted":
            entitlements_end_for_admission(elder_id=info.elder_id, on=info.on, ...)

Nothing here imports benefits; modules that are not installed simply never register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True, slots=True)
class AdmissionInfo:
    event: str  # "admitted" or "discharged"
    residency_id: int
    elder_id: int
    facility_id: int
    facility_kind: str
    ownership: str
    bed_type: str
    on: date
    reason: str = ""  # discharge reason, or "waitlist" / "direct" for admissions


AdmissionListener = Callable[[AdmissionInfo], None]
_LISTENERS: dict[str, AdmissionListener] = {}


def admission_listener(func: AdmissionListener) -> AdmissionListener:
    _LISTENERS[f"{func.__module__}.{func.__name__}"] = func
    return func


def unregister_listener(func: AdmissionListener) -> None:
    _LISTENERS.pop(f"{func.__module__}.{func.__name__}", None)


def listeners() -> list[AdmissionListener]:
    autodiscover_modules("admission_hooks")
    return list(_LISTENERS.values())


def emit(info: AdmissionInfo) -> None:
    for listener in listeners():
        listener(info)
