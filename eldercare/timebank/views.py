"""Pages of the time bank: coordinators and officers (scoped), the volunteer's own pages, the elder/family
portal and the public totals. Thin: every write is one service call; refusals come back as messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.models import User
from eldercare.accounts.principal import ScopedRequest
from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, Organisation
from eldercare.core.scope import DataScope
from eldercare.registry.selectors import access_elder
from eldercare.timebank import selectors, services
from eldercare.timebank.choices import AccountKind, RequestStatus
from eldercare.timebank.exports import ledger_workbook
from eldercare.timebank.forms import (
    GuaranteeForm,
    ProxyForm,
    RelativeForm,
    RequestForm,
    TeamForm,
    TransferForm,
    VolunteerRegisterForm,
    parse_availability,
)
from eldercare.timebank.models import ServiceRequest, Transaction, VolunteerTeam

View = Callable[..., HttpResponse]


def refusals_as_messages(view: View) -> View:
    """A POST whose service refuses goes back where it came from, with the refusal as a message."""

    @wraps(view)
    def wrapped(request: ScopedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(request.POST.get("next") or request.META.get("HTTP_REFERER") or "home")

    return wrapped


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _city_code(request: ScopedRequest) -> str:
    user = request.user
    code = getattr(user, "division_id", None) or ""
    return code[:4] if code else str(selectors_city_code())


def selectors_city_code() -> str:
    from eldercare.core.selectors import city_profile

    profile = city_profile()
    return profile.division_id if profile else ""


# --- coordinators and officers -------------------------------------------------------------------------


@require_page("timebank:overview")
def overview(request: ScopedRequest) -> HttpResponse:
    scope = request.scope
    return render(
        request,
        "timebank/overview.html",
        {
            "totals": selectors.totals(scope=scope),
            "communities": selectors.community_statement(scope=scope)[:200],
            "awaiting": selectors.request_list(scope=scope, status=RequestStatus.CONFIRMED)[:20],
            "can_coordinate": request.principal.can("timebank.coordinate"),
            "can_export": request.principal.can("timebank.export"),
            "can_fund": request.principal.can("timebank.fund"),
        },
    )


@require_page("timebank:volunteer_list")
def volunteer_list(request: ScopedRequest) -> HttpResponse:
    volunteers = selectors.volunteer_list(scope=request.scope, search=request.GET.get("q", "").strip())
    page = Paginator(volunteers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "timebank/volunteer_list.html",
        {"page": page, "params": request.GET, "can_coordinate": request.principal.can("timebank.coordinate")},
    )


@require_page("timebank:volunteer_register")
def volunteer_register(request: ScopedRequest) -> HttpResponse:
    form = VolunteerRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            division = get_object_or_404(Division.objects.for_scope(request.scope), code=data["division"])
            team = None
            if data["team"]:
                team = get_object_or_404(VolunteerTeam.objects.for_scope(request.scope), pk=data["team"])
            user = None
            if data["username"]:
                user = User.objects.filter(username=data["username"], role=Role.VOLUNTEER).first()
                if user is None:
                    raise DomainError(
                        "timebank_user_not_volunteer", _("No volunteer sign-in account has that name.")
                    )
            volunteer = services.volunteer_register(
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                division=division,
                team=team,
                skills=data["skills"],
                service_areas=[a.strip() for a in data["service_areas"].split(",") if a.strip()],
                availability=parse_availability(data["availability"]),
                user=user,
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The volunteer is registered."))
            return redirect("timebank:volunteer_detail", volunteer.pk)
    return render(request, "timebank/form.html", {"form": form, "title": _("Register a volunteer")})


@require_page("timebank:volunteer_detail")
def volunteer_detail(request: ScopedRequest, volunteer_id: int) -> HttpResponse:
    volunteer = selectors.access_volunteer(scope=request.scope, volunteer_id=volunteer_id)
    account = services.volunteer_account(volunteer)
    hours = selectors.volunteer_hours(volunteer)
    return render(
        request,
        "timebank/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "account": account,
            "hours": hours,
            "badges": services.ledger.rules.badges_for(hours),
            "relatives": volunteer.relatives.select_related("elder", "confirmed_by"),
            "requests": selectors.requests_of(volunteer)[:20],
            "relative_form": RelativeForm(),
            "can_coordinate": request.principal.can("timebank.coordinate"),
        },
    )


@require_page("timebank:volunteer_card")
def volunteer_card(request: ScopedRequest, volunteer_id: int) -> HttpResponse:
    volunteer = selectors.access_volunteer(scope=request.scope, volunteer_id=volunteer_id)
    return _card(request, volunteer)


def _card(request: ScopedRequest, volunteer: Any) -> HttpResponse:
    hours = selectors.volunteer_hours(volunteer)
    return render(
        request,
        "timebank/card.html",
        {
            "volunteer": volunteer,
            "hours": hours,
            "badges": services.ledger.rules.badges_for(hours),
            "qr": mark_safe(qr_svg(f"ELDERCARE-TB:{volunteer.card_number}")),  # noqa: S308 - SVG made by qrcode
        },
    )


@require_POST
@require_page("timebank:relative_add")
@refusals_as_messages
def relative_add(request: ScopedRequest, volunteer_id: int) -> HttpResponse:
    volunteer = selectors.access_volunteer(scope=request.scope, volunteer_id=volunteer_id)
    form = RelativeForm(request.POST)
    if not form.is_valid():
        raise DomainError("form_invalid", _("Check the relative's number and the relation."))
    elder = access_elder(scope=request.scope, elder_id=form.cleaned_data["elder"])
    services.relative_confirm(
        volunteer=volunteer,
        elder=elder,
        relation=form.cleaned_data["relation"],
        evidence=form.cleaned_data["evidence"],
        actor=request.user,
    )
    messages.success(request, _("The relation is confirmed."))
    return redirect("timebank:volunteer_detail", volunteer.pk)


@require_POST
@require_page("timebank:proxy_add")
@refusals_as_messages
def proxy_add(request: ScopedRequest) -> HttpResponse:
    form = ProxyForm(request.POST)
    if not form.is_valid():
        raise DomainError("form_invalid", _("Check the elder's number, the user name and the kind."))
    elder = access_elder(scope=request.scope, elder_id=form.cleaned_data["elder"])
    user = User.objects.filter(username=form.cleaned_data["username"]).first()
    if user is None:
        raise DomainError("timebank_user_unknown", _("No account has that user name."))
    services.proxy_link_confirm(elder=elder, user=user, kind=form.cleaned_data["kind"], actor=request.user)
    messages.success(request, _("The proxy link is confirmed."))
    return redirect("timebank:request_list")


@require_page("timebank:team_list")
def team_list(request: ScopedRequest) -> HttpResponse:
    return render(
        request,
        "timebank/team_list.html",
        {
            "teams": selectors.team_list(scope=request.scope)[:500],
            "form": TeamForm(),
            "can_coordinate": request.principal.can("timebank.coordinate"),
        },
    )


@require_POST
@require_page("timebank:team_create")
@refusals_as_messages
def team_create(request: ScopedRequest) -> HttpResponse:
    form = TeamForm(request.POST)
    if not form.is_valid():
        raise DomainError("form_invalid", _("Give the team a name and a division."))
    division = get_object_or_404(
        Division.objects.for_scope(request.scope), code=form.cleaned_data["division"]
    )
    organisation = None
    if form.cleaned_data["organisation"]:
        organisation = get_object_or_404(Organisation.objects.all(), pk=form.cleaned_data["organisation"])
    services.team_create(
        name=form.cleaned_data["name"], division=division, organisation=organisation, actor=request.user
    )
    messages.success(request, _("The team is created."))
    return redirect("timebank:team_list")


@require_page("timebank:account_detail")
def account_detail(request: ScopedRequest, account_id: int) -> HttpResponse:
    account = selectors.access_account(scope=request.scope, account_id=account_id)
    page = Paginator(selectors.statement(account=account), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "timebank/account_detail.html",
        {"account": account, "page": page, "reserved": selectors.reserved_minutes(account)},
    )


@require_page("timebank:request_list")
def request_list(request: ScopedRequest) -> HttpResponse:
    requests = selectors.request_list(scope=request.scope, status=request.GET.get("status", ""))
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "timebank/request_list.html",
        {
            "page": page,
            "statuses": RequestStatus.choices,
            "params": request.GET,
            "can_coordinate": request.principal.can("timebank.coordinate"),
            "proxy_form": ProxyForm(),
        },
    )


@require_page("timebank:request_create")
def request_create(request: ScopedRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, initial={"elder": request.GET.get("elder")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            elder = access_elder(scope=request.scope, elder_id=data["elder"])
            payer = None
            if data["payer"] == "elder":
                payer = services.elder_account(elder)
            elif data["payer"] == "community_pool":
                payer = services.community_pool(elder.residence_division_id)
            created = services.request_post(
                elder=elder,
                service_type=data["service_type"],
                scheduled_at=data["scheduled_at"],
                planned_minutes=data["planned_minutes"],
                description=data["description"],
                payer_account=payer,
                actor=request.user,
                as_proxy=True,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The request is posted."))
            return redirect("timebank:request_detail", created.pk)
    return render(request, "timebank/form.html", {"form": form, "title": _("Post a service request")})


@require_page("timebank:request_detail")
def request_detail(request: ScopedRequest, request_id: int) -> HttpResponse:
    service_request = selectors.access_request(scope=request.scope, request_id=request_id)
    return render(
        request,
        "timebank/request_detail.html",
        {
            "r": service_request,
            "transactions": service_request.transactions.prefetch_related("postings__account").order_by("id"),
            "can_coordinate": request.principal.can("timebank.coordinate"),
        },
    )


@require_POST
@require_page("timebank:request_action")
@refusals_as_messages
def request_action(request: ScopedRequest, request_id: int) -> HttpResponse:
    """Coordinator steps: confirm for the elder (recorded as a proxy action), approve, cancel."""
    service_request = selectors.access_request(scope=request.scope, request_id=request_id)
    action = request.POST.get("action", "")
    if action == "confirm":
        services.request_confirm(request=service_request, actor=request.user, as_proxy=True)
    elif action == "approve":
        minutes = request.POST.get("minutes", "")
        services.request_approve(
            request=service_request, actor=request.user, minutes=int(minutes) if minutes.isdigit() else None
        )
    elif action == "cancel":
        services.request_cancel(
            request=service_request, actor=request.user, reason=request.POST.get("reason", "")
        )
    else:
        raise DomainError("timebank_unknown_action", _("Unknown action."))
    messages.success(request, _("Done."))
    return redirect("timebank:request_detail", service_request.pk)


@require_page("timebank:ledger_check")
def ledger_check(request: ScopedRequest) -> HttpResponse:
    """The invariant is city-wide (one ledger): it shows counts and sums only, no personal data."""
    return render(request, "timebank/ledger_check.html", {"report": selectors.ledger_invariant()})


@require_page("timebank:export")
def export(request: ScopedRequest) -> HttpResponse:
    content = ledger_workbook(scope=request.scope, actor=request.user)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="timebank-ledger-{stamp}.xlsx"'
    return response


@require_page("timebank:recognition")
def recognition(request: ScopedRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else timezone.localdate().year
    return render(
        request,
        "timebank/recognition.html",
        {"rows": selectors.recognition(scope=request.scope, year=year), "year": year},
    )


@require_page("timebank:guarantee")
def guarantee(request: ScopedRequest) -> HttpResponse:
    """The city funds the guarantee pool, and honours units of ended programmes from it."""
    city = _city_code(request)
    form = GuaranteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["volunteer"]:
                volunteer = selectors.access_volunteer(
                    scope=request.scope, volunteer_id=form.cleaned_data["volunteer"]
                )
                services.guarantee_honour(
                    volunteer=volunteer,
                    minutes=form.minutes(),
                    actor=request.user,
                    memo=form.cleaned_data["memo"],
                )
            else:
                services.guarantee_fund(
                    city_code=city, minutes=form.minutes(), actor=request.user, memo=form.cleaned_data["memo"]
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Recorded."))
            return redirect("timebank:guarantee")
    pool = services.ledger.Account.objects.filter(kind=AccountKind.GUARANTEE_POOL, division_id=city).first()
    return render(request, "timebank/guarantee.html", {"form": form, "pool": pool})


@require_POST
@require_page("timebank:reverse")
@refusals_as_messages
def reverse_transaction(request: ScopedRequest, transaction_id: int) -> HttpResponse:
    txn = get_object_or_404(Transaction.objects.for_scope(request.scope), pk=transaction_id)
    services.reverse(txn=txn, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("The transaction is reversed."))
    return redirect(request.POST.get("next") or "timebank:overview")


# --- the volunteer's own pages ------------------------------------------------------------------------


def _own(view: View) -> View:
    """Volunteer pages: the caller's own volunteer record only (a personal role has no data scope)."""

    @wraps(view)
    def wrapped(request: ScopedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        volunteer = selectors.volunteer_of(request.user)
        if volunteer is None:
            if request.method == "POST":
                messages.error(request, _("Your account is not registered as a volunteer yet."))
                return redirect("timebank:my")
            return render(request, "timebank/not_registered.html")
        return view(request, volunteer, *args, **kwargs)

    return wrapped


@require_page("timebank:my")
@_own
def my(request: ScopedRequest, volunteer: Any) -> HttpResponse:
    account = services.volunteer_account(volunteer)
    hours = selectors.volunteer_hours(volunteer)
    return render(
        request,
        "timebank/my.html",
        {
            "volunteer": volunteer,
            "account": account,
            "hours": hours,
            "badges": services.ledger.rules.badges_for(hours),
            "statement": selectors.statement(account=account)[:20],
            "open_requests": selectors.requests_open_for(volunteer)[:20],
            "my_requests": selectors.requests_of(volunteer).exclude(
                status__in=[RequestStatus.APPROVED, RequestStatus.CANCELLED]
            )[:20],
            "relatives": volunteer.relatives.filter(confirmed_at__isnull=False).select_related("elder"),
            "transfer_form": TransferForm(),
        },
    )


@require_page("timebank:my_card")
@_own
def my_card(request: ScopedRequest, volunteer: Any) -> HttpResponse:
    return _card(request, volunteer)


@require_POST
@require_page("timebank:my_action")
@_own
@refusals_as_messages
def my_action(request: ScopedRequest, volunteer: Any) -> HttpResponse:
    request_id = request.POST.get("request", "")
    if not request_id.isdigit():
        raise DomainError("timebank_request_missing", _("Choose a request."))
    action = request.POST.get("action", "")
    service_request = selectors.access_own_request(
        volunteer=volunteer, request_id=int(request_id), open_ok=action == "take"
    )
    lon, lat = request.POST.get("lon"), request.POST.get("lat")
    if action == "take":
        services.request_take(request=service_request, volunteer=volunteer, actor=request.user)
    elif action == "check_in":
        services.request_check_in(
            request=service_request,
            volunteer=volunteer,
            actor=request.user,
            lon=float(lon) if lon else None,
            lat=float(lat) if lat else None,
        )
    elif action == "check_out":
        services.request_check_out(request=service_request, volunteer=volunteer, actor=request.user)
    else:
        raise DomainError("timebank_unknown_action", _("Unknown action."))
    messages.success(request, _("Done."))
    return redirect("timebank:my")


@require_POST
@require_page("timebank:my_transfer")
@_own
@refusals_as_messages
def my_transfer(request: ScopedRequest, volunteer: Any) -> HttpResponse:
    form = TransferForm(request.POST)
    if not form.is_valid():
        raise DomainError("form_invalid", _("Choose a relative and the hours."))
    link = volunteer.relatives.filter(elder_id=form.cleaned_data["elder"], confirmed_at__isnull=False).first()
    if link is None:
        raise Http404("No such relative.")
    services.transfer(
        giver=volunteer,
        receiver=link.elder,
        minutes=form.minutes(),
        actor=request.user,
        relation=selectors.verified_relation(volunteer, link.elder),
    )
    messages.success(request, _("The units are transferred."))
    return redirect("timebank:my")


@require_POST
@require_page("timebank:my_donate")
@_own
@refusals_as_messages
def my_donate(request: ScopedRequest, volunteer: Any) -> HttpResponse:
    form = TransferForm(request.POST)
    form.fields["elder"].required = False
    if not form.is_valid():
        raise DomainError("form_invalid", _("Give the hours."))
    services.donate(
        account=services.volunteer_account(volunteer),
        minutes=form.minutes(),
        actor=request.user,
        to_city=request.POST.get("to") == "city",
    )
    messages.success(request, _("Thank you: the units are donated."))
    return redirect("timebank:my")


# --- the elder / family portal -----------------------------------------------------------------------


@require_page("timebank:portal")
def portal(request: ScopedRequest) -> HttpResponse:
    elders = selectors.linked_elders(user=request.user)
    accounts = {
        a.elder_id: a
        for a in services.ledger.Account.objects.filter(elder__in=elders, kind=AccountKind.ELDER)
    }
    rows = [{"elder": e, "account": accounts.get(e.pk)} for e in elders]
    return render(
        request,
        "timebank/portal.html",
        {"rows": rows, "requests": selectors.requests_for_elders(elders=elders)[:50]},
    )


@require_POST
@require_page("timebank:portal_confirm")
@refusals_as_messages
def portal_confirm(request: ScopedRequest, request_id: int) -> HttpResponse:
    service_request = get_object_or_404(ServiceRequest.objects.select_related("elder"), pk=request_id)
    link = selectors.proxy_link_for(user=request.user, elder=service_request.elder)
    if link is None:
        raise Http404("No such request.")
    services.request_confirm(request=service_request, actor=request.user, as_proxy=link.kind != "self")
    messages.success(request, _("Thank you: the service is confirmed."))
    return redirect("timebank:portal")


# --- public -------------------------------------------------------------------------------------------


def public_totals(request: ScopedRequest) -> HttpResponse:
    """City totals, no personal data: counts and sums only (公开)."""
    return render(
        request,
        "timebank/public_totals.html",
        {"totals": selectors.totals(scope=DataScope.everything()), "login_url": reverse("accounts:login")},
    )
