"""Pages of home and community services: officers and providers (scoped), the worker's phone page, the
elder/family portal, canteen counters. Thin: every write is one service call; refusals come back as
messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division
from eldercare.homecare import selectors, services
from eldercare.homecare.api import selectors_indicators
from eldercare.homecare.choices import (
    STATEMENT_PAID,
    AdaptationStatus,
    ConfirmedBy,
    FlagDecision,
    IdentifiedBy,
    InspectionResult,
    MealKind,
    MealMode,
    OrderStatus,
    ProviderKind,
    ServiceType,
    Skill,
)
from eldercare.homecare.models import CatalogueItem, ProviderWorker
from eldercare.registry.selectors import access_elder

View = Callable[..., HttpResponse]


def refusals_as_messages(view: View) -> View:
    """A POST whose service refuses goes back where it came from, with the refusal as a message."""

    @wraps(view)
    def wrapped(request: ScopedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(
                request.POST.get("next") or request.META.get("HTTP_REFERER") or "homecare:overview"
            )

    return wrapped


def _need(request: ScopedRequest, capability: str) -> None:
    if not request.principal.can(capability):
        raise PermissionDenied


def _yuan(fen: int | None) -> str:
    return f"{(fen or 0) / 100:.2f}"


def _parse_day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


# --- overview, orders --------------------------------------------------------------------------------


@require_page("homecare:overview")
def overview(request: ScopedRequest) -> HttpResponse:
    scope = request.scope
    flagged, _cursor = selectors.keyset_page(
        selectors.order_list(scope=scope, filters=selectors.OrderFilter(flagged=True)), size=20
    )
    return render(
        request,
        "homecare/overview.html",
        {"counts": selectors.overview_counts(scope=scope), "flagged": flagged},
    )


@require_page("homecare:indicators")
def indicators(request: ScopedRequest) -> HttpResponse:
    return render(request, "homecare/indicators.html", {"rates": selectors_indicators(request.scope)})


@require_page("homecare:order_list")
def order_list(request: ScopedRequest) -> HttpResponse:
    flagged = {"1": True, "0": False}.get(request.GET.get("flagged", ""))
    filters = selectors.OrderFilter(
        status=request.GET.get("status", ""),
        flagged=flagged,
        service_type=request.GET.get("service_type", ""),
        division=request.GET.get("division", "").strip(),
    )
    rows, cursor = selectors.keyset_page(
        selectors.order_list(scope=request.scope, filters=filters),
        before=request.GET.get("before", ""),
        size=50,
    )
    params = request.GET.copy()
    params.pop("before", None)
    return render(
        request,
        "homecare/order_list.html",
        {
            "orders": rows,
            "cursor": cursor,
            "params": request.GET,
            "query": params.urlencode(),
            "statuses": OrderStatus.choices,
            "service_types": ServiceType.choices,
            "can_order": request.principal.can("homecare.order"),
        },
    )


@require_page("homecare:order_create")
@refusals_as_messages
def order_create(request: ScopedRequest) -> HttpResponse:
    items: QuerySet[CatalogueItem]
    if request.scope.organisation_ids:
        items = CatalogueItem.objects.for_scope(request.scope)
    else:  # only providers contracted for the user's area (a city-wide list hid them past its first 200)
        items = selectors.catalogue_for_area(code=getattr(request.user, "division_id", None) or "")
    items = items.select_related("provider").order_by("provider__name", "name")[:200]
    if request.method == "POST":
        elder = (
            access_elder(scope=request.scope, elder_id=int(request.POST.get("elder_id") or 0))
            if not (request.scope.organisation_ids)
            else _elder_for_provider(request)
        )
        item = get_object_or_404(
            CatalogueItem.objects.select_related("provider"), pk=request.POST.get("item_id") or 0
        )
        try:
            scheduled = datetime.fromisoformat(request.POST.get("scheduled_at", ""))
        except ValueError as exc:
            raise DomainError(
                "homecare_time", _("Give the date and time of the service."), status=422
            ) from exc
        if timezone.is_naive(scheduled):
            scheduled = timezone.make_aware(scheduled)
        role = request.principal.role
        source = (
            "emergency"
            if role == "emergency_operator"
            else ("provider" if request.scope.organisation_ids else "community")
        )
        order = services.order_create(
            elder=elder,
            item=item,
            scheduled_at=scheduled,
            source=source,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
        messages.success(request, _("Order created."))
        return redirect("homecare:order_detail", order.pk)
    return render(
        request, "homecare/order_create.html", {"items": items, "elder_id": request.GET.get("elder", "")}
    )


def _elder_for_provider(request: ScopedRequest) -> Any:
    from eldercare.registry.models import Elder

    elder = Elder.objects.filter(pk=int(request.POST.get("elder_id") or 0)).first()
    if elder is None:
        raise Http404("No such elder.")
    return elder


@require_page("homecare:order_detail")
def order_detail(request: ScopedRequest, order_id: int) -> HttpResponse:
    order = selectors.access_order(scope=request.scope, order_id=order_id)
    workers = (
        ProviderWorker.objects.filter(provider=order.provider, is_active=True).order_by("name")
        if request.principal.can("homecare.dispatch")
        else []
    )
    return render(
        request,
        "homecare/order_detail.html",
        {
            "order": order,
            "workers": workers,
            "lines": order.settlement_lines.all(),
            "can_dispatch": request.principal.can("homecare.dispatch"),
            "can_review": request.principal.can("homecare.review"),
            "can_order": request.principal.can("homecare.order"),
            "decisions": FlagDecision.choices,
        },
    )


@require_POST
@require_page("homecare:order_action")
@refusals_as_messages
def order_action(request: ScopedRequest, order_id: int) -> HttpResponse:
    order = selectors.access_order(scope=request.scope, order_id=order_id)
    action = request.POST.get("action", "")
    actor = request.user
    if action == "assign":
        _need(request, "homecare.dispatch")
        worker = get_object_or_404(
            ProviderWorker, pk=request.POST.get("worker") or 0, provider=order.provider
        )
        services.order_assign(order=order, worker=worker, actor=actor)
    elif action == "auto_assign":
        _need(request, "homecare.dispatch")
        services.order_auto_assign(order=order, actor=actor)
    elif action == "cancel":
        _need(request, "homecare.order")
        services.order_cancel(order=order, reason=request.POST.get("reason", ""), actor=actor)
    elif action == "review":
        _need(request, "homecare.review")
        services.order_flag_review(
            order=order,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            actor=actor,
        )
    elif action == "resend_code":
        _need(request, "homecare.dispatch")
        services.order_resend_code(order=order, actor=actor)
    else:
        messages.error(request, _("Unknown action."))
        return redirect("homecare:order_detail", order.pk)
    messages.success(request, _("Done."))
    return redirect("homecare:order_detail", order.pk)


# --- providers, statements, settlement ---------------------------------------------------------------


@require_page("homecare:provider_list")
def provider_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.provider_list(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "homecare/provider_list.html",
        {"page": page, "can_manage": request.principal.can("homecare.manage")},
    )


@require_page("homecare:provider_create")
@refusals_as_messages
def provider_create(request: ScopedRequest) -> HttpResponse:
    if request.method == "POST":
        division = get_object_or_404(
            Division.objects.for_scope(request.scope), code=request.POST.get("division", "")
        )
        areas = list(
            Division.objects.for_scope(request.scope).filter(code__in=request.POST.get("areas", "").split())
        ) or [division]
        provider = services.provider_register(
            name=request.POST.get("name", "").strip() or "—",
            kind=request.POST.get("kind", ""),
            division=division,
            areas=areas,
            phone=request.POST.get("phone", ""),
            credit_code=request.POST.get("credit_code", "")[:18],
            actor=request.user,
        )
        messages.success(request, _("Provider registered."))
        return redirect("homecare:provider_detail", provider.pk)
    return render(request, "homecare/provider_create.html", {"kinds": ProviderKind.choices})


@require_page("homecare:provider_detail")
def provider_detail(request: ScopedRequest, provider_id: int) -> HttpResponse:
    provider = selectors.access_provider(scope=request.scope, provider_id=provider_id)
    return render(
        request,
        "homecare/provider_detail.html",
        {
            "provider": provider,
            "areas": provider.areas.select_related("division"),
            "contracts": provider.contracts.select_related("purchaser"),
            "catalogue": provider.catalogue.all(),
            "workers": provider.workers.all(),
            "skills": Skill.choices,
            "may_hire": request.principal.can("homecare.dispatch"),
            "settlements": provider.settlements.all()[:24],
            "pending": selectors.pending_corrections(provider=provider).count(),
        },
    )


@require_POST
@require_page("homecare:worker_add")
@refusals_as_messages
def worker_add(request: ScopedRequest, provider_id: int) -> HttpResponse:
    """A provider hires a worker: with an ID number the joint-punishment list is checked first."""
    provider = selectors.access_provider(scope=request.scope, provider_id=provider_id)
    name = request.POST.get("name", "").strip()
    if not name:
        raise DomainError("homecare_worker_name_missing", _("Enter the worker's name."), status=422)
    services.worker_add(
        provider=provider,
        name=name,
        id_number=request.POST.get("id_number", "").strip(),
        phone=request.POST.get("phone", "").strip(),
        skills=[skill for skill in request.POST.getlist("skills") if skill in Skill.values],
        actor=request.user,
    )
    messages.success(request, _("Worker added."))
    return redirect("homecare:provider_detail", provider.pk)


@require_page("homecare:statement")
def statement(request: ScopedRequest, provider_id: int) -> HttpResponse:
    provider = selectors.access_provider(scope=request.scope, provider_id=provider_id)
    default = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    period = _parse_day(
        (request.GET.get("period") or "") + "-01" if request.GET.get("period") else "", default
    )
    rows = selectors.provider_statement(provider=provider, period=period)
    paid = [r for r in rows if r.status in STATEMENT_PAID]
    return render(
        request,
        "homecare/statement.html",
        {
            "provider": provider,
            "period": period,
            "rows": rows,
            "paid_orders": sum(r.orders for r in paid),
            "paid_price": _yuan(sum(r.price_fen for r in paid)),
            "paid_subsidy": _yuan(sum(r.subsidy_fen for r in paid)),
            "can_settle": request.principal.can("homecare.settle"),
        },
    )


@require_page("homecare:settlement_list")
def settlement_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.settlement_list(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(request, "homecare/settlement_list.html", {"page": page})


@require_page("homecare:settlement_detail")
def settlement_detail(request: ScopedRequest, settlement_id: int) -> HttpResponse:
    settlement = selectors.access_settlement(scope=request.scope, settlement_id=settlement_id)
    page = Paginator(selectors.settlement_lines(settlement), 100).get_page(request.GET.get("page"))
    return render(request, "homecare/settlement_detail.html", {"settlement": settlement, "page": page})


@require_POST
@require_page("homecare:settlement_run")
@refusals_as_messages
def settlement_run(request: ScopedRequest, provider_id: int) -> HttpResponse:
    provider = selectors.access_provider(scope=request.scope, provider_id=provider_id)
    period = _parse_day((request.POST.get("period") or "") + "-01", date(1900, 1, 1))
    if period.year == 1900:
        messages.error(request, _("Choose a month."))
        return redirect("homecare:provider_detail", provider.pk)
    settlement = services.settlement_run(provider=provider, period=period, actor=request.user)
    messages.success(request, _("Settlement ready."))
    return redirect("homecare:settlement_detail", settlement.pk)


# --- call-backs --------------------------------------------------------------------------------------


@require_page("homecare:callback_list")
def callback_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.callbacks_due(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(request, "homecare/callback_list.html", {"page": page})


@require_POST
@require_page("homecare:callback_record")
@refusals_as_messages
def callback_record(request: ScopedRequest, callback_id: int) -> HttpResponse:
    callback = selectors.access_callback(scope=request.scope, callback_id=callback_id)
    reached = request.POST.get("reached") == "1"
    happened = {"1": True, "0": False}.get(request.POST.get("happened", ""))
    score = request.POST.get("satisfaction", "")
    services.callback_record(
        callback=callback,
        reached=reached,
        service_happened=happened,
        satisfaction=int(score) if score.isdigit() else None,
        note=request.POST.get("note", ""),
        actor=request.user,
    )
    messages.success(request, _("Call-back recorded."))
    return redirect("homecare:callback_list")


# --- the worker's phone page -------------------------------------------------------------------------


def _worker_or_404(request: ScopedRequest) -> ProviderWorker:
    worker = selectors.worker_of(request.user)
    if worker is None:
        raise Http404("This account is not registered as a home-care worker.")
    return worker


@require_page("homecare:worker")
def worker(request: ScopedRequest) -> HttpResponse:
    me = selectors.worker_of(request.user)
    orders = list(selectors.worker_orders(worker=me)) if me is not None else []
    return render(request, "homecare/worker.html", {"worker": me, "orders": orders})


@require_page("homecare:worker_order")
def worker_order(request: ScopedRequest, order_id: int) -> HttpResponse:
    me = _worker_or_404(request)
    order = selectors.access_worker_order(worker=me, order_id=order_id)
    return render(request, "homecare/worker_order.html", {"worker": me, "order": order})


@require_POST
@require_page("homecare:worker_action")
@refusals_as_messages
def worker_action(request: ScopedRequest, order_id: int) -> HttpResponse:
    me = _worker_or_404(request)
    order = selectors.access_worker_order(worker=me, order_id=order_id)
    action = request.POST.get("action", "")

    def position(name: str) -> float | None:
        try:
            return float(request.POST.get(name, ""))
        except ValueError:
            return None

    if action == "depart":
        services.order_depart(order=order, worker=me, actor=request.user)
    elif action == "check_in":
        services.order_check_in(
            order=order, worker=me, lon=position("lon"), lat=position("lat"), actor=request.user
        )
    elif action == "check_out":
        services.order_check_out(
            order=order,
            worker=me,
            lon=position("lon"),
            lat=position("lat"),
            actor=request.user,
            photo_count=int(request.POST.get("photo_count") or 0),
        )
    elif action == "confirm":
        services.order_confirm(order=order, code=request.POST.get("code", ""), actor=request.user)
    elif action == "fail":
        services.order_fail(order=order, worker=me, reason=request.POST.get("reason", ""), actor=request.user)
    else:
        messages.error(request, _("Unknown action."))
        return redirect("homecare:worker_order", order.pk)
    messages.success(request, _("Saved."))
    return redirect("homecare:worker_order", order.pk)


# --- the elder / family portal -----------------------------------------------------------------------


def _portal_elders(request: ScopedRequest) -> Any:
    from eldercare.timebank.selectors import linked_elders

    return linked_elders(user=request.user)


@require_page("homecare:portal")
def portal(request: ScopedRequest) -> HttpResponse:
    orders = selectors.elder_orders(elders=_portal_elders(request))[:50]
    return render(request, "homecare/portal.html", {"orders": orders})


@require_POST
@require_page("homecare:portal_confirm")
@refusals_as_messages
def portal_confirm(request: ScopedRequest, order_id: int) -> HttpResponse:
    order = selectors.elder_orders(elders=_portal_elders(request)).filter(pk=order_id).first()
    if order is None:
        raise Http404("No such order.")
    services.order_confirm(order=order, by=ConfirmedBy.PORTAL, actor=request.user)
    messages.success(request, _("Thank you: the service is confirmed."))
    return redirect("homecare:portal")


# --- canteens ----------------------------------------------------------------------------------------


@require_page("homecare:canteen_list")
def canteen_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.canteen_list(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(request, "homecare/canteen_list.html", {"page": page})


@require_page("homecare:canteen_detail")
def canteen_detail(request: ScopedRequest, canteen_id: int) -> HttpResponse:
    canteen = selectors.access_canteen(scope=request.scope, canteen_id=canteen_id)
    day = _parse_day(request.GET.get("day"), timezone.localdate())
    return render(
        request,
        "homecare/canteen_detail.html",
        {
            "canteen": canteen,
            "day": day,
            "summary": selectors.canteen_day(canteen=canteen, day=day),
            "menus": canteen.menus.filter(day__gte=day)[:14],
            "inspections": canteen.inspections.all()[:20],
            "results": InspectionResult.choices,
            "can_inspect": request.principal.can("homecare.inspect"),
        },
    )


@require_page("homecare:canteen_counter")
@refusals_as_messages
def canteen_counter(request: ScopedRequest, canteen_id: int) -> HttpResponse:
    """The counter: identify the elder by resident ID or phone (no face recognition), serve the meal."""
    canteen = selectors.access_canteen(scope=request.scope, canteen_id=canteen_id)
    if request.method == "POST":
        elder = services.identify_elder(
            identifier=request.POST.get("identifier", ""), identified_by=request.POST.get("identified_by", "")
        )
        served = services.meal_serve(
            canteen=canteen,
            elder=elder,
            meal=request.POST.get("meal", ""),
            mode=request.POST.get("mode", ""),
            identified_by=request.POST.get("identified_by", ""),
            actor=request.user,
        )
        messages.success(
            request,
            _("Served %(name)s: pays %(pays)s yuan, subsidy %(subsidy)s yuan.")
            % {
                "name": elder.masked_name,
                "pays": _yuan(served.elder_fen),
                "subsidy": _yuan(served.subsidy_fen),
            },
        )
        return redirect("homecare:canteen_counter", canteen.pk)
    today = timezone.localdate()
    return render(
        request,
        "homecare/canteen_counter.html",
        {
            "canteen": canteen,
            "summary": selectors.canteen_day(canteen=canteen, day=today),
            "meals": MealKind.choices,
            "modes": MealMode.choices,
            "ways": IdentifiedBy.choices,
        },
    )


@require_POST
@require_page("homecare:inspection_add")
@refusals_as_messages
def inspection_add(request: ScopedRequest, canteen_id: int) -> HttpResponse:
    canteen = selectors.access_canteen(scope=request.scope, canteen_id=canteen_id)
    services.inspection_record(
        canteen=canteen,
        inspected_on=_parse_day(request.POST.get("inspected_on"), timezone.localdate()),
        inspector=str(request.user)[:64],
        result=request.POST.get("result", ""),
        findings=request.POST.get("findings", ""),
        rectify_by=_parse_day(request.POST.get("rectify_by"), date.min)
        if request.POST.get("rectify_by")
        else None,
        actor=request.user,
    )
    messages.success(request, _("Inspection recorded."))
    return redirect("homecare:canteen_detail", canteen.pk)


# --- family care beds --------------------------------------------------------------------------------


@require_page("homecare:bed_list")
def bed_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.bed_list(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(request, "homecare/bed_list.html", {"page": page})


@require_page("homecare:bed_detail")
def bed_detail(request: ScopedRequest, bed_id: int) -> HttpResponse:
    bed = selectors.access_bed(scope=request.scope, bed_id=bed_id)
    return render(
        request,
        "homecare/bed_detail.html",
        {
            "bed": bed,
            "devices": bed.devices.all(),
            "plans": bed.care_plans.select_related("item"),
            "visits": selectors.order_list(scope=request.scope).filter(care_plan__family_bed=bed)[:30],
            "items": bed.provider.catalogue.filter(is_active=True),
            "can_act": request.principal.can("homecare.programmes"),
        },
    )


@require_POST
@require_page("homecare:bed_action")
@refusals_as_messages
def bed_action(request: ScopedRequest, bed_id: int) -> HttpResponse:
    bed = selectors.access_bed(scope=request.scope, bed_id=bed_id)
    action, post, actor = request.POST.get("action", ""), request.POST, request.user
    if action == "assess":
        services.bed_assess(
            bed=bed,
            findings={"notes": post.get("notes", ""), "reason": post.get("reason", "")},
            suitable=post.get("suitable") == "1",
            actor=actor,
        )
    elif action == "contract":
        services.bed_contract(
            bed=bed,
            number=post.get("number", ""),
            contract_from=_parse_day(post.get("from"), timezone.localdate()),
            contract_to=_parse_day(post.get("to"), timezone.localdate()),
            monthly_fee_fen=int(float(post.get("fee_yuan") or 0) * 100),
            actor=actor,
        )
    elif action == "plan":
        item = get_object_or_404(CatalogueItem, pk=post.get("item") or 0, provider=bed.provider)
        hh, _sep, mm = (post.get("time") or "09:00").partition(":")
        services.bed_plan_add(
            bed=bed,
            item=item,
            weekdays=[int(d) for d in post.getlist("weekdays") if d.isdigit()],
            start_time=time(int(hh or 9), int(mm or 0)),
            actor=actor,
        )
    elif action == "end":
        services.bed_end(bed=bed, reason=post.get("reason", ""), actor=actor)
    else:
        messages.error(request, _("Unknown action."))
        return redirect("homecare:bed_detail", bed.pk)
    messages.success(request, _("Saved."))
    return redirect("homecare:bed_detail", bed.pk)


# --- home adaptation ---------------------------------------------------------------------------------


@require_page("homecare:adaptation_list")
def adaptation_list(request: ScopedRequest) -> HttpResponse:
    qs = selectors.adaptation_list(scope=request.scope, status=request.GET.get("status", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "homecare/adaptation_list.html",
        {
            "page": page,
            "statuses": AdaptationStatus.choices,
            "params": request.GET,
            "can_act": request.principal.can("homecare.programmes"),
        },
    )


@require_page("homecare:adaptation_create")
@refusals_as_messages
def adaptation_create(request: ScopedRequest) -> HttpResponse:
    if request.method == "POST":
        elder = access_elder(scope=request.scope, elder_id=int(request.POST.get("elder_id") or 0))
        adaptation = services.adaptation_apply(
            elder=elder, willing=request.POST.get("willing") != "0", actor=request.user
        )
        messages.success(request, _("Application recorded."))
        return redirect("homecare:adaptation_detail", adaptation.pk)
    return render(request, "homecare/adaptation_create.html", {"elder_id": request.GET.get("elder", "")})


@require_page("homecare:adaptation_detail")
def adaptation_detail(request: ScopedRequest, adaptation_id: int) -> HttpResponse:
    from eldercare.core.selectors import policy_value

    adaptation = selectors.access_adaptation(scope=request.scope, adaptation_id=adaptation_id)
    catalogue = policy_value("homecare.adaptation", default={"items": []}).value["items"]
    providers = (
        selectors.provider_list(scope=request.scope)[:50] if not request.scope.organisation_ids else []
    )
    return render(
        request,
        "homecare/adaptation_detail.html",
        {
            "adaptation": adaptation,
            "items": adaptation.items.all(),
            "catalogue": catalogue,
            "providers": providers,
            "can_act": request.principal.can("homecare.programmes"),
        },
    )


@require_POST
@require_page("homecare:adaptation_action")
@refusals_as_messages
def adaptation_action(request: ScopedRequest, adaptation_id: int) -> HttpResponse:
    adaptation = selectors.access_adaptation(scope=request.scope, adaptation_id=adaptation_id)
    action, post, actor = request.POST.get("action", ""), request.POST, request.user
    if action == "survey":
        services.adaptation_survey(adaptation=adaptation, notes=post.get("notes", ""), actor=actor)
    elif action == "plan":
        provider = selectors.access_provider(scope=request.scope, provider_id=int(post.get("provider") or 0))
        items = {code: int(post.get(f"qty_{code}") or 1) for code in post.getlist("items")}
        services.adaptation_plan(adaptation=adaptation, items=items, provider=provider, actor=actor)
    elif action == "works":
        services.adaptation_start_works(adaptation=adaptation, actor=actor)
    elif action == "accept":
        services.adaptation_accept(adaptation=adaptation, actor=actor)
    elif action == "subsidy":
        services.adaptation_pay_subsidy(adaptation=adaptation, actor=actor)
    elif action in ("reject", "withdraw"):
        services.adaptation_close(
            adaptation=adaptation, withdrawn=action == "withdraw", reason=post.get("reason", ""), actor=actor
        )
    else:
        messages.error(request, _("Unknown action."))
        return redirect("homecare:adaptation_detail", adaptation.pk)
    messages.success(request, _("Saved."))
    return redirect("homecare:adaptation_detail", adaptation.pk)
