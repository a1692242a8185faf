"""Factories and sample rows of the registry's own tables."""

from __future__ import annotations

from eldercare.core.models import Division
from eldercare.core.tests.factories import ElderFactory
from eldercare.registry.choices import DuplicateReason, ImportStatus
from eldercare.registry.models import DuplicateCandidate, Elder, ImportBatch, ReviewItem

HUKOU_HEADER = "姓名,身份证号,出生日期,民族,户籍地区划代码,居住社区代码,住址,联系电话,居住状况\n"


def registry_samples(elder: Elder) -> None:
    """One import batch, one review item and one duplicate pair around `elder` (permission tests)."""
    division: Division = elder.residence_division
    ImportBatch.objects.create(
        source="hukou",
        file_name="sample.csv",
        file_sha256="0" * 64,
        content=HUKOU_HEADER.encode(),
        status=ImportStatus.PREVIEWED,
        division=division,
    )
    ReviewItem.objects.create(elder=elder, field="name", current_value=elder.name, incoming_value="另名")
    twin = ElderFactory(residence_division=division, name=elder.name, birth_date=elder.birth_date)
    DuplicateCandidate.objects.create(elder=elder, other=twin, reason=DuplicateReason.SAME_NAME_BIRTH)
