"""The data sets planning itself provides: aggregates (indicators, key counts), projects, and elders."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from eldercare.core.models import Division
from eldercare.planning import rules
from eldercare.planning.exchange.datasets import export_dataset
from eldercare.planning.models import IndicatorValue, KeyCount, Project
from eldercare.planning.registry import key_count_labels


def _names(prefix: str) -> dict[str, str]:
    return dict(Division.objects.filter(code__startswith=prefix, level__lte=4).values_list("code", "name"))


@export_dataset(
    "indicators",
    schema_version="1.0",
    title="规划指标月度值 Plan indicator values",
    columns=[
        "division_code",
        "division_name",
        "month",
        "indicator_code",
        "indicator_name",
        "unit",
        "value",
        "value_text",
        "numerator",
        "denominator",
        "source",
    ],
)
def indicator_rows(division_code: str, month: date) -> Iterator[dict[str, Any]]:
    names = _names(division_code)
    qs = (
        IndicatorValue.objects.filter(
            division__code__startswith=division_code, month=rules.month_start(month)
        )
        .select_related("indicator")
        .order_by("division_id", "indicator__kind", "indicator__position")
    )
    for v in qs:
        yield {
            "division_code": v.division_id,
            "division_name": names.get(v.division_id, ""),
            "month": v.month.strftime("%Y-%m"),
            "indicator_code": v.indicator.code,
            "indicator_name": v.indicator.name,
            "unit": v.indicator.unit,
            "value": v.value,
            "value_text": v.value_text,
            "numerator": v.numerator,
            "denominator": v.denominator,
            "source": v.source,
        }


@export_dataset(
    "key_counts",
    schema_version="1.0",
    title="关键数据 Key counts",
    columns=["division_code", "division_name", "month", "key", "label", "unit", "value"],
)
def key_count_rows(division_code: str, month: date) -> Iterator[dict[str, Any]]:
    names, labels = _names(division_code), key_count_labels()
    qs = KeyCount.objects.filter(
        division__code__startswith=division_code, month=rules.month_start(month)
    ).order_by("division_id", "key")
    for k in qs:
        label, unit = labels.get(k.key, (k.key, ""))
        yield {
            "division_code": k.division_id,
            "division_name": names.get(k.division_id, ""),
            "month": k.month.strftime("%Y-%m"),
            "key": k.key,
            "label": label,
            "unit": unit,
            "value": k.value,
        }


@export_dataset(
    "projects",
    schema_version="1.0",
    title="重点项目进展 Key projects",
    columns=[
        "seq",
        "name",
        "division_code",
        "planned_beds",
        "planned_units",
        "start_year",
        "end_year",
        "stage",
        "beds_in_use",
        "units_done",
        "opened_on",
    ],
)
def project_rows(division_code: str, month: date) -> Iterator[dict[str, Any]]:
    for p in Project.objects.filter(division__code__startswith=division_code[:4]).order_by("seq"):
        yield {
            "seq": p.seq,
            "name": p.name,
            "division_code": p.division_id,
            "planned_beds": p.planned_beds,
            "planned_units": p.planned_units,
            "start_year": p.start_year,
            "end_year": p.end_year,
            "stage": p.stage,
            "beds_in_use": p.beds_in_use,
            "units_done": p.units_done,
            "opened_on": p.opened_on.isoformat() if p.opened_on else "",
        }


@export_dataset(
    "elders",
    schema_version="1.0",
    title="老年人基础信息（脱敏）Elders, masked",
    columns=[
        "record_id",
        "id_number_masked",
        "sex",
        "birth_year",
        "community_code",
        "status",
        "economic_status",
        "living_situation",
        "special_difficulty",
    ],
    personal=True,
)
def elder_rows(division_code: str, month: date) -> Iterator[dict[str, Any]]:
    """Masked record-level data (no name, no full ID, no contact details): what the upper-level system
    needs for counting and de-duplication by record id; full identities go only through an adapter that
    the receiving system's data-sharing agreement allows."""
    from eldercare.registry.indicators import elders_present

    qs = (
        elders_present(division_code, rules.month_end(month))
        .order_by("id")
        .values_list(
            "id",
            "id_number_masked",
            "sex",
            "birth_date",
            "residence_division_id",
            "status",
            "economic_status",
            "living_situation",
            "special_difficulty",
        )
    )
    for row in qs.iterator(chunk_size=5000):
        yield {
            "record_id": row[0],
            "id_number_masked": row[1],
            "sex": row[2],
            "birth_year": row[3].year,
            "community_code": row[4],
            "status": row[5],
            "economic_status": row[6],
            "living_situation": row[7],
            "special_difficulty": int(row[8]),
        }
