"""What the visiting service contributes to plan monitoring (discovered by eldercare.planning.registry).

特殊困难老年人月探访率 (WH07) and 特殊困难居家老年人月探访率 (JM05) are read from the pre-aggregated
`MonthlyVisitRate` rows of the month (refreshed by the visits task, see `services.rates`): elders on the
visit list on the month's first day (eligible) and those of them visited at least once in the month
(visited), per community. The visit list holds the special-difficulty elders living at home (status
active; entering an institution ends the period), so both plans' indicators read the same rows. Only the
community rows are returned; the planning refresh sums them to street, district and city itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db.models import QuerySet

from eldercare.core.models import DivisionLevel
from eldercare.planning.registry import Measure, indicator_computation, key_counts
from eldercare.visits.models import MonthlyVisitRate


def community_rates(division_code: str, month: date) -> QuerySet[MonthlyVisitRate]:
    return MonthlyVisitRate.objects.filter(
        month=month.replace(day=1), level=DivisionLevel.COMMUNITY, division__code__startswith=division_code
    )


def _visit_rate(division_code: str, on: date) -> dict[str, Measure]:
    return {
        code: Measure(visited, eligible)
        for code, eligible, visited in community_rates(division_code, on).values_list(
            "division_id", "eligible", "visited"
        )
    }


@indicator_computation("special_difficulty_monthly_visit_rate", grouped=True)
def special_difficulty_monthly_visit_rate(division_code: str, on: date) -> dict[str, Measure]:
    """WH07: visited ÷ eligible elders of `on`'s month, per community."""
    return _visit_rate(division_code, on)


@indicator_computation("special_difficulty_home_monthly_visit_rate", grouped=True)
def special_difficulty_home_monthly_visit_rate(division_code: str, on: date) -> dict[str, Measure]:
    """JM05: the same rows (the visit list holds at-home elders only)."""
    return _visit_rate(division_code, on)


LABELS = {
    "visits.recorded": "有效探访记录",
    "visits.eligible": "月初在册探访对象",
    "visits.visited": "当月已探访对象",
}
UNITS = {"visits.recorded": "次", "visits.eligible": "人", "visits.visited": "人"}


@key_counts("visits.monthly", labels=LABELS, units=UNITS, flow=True)
def visit_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    """Visits recorded in the month (outcome visited, by a counted method) and the rate's parts, per
    community, from the month's `MonthlyVisitRate` rows."""
    out: dict[str, dict[str, float]] = {key: {} for key in LABELS}
    for code, eligible, visited, visits in community_rates(division_code, start).values_list(
        "division_id", "eligible", "visited", "visits"
    ):
        out["visits.recorded"][code] = visits
        out["visits.eligible"][code] = eligible
        out["visits.visited"][code] = visited
    return out
