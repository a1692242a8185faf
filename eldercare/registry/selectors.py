"""Reads of the elder registry, always limited to the caller's data scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from eldercare.core.scope import DataScope
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder


@dataclass(frozen=True, slots=True)
class ElderFilter:
    search: str = ""
    division_code: str = ""
    status: str = ""
    living_situation: str = ""
    economic_status: str = ""
    min_age: int | None = None


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def elder_list(
    *, scope: DataScope, filters: ElderFilter | None = None, today: date | None = None
) -> QuerySet[Elder]:
    qs = Elder.objects.for_scope(scope)
    f = filters or ElderFilter()
    if f.search:
        qs = qs.filter(name__startswith=f.search)
    if f.division_code:
        qs = qs.filter(residence_division__code__startswith=f.division_code)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.living_situation:
        qs = qs.filter(living_situation=f.living_situation)
    if f.economic_status:
        qs = qs.filter(economic_status=f.economic_status)
    if f.min_age is not None:
        qs = qs.filter(birth_date__lte=years_ago(today or date.today(), f.min_age))  # noqa: DTZ011
    return qs.select_related("residence_division").defer("id_number", "address", "phone").order_by("id")


def access_elder(*, scope: DataScope, elder_id: int) -> Elder:
    """One elder inside the scope; out of scope looks exactly like missing (404)."""
    elder = Elder.objects.for_scope(scope).select_related("residence_division").filter(pk=elder_id).first()
    if elder is None:
        raise Http404("No such elder.")
    return elder


@dataclass(frozen=True, slots=True)
class ElderCounts:
    total: int
    aged_80: int
    aged_90: int
    alone: int
    poor: int


def elder_counts(*, scope: DataScope, today: date) -> ElderCounts:
    """Headline counts of active elders in scope, in one aggregate query."""
    row = (
        Elder.objects.for_scope(scope)
        .filter(status=ElderStatus.ACTIVE)
        .aggregate(
            total=Count("id"),
            aged_80=Count("id", filter=Q(birth_date__lte=years_ago(today, 80))),
            aged_90=Count("id", filter=Q(birth_date__lte=years_ago(today, 90))),
            alone=Count("id", filter=Q(living_situation="alone")),
            poor=Count("id", filter=Q(economic_status__in=["tekun", "dibao", "dibian"])),
        )
    )
    return ElderCounts(**row)


def elder_counts_by_child_division(
    *, scope: DataScope, parent_code: str, child_code_length: int
) -> dict[str, int]:
    """Active elders per child division of `parent_code`, grouped on the code prefix (one query)."""
    qs = (
        Elder.objects.for_scope(scope)
        .filter(status=ElderStatus.ACTIVE, residence_division__code__startswith=parent_code)
        .annotate(child=Substr("residence_division_id", 1, child_code_length))
        .values("child")
        .annotate(n=Count("id"))
        .order_by("child")
    )
    return {row["child"]: row["n"] for row in qs}
