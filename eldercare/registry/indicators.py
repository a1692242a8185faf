"""What the elder registry contributes to plan monitoring (discovered by eldercare.planning.registry).

Denominators other modules need (`elders_on`, `special_difficulty_on`), the key counts of elders by age
band and status, and the monitoring indicator 特殊困难老年人占比.

"Elders on a date d" everywhere in plan monitoring: records in the register now (merged duplicates
excluded) of people aged 60 or over on d who had not died (deceased_on ≤ d) or moved out of the city
(status_changed_on ≤ d) by d. Other status changes (entering an institution, special difficulty) are not
versioned in the register, so they are taken as recorded now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from eldercare.planning.registry import Measure, indicator_computation, key_counts
from eldercare.registry.choices import ElderStatus, LivingSituation
from eldercare.registry.models import Elder
from eldercare.registry.selectors import years_ago


def present_q(on: date) -> Q:
    """Elders in the register on `on` (see the module docstring)."""
    return (
        Q(birth_date__lte=years_ago(on, 60))
        & ~Q(status=ElderStatus.MERGED)
        & (
            Q(status__in=[ElderStatus.ACTIVE, ElderStatus.IN_INSTITUTION])
            | Q(status=ElderStatus.DECEASED, deceased_on__gt=on)
            | Q(status=ElderStatus.MOVED_OUT, status_changed_on__gt=on)
        )
    )


def elders_present(division_code: str, on: date) -> QuerySet[Elder]:
    return Elder.objects.filter(present_q(on), residence_division__code__startswith=division_code)


def _by_community(qs: QuerySet[Elder], **counts: Count) -> dict[str, dict[str, int]]:
    rows = qs.values("residence_division_id").annotate(**counts).order_by("residence_division_id")
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        values: dict[str, Any] = dict(row)
        out[values.pop("residence_division_id")] = values
    return out


def elders_on(division_code: str, on: date) -> dict[str, int]:
    """Elders on `on` per community under `division_code` (the denominator of per-1,000-elder ratios)."""
    return {
        code: row["n"]
        for code, row in _by_community(elders_present(division_code, on), n=Count("id")).items()
    }


def special_difficulty_on(division_code: str, on: date, *, at_home_only: bool = False) -> dict[str, int]:
    """特殊困难老年人 on `on` per community (the denominator of the visit and adaptation rates).

    `at_home_only` leaves out elders living in an institution (JM05 counts 居家 elders only).
    """
    qs = elders_present(division_code, on).filter(special_difficulty=True)
    if at_home_only:
        qs = qs.exclude(status=ElderStatus.IN_INSTITUTION)
    return {code: row["n"] for code, row in _by_community(qs, n=Count("id")).items()}


ELDER_LABELS = {
    "elders.total": "老年人（60岁及以上）",
    "elders.age_60_69": "60–69岁",
    "elders.age_70_79": "70–79岁",
    "elders.age_80_89": "80–89岁",
    "elders.age_90_plus": "90岁及以上",
    "elders.age_100_plus": "百岁老人",
    "elders.at_home": "居家老年人",
    "elders.in_institution": "入住机构老年人",
    "elders.alone": "独居老年人",
    "elders.special_difficulty": "特殊困难老年人",
    "elders.tekun": "特困供养老年人",
    "elders.dibao": "低保老年人",
    "elders.dibian": "低边老年人",
}


@key_counts("registry.elders", labels=ELDER_LABELS, units=dict.fromkeys(ELDER_LABELS, "人"))
def elder_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    """Elders on the month's last day by community: age bands (age on that day), status and groups."""
    age_70, age_80, age_90, age_100 = (years_ago(end, n) for n in (70, 80, 90, 100))
    rows = _by_community(
        elders_present(division_code, end),
        total=Count("id"),
        age_60_69=Count("id", filter=Q(birth_date__gt=age_70)),
        age_70_79=Count("id", filter=Q(birth_date__lte=age_70, birth_date__gt=age_80)),
        age_80_89=Count("id", filter=Q(birth_date__lte=age_80, birth_date__gt=age_90)),
        age_90_plus=Count("id", filter=Q(birth_date__lte=age_90)),
        age_100_plus=Count("id", filter=Q(birth_date__lte=age_100)),
        in_institution=Count("id", filter=Q(status=ElderStatus.IN_INSTITUTION)),
        alone=Count("id", filter=Q(living_situation=LivingSituation.ALONE)),
        special_difficulty=Count("id", filter=Q(special_difficulty=True)),
        tekun=Count("id", filter=Q(economic_status="tekun")),
        dibao=Count("id", filter=Q(economic_status="dibao")),
        dibian=Count("id", filter=Q(economic_status="dibian")),
    )
    out: dict[str, dict[str, float]] = {key: {} for key in ELDER_LABELS}
    for code, row in rows.items():
        row["at_home"] = row["total"] - row["in_institution"]
        for name, value in row.items():
            out[f"elders.{name}"][code] = value
    return out


@indicator_computation("special_difficulty_share", grouped=True)
def special_difficulty_share(division_code: str, on: date) -> dict[str, Measure]:
    """特殊困难老年人占比 = special-difficulty elders on `on` ÷ elders on `on`, by community."""
    rows = _by_community(
        elders_present(division_code, on), n=Count("id"), sd=Count("id", filter=Q(special_difficulty=True))
    )
    return {code: Measure(row["sd"], row["n"]) for code, row in rows.items()}
