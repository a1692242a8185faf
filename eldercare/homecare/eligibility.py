"""May this worker be sent to an elder's home?

`worker_may_be_assigned(worker)` is the one check every assignment goes through: the worker is active, the
provider is active, and the person is not on the joint-punishment list (联合惩戒) — read from the workforce
registry for a linked worker (one indexed query), or from the hand-set `blocked_reason` for one without an ID
number on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eldercare.homecare.models import ProviderWorker


@dataclass(frozen=True, slots=True)
class Eligibility:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def worker_may_be_assigned(worker: ProviderWorker) -> Eligibility:
    if not worker.is_active:
        return Eligibility(False, "worker_inactive")
    if worker.blocked_reason:
        return Eligibility(False, "worker_blacklisted")
    if not worker.provider.is_active:
        return Eligibility(False, "provider_inactive")
    if worker.registered_worker_id is not None:
        from eldercare.workforce.selectors import worker_is_blacklisted

        if worker_is_blacklisted(worker=worker.registered_worker):
            return Eligibility(False, "worker_blacklisted")
    return Eligibility(True)
