"""The monthly visit rate (特殊困难老年人月探访率), pre-aggregated per community, street, district and city.

Definition (the plans' indicator; see `rules.monthly_rate` for the same rule on plain data):
    rate = elders in special difficulty visited at least once in the month
           ÷ all elders in special difficulty at the start of the month
The denominator is read from the periods on the visit list (`TargetPeriod`) that include the month's
first day, each counted in the community of that period; the numerator is those same elders with at
least one record in the calendar month whose outcome is 'visited' by a method the policy counts.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.models import LEVEL_BY_LENGTH, Division
from eldercare.visits import rules
from eldercare.visits.choices import Outcome
from eldercare.visits.models import MonthlyVisitRate, TargetPeriod, VisitRecord
from eldercare.visits.selectors import local_day_bounds, operations_policy


def month_counts(month: date) -> dict[str, tuple[int, int, int]]:
    """{community code: (eligible, visited, visits)} for a month, in two grouped queries."""
    first = rules.month_start(month)
    start, end = local_day_bounds(first, rules.next_month(first))
    policy, _version = operations_policy(on=first)
    counted = list(policy["counted_methods"])
    visited = VisitRecord.objects.filter(
        elder_id=OuterRef("elder_id"),
        outcome=Outcome.VISITED,
        method__in=counted,
        visited_at__gte=start,
        visited_at__lt=end,
    )
    rows = (
        TargetPeriod.objects.filter(starts_on__lte=first)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=first))
        .annotate(was_visited=Exists(visited))
        .values("division_id")
        .annotate(
            eligible=Count("elder_id", distinct=True),
            visited=Count("elder_id", filter=Q(was_visited=True), distinct=True),
        )
    )
    counts = {r["division_id"]: (r["eligible"], r["visited"], 0) for r in rows}
    for code, n in (
        VisitRecord.objects.filter(
            outcome=Outcome.VISITED, method__in=counted, visited_at__gte=start, visited_at__lt=end
        )
        .values("division_id")
        .annotate(n=Count("id"))
        .values_list("division_id", "n")
    ):
        eligible, was_visited, _n = counts.get(code, (0, 0, 0))
        counts[code] = (eligible, was_visited, n)
    return counts


@transaction.atomic
def rates_refresh(*, month: date, now: datetime | None = None, actor: object = None) -> int:
    """Recompute one month's rows for every community with elders on the list or visits, and their
    street, district and city; the month's rows are replaced in one transaction, so readers see either
    the old or the new figures. Idempotent. Returns the number of rows written."""
    first = rules.month_start(month)
    now = now or timezone.now()
    totals = rules.roll_up(month_counts(first))
    known = set(Division.objects.filter(code__in=list(totals)).values_list("code", flat=True))
    MonthlyVisitRate.objects.filter(month=first).delete()
    rows = MonthlyVisitRate.objects.bulk_create(
        [
            MonthlyVisitRate(
                division_id=code,
                level=LEVEL_BY_LENGTH[len(code)],
                month=first,
                eligible=eligible,
                visited=visited,
                visits=visits,
                refreshed_at=now,
            )
            for code, (eligible, visited, visits) in sorted(totals.items())
            if code in known
        ],
        batch_size=2000,
    )
    audit_record(
        actor=actor,
        action="visits.rates_refreshed",
        division_code="",
        changes={"month": first.isoformat(), "rows": len(rows)},
    )
    return len(rows)
