"""The visits module's part of one elder's complete record (PIPL export): see `registry/privacy.py`."""

from __future__ import annotations

from typing import Any

from eldercare.registry.privacy import privacy_source, rows_by_elder


@privacy_source
def visits_sections(elder: Any) -> dict[str, list[dict[str, Any]]]:
    from eldercare.visits.models import FollowUp, TargetPeriod, VisitRecord, VisitTarget, VisitTask

    return rows_by_elder(elder, VisitTarget, TargetPeriod, VisitTask, VisitRecord, FollowUp)
