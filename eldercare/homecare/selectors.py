"""Reads of home and community services, always limited to the caller's scope (404 outside it).

Order lists use keyset pagination on (created_at, id) descending, served by the indexes
`hc_order_provider_new` / `hc_order_division_new`: no COUNT over millions of rows and no OFFSET scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from eldercare.core.scope import DataScope
from eldercare.homecare.choices import (
    ADAPTATION_DONE,
    AdaptationStatus,
    BedStatus,
    LineKind,
    OrderStatus,
)
from eldercare.homecare.models import (
    Canteen,
    CatalogueItem,
    FamilyCareBed,
    HomeAdaptation,
    MealServed,
    Provider,
    ProviderArea,
    ProviderWorker,
    QualityCallback,
    ServiceOrder,
    Settlement,
    SettlementLine,
)
from eldercare.homecare.services.settlement import period_bounds, period_start
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder

ORDER_LIST_FIELDS = (
    "id",
    "created_at",
    "scheduled_at",
    "status",
    "service_type",
    "flagged",
    "source",
    "price_fen",
    "subsidy_fen",
    "elder_fen",
    "provider_id",
    "provider__name",
    "division_id",
    "division__name",
    "elder_id",
    "elder__name",
    "worker_id",
    "worker__name",
)


# --- providers and workers ---------------------------------------------------------------------------


def provider_list(*, scope: DataScope) -> QuerySet[Provider]:
    return (
        Provider.objects.for_scope(scope)
        .select_related("division")
        .annotate(worker_count=Count("workers", distinct=True))
        .order_by("name", "id")
    )


def access_provider(*, scope: DataScope, provider_id: int) -> Provider:
    return get_object_or_404(Provider.objects.for_scope(scope).select_related("division"), pk=provider_id)


def provider_for_organisation(organisation_id: int | None) -> Provider | None:
    if organisation_id is None:
        return None
    return Provider.objects.filter(organisation_id=organisation_id).first()


def worker_of(user: Any) -> ProviderWorker | None:
    """The caller's own worker record (a provider worker sees only their own orders)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return ProviderWorker.objects.filter(user=user).select_related("provider").first()


# --- orders ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderFilter:
    status: str = ""
    provider_id: int | None = None
    flagged: bool | None = None
    service_type: str = ""
    division: str = ""


def order_list(*, scope: DataScope, filters: OrderFilter | None = None) -> QuerySet[ServiceOrder]:
    """Orders in scope, newest first, with the related names a list shows (one query per page)."""
    f = filters or OrderFilter()
    qs = ServiceOrder.objects.for_scope(scope)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.provider_id:
        qs = qs.filter(provider_id=f.provider_id)
    if f.flagged is not None:
        qs = qs.filter(flagged=f.flagged)
    if f.service_type:
        qs = qs.filter(service_type=f.service_type)
    if f.division:
        qs = qs.filter(division_id__startswith=f.division)
    return (
        qs.select_related("provider", "division", "elder", "worker")
        .only(*ORDER_LIST_FIELDS)
        .order_by("-created_at", "-id")
    )


def keyset_page(
    qs: QuerySet[ServiceOrder], *, before: str = "", size: int = 50
) -> tuple[list[ServiceOrder], str]:
    """One page strictly older than the cursor ``"<iso created_at>_<id>"`` and the next cursor ('' at
    the end)."""
    if before:
        try:
            stamp, _sep, pk = before.rpartition("_")
            at = datetime.fromisoformat(stamp)
            qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=int(pk)))
        except ValueError as exc:
            raise Http404("Bad cursor.") from exc
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    cursor = f"{rows[-1].created_at.isoformat()}_{rows[-1].pk}" if more and rows else ""
    return rows, cursor


def access_order(*, scope: DataScope, order_id: int) -> ServiceOrder:
    return get_object_or_404(
        ServiceOrder.objects.for_scope(scope).select_related(
            "provider", "division", "elder", "worker", "item"
        ),
        pk=order_id,
    )


def worker_orders(*, worker: ProviderWorker, day: date | None = None) -> QuerySet[ServiceOrder]:
    """The worker's orders for a day (today by default) and anything still open from before."""
    day = day or timezone.localdate()
    open_statuses = [OrderStatus.ASSIGNED, OrderStatus.ON_THE_WAY, OrderStatus.IN_SERVICE]
    return (
        ServiceOrder.objects.filter(worker=worker)
        .filter(
            Q(scheduled_at__date=day)
            | Q(status__in=open_statuses)
            | Q(status=OrderStatus.COMPLETED, confirmed_at__isnull=True)
        )
        .select_related("elder", "division", "item")
        .order_by("scheduled_at", "id")
    )


