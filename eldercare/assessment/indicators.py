"""What the ability assessment contributes to plan monitoring (discovered by eldercare.planning.registry).

"The result an elder held on a date d": the standard or appeal assessment published on or before d and not
yet superseded by d (a later result published after d does not count on d). It is valid on d when its
valid_until is on or after d, expired otherwise. Only elders in the register on d count (see
eldercare.registry.indicators).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from eldercare.assessment.choices import AssessmentStatus
from eldercare.assessment.models import CURRENT_PURPOSES, Assessment
from eldercare.planning.registry import Measure, indicator_computation, key_counts
from eldercare.registry.indicators import elders_present


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def results_held_on(division_code: str, on: date) -> QuerySet[Assessment]:
    """The one result each elder held on `on` (see the module docstring)."""
    cut = _end_of(on)
    qs = Assessment.objects.filter(
        purpose__in=list(CURRENT_PURPOSES),
        status__in=[AssessmentStatus.PUBLISHED, AssessmentStatus.SUPERSEDED],
        published_at__lt=cut,
        level__isnull=False,
        elder__residence_division__code__startswith=division_code,
    ).filter(Q(superseded_by__isnull=True) | Q(superseded_by__published_at__gte=cut))
    return qs.filter(elder__in=elders_present(division_code, on).values("id"))


LABELS = {
    "assessment.assessed": "持有效评估结果的老年人",
    "assessment.expired": "评估结果已过期的老年人",
    "assessment.level_0": "能力完好（0级）",
    "assessment.level_1": "能力轻度受损（1级）",
    "assessment.level_2": "能力中度受损（2级）",
    "assessment.level_3": "能力重度受损（3级）",
    "assessment.level_4": "能力完全丧失（4级）",
}


@key_counts("assessment.levels", labels=LABELS, units=dict.fromkeys(LABELS, "人"))
def assessment_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    """Results held on the month's last day, by community: valid ones by level, and expired ones."""
    rows = (
        results_held_on(division_code, end)
        .values("elder__residence_division_id", "level")
        .annotate(
            valid=Count("id", filter=Q(valid_until__isnull=True) | Q(valid_until__gte=end)), n=Count("id")
        )
        .order_by()
    )
    out: dict[str, dict[str, float]] = {key: {} for key in LABELS}
    for row in rows:
        code = row["elder__residence_division_id"]
        level_key = f"assessment.level_{row['level']}"
        out[level_key][code] = out[level_key].get(code, 0) + row["valid"]
        out["assessment.assessed"][code] = out["assessment.assessed"].get(code, 0) + row["valid"]
        out["assessment.expired"][code] = out["assessment.expired"].get(code, 0) + row["n"] - row["valid"]
    return out


@indicator_computation("assessment_coverage", grouped=True)
def assessment_coverage(division_code: str, on: date) -> dict[str, Measure]:
    """能力评估覆盖率 = elders holding a valid result on `on` ÷ elders on `on`, by community."""
    valid = dict(
        results_held_on(division_code, on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .values("elder__residence_division_id")
        .annotate(n=Count("id"))
        .values_list("elder__residence_division_id", "n")
        .order_by()
    )
    elders = dict(
        elders_present(division_code, on)
        .values("residence_division_id")
        .annotate(n=Count("id"))
        .values_list("residence_division_id", "n")
        .order_by()
    )
    return {code: Measure(valid.get(code, 0), n) for code, n in elders.items()}
