"""The facilities module's part of one elder's complete record (PIPL export): see `registry/privacy.py`."""

from __future__ import annotations

from typing import Any

from eldercare.registry.privacy import privacy_source, rows_by_elder


@privacy_source
def facilities_sections(elder: Any) -> dict[str, list[dict[str, Any]]]:
    from eldercare.facilities.models import Incident, Residency, RiskAssessment, WaitlistApplication

    return rows_by_elder(elder, Residency, RiskAssessment, Incident, WaitlistApplication)
