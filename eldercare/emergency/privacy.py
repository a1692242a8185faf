"""The emergency module's part of one elder's complete record (PIPL export): see `registry/privacy.py`."""

from __future__ import annotations

from typing import Any

from eldercare.registry.privacy import privacy_source, rows_by_elder


@privacy_source
def emergency_sections(elder: Any) -> dict[str, list[dict[str, Any]]]:
    from eldercare.emergency.models import Alarm, CareRiskEvent, Device

    return rows_by_elder(elder, Device, Alarm, CareRiskEvent)
