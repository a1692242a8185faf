"""The portal's part of one elder's complete record (PIPL export): see `registry/privacy.py`.

The office actions done on the elder's behalf (帮办代办) belong to the elder's record."""

from __future__ import annotations

from typing import Any

from eldercare.registry.privacy import privacy_source, rows_by_elder


@privacy_source
def portal_sections(elder: Any) -> dict[str, list[dict[str, Any]]]:
    from eldercare.portal.models import OfflineAction

    return rows_by_elder(elder, OfflineAction)
