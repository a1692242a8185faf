"""The assessment module's part of one elder's complete record (PIPL export): see `registry/privacy.py`."""

from __future__ import annotations

from typing import Any

from eldercare.registry.privacy import privacy_source, rows_by_elder


@privacy_source
def assessment_sections(elder: Any) -> dict[str, list[dict[str, Any]]]:
    from eldercare.assessment.models import Assessment, AssessmentRequest

    return rows_by_elder(elder, AssessmentRequest, Assessment)