def access_worker_order(*, worker: ProviderWorker, order_id: int) -> ServiceOrder:
    """One of the worker's own orders (another worker's is 404, even in the same provider)."""
    return get_object_or_404(
        ServiceOrder.objects.select_related("elder", "division", "item", "provider"),
        pk=order_id,
        worker=worker,
    )


def catalogue_for_area(*, code: str) -> QuerySet[CatalogueItem]:
    """The active items of active providers contracted for any part of a division (the whole of it, from
    a larger area, or part of it): what an officer or worker of that division can order."""
    levels = [code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n]
    areas = ProviderArea.objects.filter(Q(division_id__in=levels) | Q(division__code__startswith=code))
    return (
        CatalogueItem.objects.filter(is_active=True, provider__is_active=True)
        .filter(provider_id__in=areas.values("provider_id"))
        .select_related("provider")
    )


def catalogue_for_elder(*, elder: Elder) -> QuerySet[CatalogueItem]:
    """What an elder may order: the active items of active providers contracted for the elder's area
    (the same test as `services.orders.provider_serves`, on every level of the elder's division)."""
    code = elder.residence_division_id or ""
    areas = ProviderArea.objects.filter(
        division_id__in=[code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n]
    )
    return (
        CatalogueItem.objects.filter(is_active=True, provider__is_active=True)
        .filter(provider_id__in=areas.values("provider_id"))
        .select_related("provider")
        .order_by("service_type", "provider__name", "name")
    )


def elder_orders(*, elders: QuerySet[Elder]) -> QuerySet[ServiceOrder]:
    return (
        ServiceOrder.objects.filter(elder__in=elders)
        .select_related("provider", "item", "elder")
        .order_by("-scheduled_at", "-id")
    )


def callbacks_due(*, scope: DataScope) -> QuerySet[QualityCallback]:
    return (
        QualityCallback.objects.for_scope(scope)
        .filter(called_at__isnull=True)
        .select_related("order__provider", "order__elder", "order__item")
        .order_by("created_at", "id")
    )


def access_callback(*, scope: DataScope, callback_id: int) -> QualityCallback:
    return get_object_or_404(QualityCallback.objects.for_scope(scope).select_related("order"), pk=callback_id)


# --- settlement and statements -----------------------------------------------------------------------


def settlement_list(*, scope: DataScope) -> QuerySet[Settlement]:
    return (
        Settlement.objects.for_scope(scope).select_related("provider").order_by("-period", "provider__name")
    )


def access_settlement(*, scope: DataScope, settlement_id: int) -> Settlement:
    return get_object_or_404(Settlement.objects.for_scope(scope).select_related("provider"), pk=settlement_id)


def settlement_lines(settlement: Settlement) -> QuerySet[SettlementLine]:
    return SettlementLine.objects.filter(settlement=settlement).select_related("order").order_by("id")


@dataclass(frozen=True, slots=True)
class StatementRow:
    service_type: str
    status: str
    orders: int
    price_fen: int
    subsidy_fen: int
    elder_fen: int


def provider_statement(*, provider: Provider, period: date) -> list[StatementRow]:
    """对账单: a provider's orders served in the month by service type and status, with sums — one
    aggregate over the (provider, status, scheduled_at) index."""
    start, end = period_bounds(period_start(period))
    rows = (
        ServiceOrder.objects.filter(provider=provider, scheduled_at__gte=start, scheduled_at__lt=end)
        .values("service_type", "status")
        .annotate(n=Count("id"), price=Sum("price_fen"), subsidy=Sum("subsidy_fen"), elder=Sum("elder_fen"))
        .order_by("service_type", "status")
    )
    return [
        StatementRow(
            r["service_type"], r["status"], r["n"], r["price"] or 0, r["subsidy"] or 0, r["elder"] or 0
        )
        for r in rows
    ]


def pending_corrections(*, provider: Provider) -> QuerySet[SettlementLine]:
    return SettlementLine.objects.filter(provider=provider, settlement__isnull=True, kind=LineKind.CORRECTION)


# --- canteens ----------------------------------------------------------------------------------------


def canteen_list(*, scope: DataScope) -> QuerySet[Canteen]:
    today = timezone.localdate()
    return (
        Canteen.objects.for_scope(scope)
        .select_related("division", "operator")
        .annotate(served_today=Count("meals", filter=Q(meals__served_on=today)))
        .order_by("division", "name")
    )


def access_canteen(*, scope: DataScope, canteen_id: int) -> Canteen:
    return get_object_or_404(
        Canteen.objects.for_scope(scope).select_related("division", "operator"), pk=canteen_id
    )


