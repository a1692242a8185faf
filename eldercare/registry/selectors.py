"""Reads of the elder registry, always limited to the caller's data scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from eldercare.core.ids import is_valid_phone, normalise_phone
from eldercare.core.scope import DataScope
from eldercare.registry.choices import ElderStatus, ReviewStatus
from eldercare.registry.models import (
    DuplicateCandidate,
    Elder,
    ElderChange,
    ElderConsent,
    ElderContact,
    ElderGroupMembership,
    ImportBatch,
    LifeEvent,
    ReviewItem,
)
from eldercare.registry.services.elders import phone_hash


@dataclass(frozen=True, slots=True)
class ElderFilter:
    search: str = ""
    division_code: str = ""
    status: str = ""
    living_situation: str = ""
    economic_status: str = ""
    min_age: int | None = None
    max_age: int | None = None
    group: str = ""
    special_difficulty: bool | None = None
    sort: str = ""


SORTS = {
    "name": ("name_initials", "id"),
    "-name": ("-name_initials", "-id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
    "division": ("residence_division_id", "id"),
    "-division": ("-residence_division_id", "-id"),
    "updated": ("-updated_at", "-id"),
}


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def search_q(text: str) -> Q:
    """What community workers type: pinyin initials (zsf → 张三丰), a name or part of it, the last
    digits of the ID number, a full phone number (matched by its keyed hash), or a community name."""
    text = text.strip()
    if not text:
        return Q()
    compact = text.replace(" ", "")
    if compact.isascii() and compact.isalpha():
        return Q(name_initials__startswith=compact.lower())
    digits = normalise_phone(compact)
    if digits.isdigit() and is_valid_phone(digits) and len(digits) >= 11:
        return Q(phone_hash=phone_hash(digits))
    if compact[:-1].isdigit() and 3 <= len(compact) <= 6:
        # only the last 4 characters are kept in clear (mask_id_number): match those of a longer tail
        return Q(id_number_masked__endswith=compact[-4:].upper())
    return Q(name__contains=text) | Q(residence_division__name__contains=text)


def elder_list(
    *, scope: DataScope, filters: ElderFilter | None = None, today: date | None = None
) -> QuerySet[Elder]:
    """Elders in scope matching the filters; merged records are hidden. The queryset selects the
    community and prefetches the groups, so a page costs the same number of queries at any size."""
    qs = Elder.objects.for_scope(scope).exclude(status=ElderStatus.MERGED)
    f = filters or ElderFilter()
    today = today or date.today()  # noqa: DTZ011
    if f.search:
        qs = qs.filter(search_q(f.search))
    if f.division_code:
        qs = qs.filter(residence_division__code__startswith=f.division_code)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.living_situation:
        qs = qs.filter(living_situation=f.living_situation)
    if f.economic_status:
        qs = qs.filter(economic_status=f.economic_status)
    if f.min_age is not None:
        qs = qs.filter(birth_date__lte=years_ago(today, f.min_age))
    if f.max_age is not None:
        qs = qs.filter(birth_date__gt=years_ago(today, f.max_age + 1))
    if f.group:
        qs = qs.filter(pk__in=ElderGroupMembership.objects.filter(group=f.group).values("elder_id"))
    if f.special_difficulty is not None:
        qs = qs.filter(special_difficulty=f.special_difficulty)
    return (
        qs.select_related("residence_division")
        .prefetch_related("eldergroupmemberships")
        .defer("id_number", "address", "phone")
        .order_by(*SORTS.get(f.sort, ("id",)))
    )


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


def elder_contacts(*, elder: Elder) -> list[ElderContact]:
    return list(ElderContact.objects.filter(elder=elder))


def elder_consents(*, elder: Elder) -> list[ElderConsent]:
    return list(ElderConsent.objects.filter(elder=elder))


def elder_groups(*, elder: Elder) -> list[ElderGroupMembership]:
    return list(ElderGroupMembership.objects.filter(elder=elder))


def elder_changes(*, elder: Elder, limit: int = 200) -> list[ElderChange]:
    return list(ElderChange.objects.filter(elder=elder).select_related("batch")[:limit])


def elder_life_events(*, elder: Elder) -> list[LifeEvent]:
    return list(LifeEvent.objects.filter(elder=elder))


def import_batches(*, scope: DataScope) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.for_scope(scope).defer("content").order_by("-id")


def access_import_batch(*, scope: DataScope, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.for_scope(scope).filter(pk=batch_id).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch


def review_queue(*, scope: DataScope, status: str = ReviewStatus.OPEN) -> QuerySet[ReviewItem]:
    return (
        ReviewItem.objects.for_scope(scope)
        .filter(status=status)
        .select_related("elder", "elder__residence_division")
        .defer("elder__id_number", "elder__phone", "elder__address")
        .order_by("-id")
    )


def access_review_item(*, scope: DataScope, item_id: int) -> ReviewItem:
    item = ReviewItem.objects.for_scope(scope).select_related("elder").filter(pk=item_id).first()
    if item is None:
        raise Http404("No such review item.")
    return item


def duplicate_candidates(
    *, scope: DataScope, status: str = ReviewStatus.OPEN
) -> QuerySet[DuplicateCandidate]:
    """Pairs whose first record is in scope and whose second is too (a merge needs both)."""
    other_in_scope = Elder.objects.for_scope(scope).values("pk")
    return (
        DuplicateCandidate.objects.for_scope(scope)
        .filter(status=status, other_id__in=other_in_scope)
        .select_related("elder", "other", "elder__residence_division", "other__residence_division")
        .defer("elder__id_number", "elder__phone", "elder__address", "other__id_number", "other__phone")
        .defer("other__address")
        .order_by("-id")
    )


def access_duplicate(*, scope: DataScope, candidate_id: int) -> DuplicateCandidate:
    other_in_scope = Elder.objects.for_scope(scope).values("pk")
    candidate = (
        DuplicateCandidate.objects.for_scope(scope)
        .filter(pk=candidate_id, other_id__in=other_in_scope)
        .select_related("elder", "other")
        .first()
    )
    if candidate is None:
        raise Http404("No such pair.")
    return candidate


def suspected_overpayments(*, scope: DataScope) -> QuerySet[LifeEvent]:
    """Life events after which payments were already made (listed by the benefits listener)."""
    return (
        LifeEvent.objects.for_scope(scope)
        .filter(overpayment_fen__gt=0)
        .select_related("elder", "elder__residence_division")
        .defer("elder__id_number", "elder__phone", "elder__address")
        .order_by("-occurred_on", "-id")
    )
