"""Home-care API: order lists and details for staff (keyset pages), the provider statement, the worker app
(own orders, on the way, check-in/out with position, code confirmation) and the elder/family portal."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from eldercare.accounts.api_auth import api_operation
from eldercare.homecare import selectors, services
from eldercare.homecare.choices import STATEMENT_PAID, ConfirmedBy
from eldercare.homecare.models import CatalogueItem, ProviderWorker, ServiceOrder
from eldercare.homecare.schemas import (
    CodeIn,
    HomecareRateOut,
    OrderDetailOut,
    OrderIn,
    OrderOut,
    OrderPage,
    PositionIn,
    StatementOut,
    StatementRowOut,
)
from eldercare.registry.selectors import access_elder

router = Router(tags=["homecare"])


def _out(o: ServiceOrder) -> dict[str, Any]:
    return {
        "id": o.pk,
        "status": o.status,
        "service_type": o.service_type,
        "provider_id": o.provider_id,
        "provider_name": o.provider.name,
        "community_code": o.division_id,
        "community_name": o.division.name,
        "elder_name": o.elder.masked_name,
        "worker_name": str(o.worker) if o.worker_id else None,
        "scheduled_at": o.scheduled_at,
        "created_at": o.created_at,
        "flagged": o.flagged,
        "price_fen": o.price_fen,
        "subsidy_fen": o.subsidy_fen,
        "elder_fen": o.elder_fen,
    }


def _detail(o: ServiceOrder) -> dict[str, Any]:
    return {
        **_out(o),
        "planned_minutes": o.planned_minutes,
        "served_minutes": o.served_minutes,
        "check_in_at": o.check_in_at,
        "check_in_distance_m": o.check_in_distance_m,
        "check_out_at": o.check_out_at,
        "check_out_distance_m": o.check_out_distance_m,
        "confirmed_at": o.confirmed_at,
        "verified_at": o.verified_at,
        "flags": o.flags,
        "funding_source": o.funding_source,
        "funding_reasons": o.funding_reasons,
        "reason": o.reason,
    }


@router.get("/homecare/orders", response=OrderPage)
@api_operation
def homecare_order_list(
    request: HttpRequest,
    status: str = "",
    provider: int | None = None,
    flagged: bool | None = None,
    before: str = "",
    size: int = Query(50, ge=1, le=200),
) -> Any:
    """Newest first; `before` is the cursor from the previous page (keyset pagination, no total count)."""
    qs = selectors.order_list(
        scope=request.auth.scope,  # type: ignore[attr-defined]
        filters=selectors.OrderFilter(status=status, provider_id=provider, flagged=flagged),
    )
    rows, cursor = selectors.keyset_page(qs, before=before, size=size)
    return {"items": [_out(o) for o in rows], "next": cursor}


@router.get("/homecare/orders/{order_id}", response=OrderDetailOut)
@api_operation
def homecare_order_detail(request: HttpRequest, order_id: int) -> Any:
    return _detail(selectors.access_order(scope=request.auth.scope, order_id=order_id))  # type: ignore[attr-defined]


@router.post("/homecare/orders", response={201: OrderDetailOut})
@api_operation
def homecare_order_create(request: HttpRequest, payload: OrderIn) -> Any:
    scope = request.auth.scope  # type: ignore[attr-defined]
    elder = access_elder(scope=scope, elder_id=payload.elder_id) if not scope.organisation_ids else None
    if elder is None:  # a provider manager orders for elders in its areas: the elder by id, area checked
        from eldercare.registry.models import Elder

        elder = Elder.objects.filter(pk=payload.elder_id).first()
        if elder is None:
            raise HttpError(404, "Not found.")
    item = CatalogueItem.objects.filter(pk=payload.item_id).select_related("provider").first()
    if item is None:
        raise HttpError(404, "Not found.")
    if scope.organisation_ids and item.provider.organisation_id not in scope.organisation_ids:
        raise HttpError(404, "Not found.")
    order = services.order_create(
        elder=elder,
        item=item,
        scheduled_at=payload.scheduled_at,
        source=payload.source,
        source_ref=payload.source_ref,
        note=payload.note,
        actor=request.auth.user,  # type: ignore[attr-defined]
    )
    return 201, _detail(selectors.access_order(scope=scope, order_id=order.pk))


@router.get("/homecare/providers/{provider_id}/statement", response=StatementOut)
@api_operation
def homecare_statement(request: HttpRequest, provider_id: int, period: str) -> Any:
    """对账单 of one month (`period=YYYY-MM`): orders by service type and status, and the verified sums."""
    provider = selectors.access_provider(scope=request.auth.scope, provider_id=provider_id)  # type: ignore[attr-defined]
    try:
        month = date.fromisoformat(period + "-01")
    except ValueError as exc:
        raise HttpError(422, "period is YYYY-MM") from exc
    rows = selectors.provider_statement(provider=provider, period=month)
    paid = [r for r in rows if r.status in STATEMENT_PAID]
    return {
        "provider_id": provider.pk,
        "provider_name": provider.name,
        "period": period,
        "rows": [StatementRowOut(**_row(r)) for r in rows],
        "verified_orders": sum(r.orders for r in paid),
        "verified_price_fen": sum(r.price_fen for r in paid),
        "verified_subsidy_fen": sum(r.subsidy_fen for r in paid),
    }


def _row(r: selectors.StatementRow) -> dict[str, Any]:
    return {
        "service_type": r.service_type,
        "status": r.status,
        "orders": r.orders,
        "price_fen": r.price_fen,
        "subsidy_fen": r.subsidy_fen,
        "elder_fen": r.elder_fen,
    }


@router.get("/homecare/indicators", response=list[HomecareRateOut])
@api_operation
def homecare_indicators(request: HttpRequest) -> Any:
    """The plan indicators this module computes, for the caller's area (the planning module reads the
    same selectors)."""
    scope = request.auth.scope  # type: ignore[attr-defined]
    return [
        {"code": code, "name": name, **rate_dict(rate)} for code, name, rate in selectors_indicators(scope)
    ]


def selectors_indicators(scope: Any) -> list[tuple[str, str, selectors.Rate]]:
    return [
        (
            "adaptation_willing",
            "有意愿的老年人居家适老化改造完成率",
            selectors.adaptation_completion_rate_willing(scope=scope),
        ),
        (
            "adaptation_special",
            "特殊困难老年人家庭居家适老化改造率",
            selectors.adaptation_rate_special_difficulty(scope=scope),
        ),
        (
            "family_bed_willing",
            "有意愿的老年人家庭养老床位服务覆盖率",
            selectors.family_bed_coverage_willing(scope=scope),
        ),
    ]


def rate_dict(rate: selectors.Rate) -> dict[str, Any]:
    return {"numerator": rate.numerator, "denominator": rate.denominator, "percent": rate.percent}


# --- the worker app ------------------------------------------------------------------------------------


def _worker(request: HttpRequest) -> ProviderWorker:
    worker = selectors.worker_of(request.auth.user)  # type: ignore[attr-defined]
    if worker is None:
        raise HttpError(404, "This account is not registered as a home-care worker.")
    return worker


@router.get("/homecare/worker/orders", response=list[OrderDetailOut])
@api_operation
def homecare_worker_orders(request: HttpRequest) -> Any:
    worker = _worker(request)
    return [
        _detail(o) for o in selectors.worker_orders(worker=worker).select_related("provider", "worker")[:100]
    ]


@router.post("/homecare/worker/orders/{order_id}/depart", response=OrderDetailOut)
@api_operation
def homecare_worker_depart(request: HttpRequest, order_id: int) -> Any:
    worker = _worker(request)
    order = selectors.access_worker_order(worker=worker, order_id=order_id)
    return _detail(services.order_depart(order=order, worker=worker, actor=request.auth.user))  # type: ignore[attr-defined]


@router.post("/homecare/worker/orders/{order_id}/check-in", response=OrderDetailOut)
@api_operation
def homecare_worker_check_in(request: HttpRequest, order_id: int, payload: PositionIn) -> Any:
    worker = _worker(request)
    order = selectors.access_worker_order(worker=worker, order_id=order_id)
    done = services.order_check_in(
        order=order,
        worker=worker,
        lon=payload.lon,
        lat=payload.lat,
        actor=request.auth.user,  # type: ignore[attr-defined]
    )
    return _detail(done)


@router.post("/homecare/worker/orders/{order_id}/check-out", response=OrderDetailOut)
@api_operation
def homecare_worker_check_out(request: HttpRequest, order_id: int, payload: PositionIn) -> Any:
    worker = _worker(request)
    order = selectors.access_worker_order(worker=worker, order_id=order_id)
    done = services.order_check_out(
        order=order,
        worker=worker,
        lon=payload.lon,
        lat=payload.lat,
        photo_count=payload.photo_count,
        actor=request.auth.user,  # type: ignore[attr-defined]
    )
    return _detail(done)


@router.post("/homecare/worker/orders/{order_id}/confirm", response=OrderDetailOut)
@api_operation
def homecare_worker_confirm(request: HttpRequest, order_id: int, payload: CodeIn) -> Any:
    """The code the elder or family read from their SMS, typed by the worker on site."""
    worker = _worker(request)
    order = selectors.access_worker_order(worker=worker, order_id=order_id)
    done = services.order_confirm(order=order, code=payload.code, actor=request.auth.user)  # type: ignore[attr-defined]
    return _detail(done)


# --- the elder / family portal ---------------------------------------------------------------------------


def _portal_elders(request: HttpRequest) -> Any:
    from eldercare.timebank.selectors import linked_elders

    return linked_elders(user=request.auth.user)  # type: ignore[attr-defined]


@router.get("/homecare/portal/orders", response=list[OrderOut])
@api_operation
def homecare_portal_orders(request: HttpRequest) -> Any:
    orders = selectors.elder_orders(elders=_portal_elders(request)).select_related("division", "worker")
    return [_out(o) for o in orders[:100]]


@router.post("/homecare/portal/orders/{order_id}/confirm", response=OrderOut)
@api_operation
def homecare_portal_confirm(request: HttpRequest, order_id: int) -> Any:
    order = (
        selectors.elder_orders(elders=_portal_elders(request))
        .select_related("division", "worker")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise HttpError(404, "Not found.")
    done = services.order_confirm(order=order, by=ConfirmedBy.PORTAL, actor=request.auth.user)  # type: ignore[attr-defined]
    return _out(
        selectors.elder_orders(elders=_portal_elders(request))
        .select_related("division", "worker")
        .get(pk=done.pk)
    )
