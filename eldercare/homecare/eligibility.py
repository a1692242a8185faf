"""May this worker be sent to an elder's home?

`worker_may_be_assigned(worker)` is the one check every assignment goes through. Until the workforce registry
(从业人员, issue in parallel) is merged it reads the worker's own fields: active, and not marked as being
on the
joint-punishment list (联合惩戒, `blocked_reason`). The lead points it at workforce's blacklist and credit
record when merging; callers do not change.
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
    return Eligibility(True)