def canteen_day(*, canteen: Canteen, day: date) -> dict[str, Any]:
    meals = MealServed.objects.filter(canteen=canteen, served_on=day)
    totals = meals.aggregate(n=Count("id"), subsidy=Sum("subsidy_fen"), elder=Sum("elder_fen"))
    by_group = dict(meals.values_list("group").annotate(n=Count("id")).values_list("group", "n"))
    by_mode = dict(meals.values_list("mode").annotate(n=Count("id")).values_list("mode", "n"))
    return {"totals": totals, "by_group": by_group, "by_mode": by_mode}


# --- family care beds and home adaptation -------------------------------------------------------------


def bed_list(*, scope: DataScope) -> QuerySet[FamilyCareBed]:
    return (
        FamilyCareBed.objects.for_scope(scope)
        .select_related("elder", "division", "provider")
        .order_by("-applied_on", "-id")
    )


def access_bed(*, scope: DataScope, bed_id: int) -> FamilyCareBed:
    return get_object_or_404(
        FamilyCareBed.objects.for_scope(scope).select_related("elder", "provider"), pk=bed_id
    )


def adaptation_list(*, scope: DataScope, status: str = "") -> QuerySet[HomeAdaptation]:
    qs = HomeAdaptation.objects.for_scope(scope).select_related("elder", "division", "provider")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-applied_on", "-id")


def access_adaptation(*, scope: DataScope, adaptation_id: int) -> HomeAdaptation:
    return get_object_or_404(
        HomeAdaptation.objects.for_scope(scope).select_related("elder", "provider"), pk=adaptation_id
    )


# --- indicators (read by the planning module) ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 2) if self.denominator else None


def adaptation_completion_rate_willing(*, scope: DataScope, on: date | None = None) -> Rate:
    """有意愿的老年人居家适老化改造完成率 (Wuhan plan indicator 11, target 100%).

    Denominator: distinct elders whose household applied for a home adaptation with `willing=True` on or
    before `on`, excluding applications the household withdrew (no longer willing); rejected applications
    count (the household wanted it and did not get it). Numerator: those of them with an adaptation accepted
    (验收) on or before `on` (status accepted or subsidised). Scope: the elder's community at application.
    """
    on = on or timezone.localdate()
    base = HomeAdaptation.objects.for_scope(scope).filter(willing=True, applied_on__lte=on)
    wanting = base.exclude(status=AdaptationStatus.WITHDRAWN).values("elder_id").distinct().count()
    done = (
        base.filter(status__in=list(ADAPTATION_DONE), accepted_on__lte=on)
        .values("elder_id")
        .distinct()
        .count()
    )
    return Rate(done, wanting)


def adaptation_rate_special_difficulty(*, scope: DataScope, on: date | None = None) -> Rate:
    """特殊困难老年人家庭居家适老化改造率 (Jiangmen plan indicator JM06, target 100%).

    Denominator: active elders in the scope flagged as in special difficulty by the registry
    (`Elder.special_difficulty`, rule `registry.special_difficulty`) today. Numerator: those of them whose
    home has an adaptation accepted (验收) on or before `on`. One adaptation per household is counted once.
    """
    on = on or timezone.localdate()
    elders = Elder.objects.for_scope(scope).filter(status=ElderStatus.ACTIVE, special_difficulty=True)
    adapted = (
        HomeAdaptation.objects.filter(status__in=list(ADAPTATION_DONE), accepted_on__lte=on, elder__in=elders)
        .values("elder_id")
        .distinct()
        .count()
    )
    return Rate(adapted, elders.count())


def family_bed_coverage_willing(*, scope: DataScope, on: date | None = None) -> Rate:
    """有意愿的老年人家庭养老床位服务覆盖率 (Wuhan plan indicator 12, target 100%).

    Denominator: distinct elders who applied for a family care bed on or before `on` (applying is the
    expression of the wish), excluding beds rejected as unsuitable at the home assessment. Numerator: those
    with a bed contracted or in service on `on`.
    """
    on = on or timezone.localdate()
    base = FamilyCareBed.objects.for_scope(scope).filter(applied_on__lte=on)
    wanting = base.exclude(status=BedStatus.REJECTED).values("elder_id").distinct().count()
    served = (
        base.filter(status__in=[BedStatus.CONTRACTED, BedStatus.ACTIVE], contract_from__lte=on)
        .values("elder_id")
        .distinct()
        .count()
    )
    return Rate(served, wanting)


def overview_counts(*, scope: DataScope) -> dict[str, Any]:
    orders = ServiceOrder.objects.for_scope(scope)
    today = timezone.localdate()
    return {
        "today": orders.filter(scheduled_at__date=today).count(),
        "flagged": orders.filter(flagged=True).count(),
        "awaiting_confirmation": orders.filter(
            status=OrderStatus.COMPLETED, confirmed_at__isnull=True
        ).count(),
        "providers": Provider.objects.for_scope(scope).count(),
        "canteens": Canteen.objects.for_scope(scope).count(),
    }
