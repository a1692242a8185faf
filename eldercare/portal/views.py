"""Portal pages: one task per page, plain words, a big confirmation after each action (no pop-ups).

Sign-in pages are public; the others are in the permission matrix. An elder's pages take the elder in the
URL and answer 404 unless the caller is that elder, a confirmed family member, or a community worker whose
area holds the elder (then every action is 帮办代办 and ends on a printable receipt)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.views import ELDER_MODE_COOKIE
from eldercare.portal import selectors, services
from eldercare.portal.services import Acting

SESSION_PHONE = "portal_phone"
SESSION_DONE = "portal_done"


def _elder_mode_on(response: HttpResponse) -> HttpResponse:
    """Elder mode is the portal's default: large type and large targets from the first page."""
    response.set_cookie(ELDER_MODE_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _acting(request: ScopedRequest, elder_id: int) -> Acting:
    return selectors.access_acting(principal=request.principal, elder_id=elder_id)


def _render(
    request: ScopedRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"portal/{template}", {"portal": True, **context}, status=status)


def _done(
    request: ScopedRequest, acting: Acting, *, title: str, text: str = "", receipt: Any = None
) -> HttpResponseRedirect:
    request.session[SESSION_DONE] = {"title": title, "text": text, "receipt": receipt.pk if receipt else None}
    return redirect("portal:done", elder_id=acting.elder.pk)


# --- sign-in (public) ----------------------------------------------------------------------------------


def signin(request: ScopedRequest) -> HttpResponse:
    """Step 1: the mobile number. A code is sent by SMS."""
    error = ""
    if request.method == "POST":
        phone = request.POST.get("phone", "")
        try:
            code = services.otp_send(phone=phone, client_ip=request.META.get("REMOTE_ADDR"))
        except DomainError as exc:
            error = _(exc.message)
        else:
            request.session[SESSION_PHONE] = services.clean_mobile(phone)
            if settings.DEBUG:
                request.session["portal_dev_code"] = code
            return _elder_mode_on(redirect("portal:signin_code"))
    return _elder_mode_on(_render(request, "signin.html", {"error": error}, status=422 if error else 200))


def signin_code(request: ScopedRequest) -> HttpResponse:
    """Step 2: the code from the SMS."""
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("portal:signin")
    error = ""
    if request.method == "POST":
        try:
            user = services.otp_verify(phone=phone, code=request.POST.get("code", ""))
        except DomainError as exc:
            error = _(exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _elder_mode_on(redirect("portal:home"))
    context = {
        "error": error,
        "phone_masked": phone[:3] + "****" + phone[-4:],
        "dev_code": request.session.get("portal_dev_code") if settings.DEBUG else None,
    }
    return _render(request, "signin_code.html", context, status=400 if error else 200)


# --- the signed-in person's own pages --------------------------------------------------------------------


@require_page("portal:home")
def home(request: ScopedRequest) -> HttpResponse:
    role = request.principal.role
    elders = list(selectors.followed_elders(user=request.user))
    own = elders if role == "elder" else []
    context = {
        "elders": elders,
        "pending": list(selectors.pending_links_for_elders(elders=own)),
        "requests": list(selectors.my_link_requests(user=request.user)) if role == "family" else [],
    }
    return _render(request, "home.html", context)


@require_page("portal:link_request")
def link_request(request: ScopedRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            services.family_link_request(user=request.user, elder_phone=request.POST.get("elder_phone", ""))  # type: ignore[arg-type]
        except DomainError as exc:
            error = _(exc.message)
        else:
            return _render(request, "link_requested.html", {})
    return _render(request, "link_request.html", {"error": error}, status=422 if error else 200)


@require_page("portal:notices")
def notices(request: ScopedRequest) -> HttpResponse:
    elders = list(selectors.followed_elders(user=request.user)[:1])
    rows = selectors.notices_for(elder=elders[0] if elders else None, on=timezone.localdate())
    return _render(request, "notices.html", {"notices": rows})


# --- the community office (帮办代办) ---------------------------------------------------------------------


@require_page("portal:office")
def office(request: ScopedRequest) -> HttpResponse:
    """A worker finds the elder at the counter (name, initials, ID digits or phone) and acts for them."""
    from eldercare.registry.selectors import ElderFilter, elder_list

    search = request.GET.get("q", "").strip()
    found = list(elder_list(scope=request.scope, filters=ElderFilter(search=search))[:20]) if search else []
    context = {
        "q": search,
        "found": found,
        "pending": list(selectors.pending_links_in_scope(principal=request.principal)[:20]),
        "receipts": selectors.recent_receipts(principal=request.principal),
    }
    return _render(request, "office.html", context)


@require_page("portal:receipt")
def receipt(request: ScopedRequest, receipt_id: int) -> HttpResponse:
    row = selectors.access_receipt(principal=request.principal, receipt_id=receipt_id)
    return _render(request, "receipt.html", {"receipt": row})


# --- one elder's pages -----------------------------------------------------------------------------------


@require_page("portal:elder_home")
def elder_home(request: ScopedRequest, elder_id: int) -> HttpResponse:
    acting = _acting(request, elder_id)
    pending = (
        list(selectors.pending_links_for_elders(elders=[acting.elder])) if acting.mode != "family" else []
    )
    return _render(request, "elder_home.html", {"acting": acting, "pending": pending})


@require_page("portal:done")
def done(request: ScopedRequest, elder_id: int) -> HttpResponse:
    acting = _acting(request, elder_id)
    info = request.session.pop(SESSION_DONE, None)
    if info is None:
        return redirect("portal:elder_home", elder_id=elder_id)
    return _render(request, "done.html", {"acting": acting, "info": info})


@require_page("portal:entitlements")
def entitlements(request: ScopedRequest, elder_id: int) -> HttpResponse:
    from eldercare.benefits.selectors import basic_service_list

    acting = _acting(request, elder_id)
    return _render(
        request, "entitlements.html", {"acting": acting, "rows": basic_service_list(elder=acting.elder)}
    )


@require_page("portal:apply")
def apply(request: ScopedRequest, elder_id: int, programme_code: str) -> HttpResponse:
    """One programme, what the rule says and why, and one big button to apply."""
    from eldercare.benefits.selectors import programmes_on
    from eldercare.benefits.services import preview

    acting = _acting(request, elder_id)
    programme = programmes_on().get(programme_code)
    if programme is None:
        from django.http import Http404

        raise Http404("No such programme.")
    error = ""
    if request.method == "POST":
        try:
            application, receipt_row = services.benefit_apply(acting=acting, programme_code=programme_code)
        except DomainError as exc:
            error = _(exc.message)
        else:
            return _done(
                request,
                acting,
                title=_("Your application is sent"),
                text=_("Application number %(n)s for %(p)s. We will tell you after each step of the review.")
                % {"n": application.pk, "p": programme.name},
                receipt=receipt_row,
            )
    decision = preview(elder=acting.elder, programme_code=programme_code)
    context = {"acting": acting, "programme": programme, "decision": decision, "error": error}
    return _render(request, "apply.html", context, status=422 if error else 200)


@require_page("portal:applications")
def applications(request: ScopedRequest, elder_id: int) -> HttpResponse:
    from eldercare.benefits.selectors import programmes_on

    acting = _acting(request, elder_id)
    names = {code: p.name for code, p in programmes_on().programmes.items()}
    rows = [
        {"application": a, "name": names.get(a.programme_code, a.programme_code)}
        for a in selectors.elder_applications(elder=acting.elder)
    ]
    return _render(request, "applications.html", {"acting": acting, "rows": rows})


@require_page("portal:application_detail")
def application_detail(request: ScopedRequest, elder_id: int, application_id: int) -> HttpResponse:
    from eldercare.benefits.selectors import application_decisions, programmes_on

    acting = _acting(request, elder_id)
    application = selectors.elder_application(elder=acting.elder, application_id=application_id)
    programme = programmes_on().get(application.programme_code)
    context = {
        "acting": acting,
        "application": application,
        "name": programme.name if programme else application.programme_code,
        "decisions": application_decisions(application),
    }
    return _render(request, "application_detail.html", context)


@require_page("portal:payments")
def payments(request: ScopedRequest, elder_id: int) -> HttpResponse:
    from eldercare.benefits.notify import yuan
    from eldercare.benefits.selectors import elder_payment_lines, programmes_on

    acting = _acting(request, elder_id)
    names = {code: p.name for code, p in programmes_on().programmes.items()}
    lines = [
        {
            "line": line,
            "name": names.get(line.programme_code, line.programme_code),
            "yuan": yuan(line.amount_fen),
        }
        for line in elder_payment_lines(elder=acting.elder)
    ]
    return _render(request, "payments.html", {"acting": acting, "lines": lines})


# Times an elder picks for a service or a meal (lunch 11:30, supper 17:30), on one of the next 7 days.
ORDER_TIMES = ("08:30", "10:00", "11:30", "14:00", "16:00", "17:30")
ORDER_DAYS = 7


def _order_days() -> list[Any]:
    from datetime import timedelta

    today = timezone.localdate()
    return [today + timedelta(days=n) for n in range(1, ORDER_DAYS + 1)]


def _services_page(
    request: ScopedRequest, acting: Acting, *, error: str = "", status: int = 200
) -> HttpResponse:
    from eldercare.homecare.choices import ServiceType
    from eldercare.homecare.selectors import catalogue_for_elder, elder_orders
    from eldercare.homecare.services.orders import RATEABLE
    from eldercare.registry.models import Elder

    orders = list(elder_orders(elders=Elder.objects.filter(pk=acting.elder.pk))[:30])
    items = list(catalogue_for_elder(elder=acting.elder)[:60])
    context = {
        "acting": acting,
        "orders": orders,
        "meals": [i for i in items if i.service_type == ServiceType.MEAL],
        "services": [i for i in items if i.service_type != ServiceType.MEAL],
        "days": _order_days(),
        "times": ORDER_TIMES,
        "rateable": {str(s) for s in RATEABLE},
        "stars": range(1, 6),
        "error": error,
        "posted": request.POST if error else {},
    }
    return _render(request, "services.html", context, status=status)


@require_page("portal:services")
def home_services(request: ScopedRequest, elder_id: int) -> HttpResponse:
    return _services_page(request, _acting(request, elder_id))


@require_page("portal:service_order")
def service_order(request: ScopedRequest, elder_id: int) -> HttpResponse:
    """Order a service or a meal: choose it, a day and a time; one button. (A GET, from a reload or a
    bookmark, goes back to the services page.)"""
    from datetime import datetime

    from eldercare.homecare.selectors import catalogue_for_elder

    acting = _acting(request, elder_id)
    if request.method != "POST":
        return redirect("portal:services", elder_id=acting.elder.pk)
    item_id, day, when = (
        request.POST.get("item", ""),
        request.POST.get("day", ""),
        request.POST.get("time", ""),
    )
    item = (
        catalogue_for_elder(elder=acting.elder).filter(pk=int(item_id)).first() if item_id.isdigit() else None
    )
    try:
        scheduled = datetime.fromisoformat(f"{day}T{when}") if day and when in ORDER_TIMES else None
    except ValueError:
        scheduled = None
    if item is None:
        return _services_page(request, acting, error=_("Choose a service or a meal."), status=422)
    if scheduled is None:
        return _services_page(request, acting, error=_("Choose a day and a time."), status=422)
    try:
        order, receipt_row = services.service_order(
            acting=acting,
            item=item,
            scheduled_at=timezone.make_aware(scheduled),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        return _services_page(request, acting, error=_(exc.message), status=exc.status)
    return _done(
        request,
        acting,
        title=_("Your order is sent"),
        text=_("Order number %(n)s: %(item)s on %(when)s. The provider will tell you who comes.")
        % {"n": order.pk, "item": item.name, "when": f"{scheduled:%Y-%m-%d %H:%M}"},
        receipt=receipt_row,
    )


@require_POST
@require_page("portal:service_rate")
def service_rate(request: ScopedRequest, elder_id: int, order_id: int) -> HttpResponse:
    from eldercare.homecare.selectors import elder_orders
    from eldercare.registry.models import Elder

    acting = _acting(request, elder_id)
    order = elder_orders(elders=Elder.objects.filter(pk=acting.elder.pk)).filter(pk=order_id).first()
    if order is None:
        from django.http import Http404

        raise Http404("No such order.")
    stars = request.POST.get("stars", "")
    try:
        receipt_row = services.service_rate(
            acting=acting,
            order=order,
            stars=int(stars) if stars.isdigit() else 0,
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return _done(request, acting, title=_("Not done"), text=_(exc.message))
    return _done(request, acting, title=_("Thank you for your rating"), receipt=receipt_row)


@require_POST
@require_page("portal:service_confirm")
def service_confirm(request: ScopedRequest, elder_id: int, order_id: int) -> HttpResponse:
    from eldercare.homecare.selectors import elder_orders
    from eldercare.registry.models import Elder

    acting = _acting(request, elder_id)
    order = elder_orders(elders=Elder.objects.filter(pk=acting.elder.pk)).filter(pk=order_id).first()
    if order is None:
        from django.http import Http404

        raise Http404("No such order.")
    try:
        receipt_row = services.service_confirm(acting=acting, order=order)
    except DomainError as exc:
        return _done(request, acting, title=_("Not done"), text=_(exc.message))
    return _done(request, acting, title=_("Thank you: the service is confirmed"), receipt=receipt_row)


@require_page("portal:assessment")
def assessment(request: ScopedRequest, elder_id: int) -> HttpResponse:
    from eldercare.assessment.selectors import current_level

    acting = _acting(request, elder_id)
    error = ""
    if request.method == "POST":
        try:
            row, receipt_row = services.reassessment_request(acting=acting, note=request.POST.get("note", ""))
        except DomainError as exc:
            error = _(exc.message)
        else:
            return _done(
                request,
                acting,
                title=_("Your request for a new assessment is sent"),
                text=_("Request number %(n)s. The assessment office will call to agree a visit.")
                % {"n": row.pk},
                receipt=receipt_row,
            )
    context = {"acting": acting, "level": current_level(acting.elder), "error": error}
    return _render(request, "assessment.html", context, status=409 if error else 200)


@require_page("portal:timebank")
def timebank(request: ScopedRequest, elder_id: int) -> HttpResponse:
    from eldercare.timebank.selectors import statement

    acting = _acting(request, elder_id)
    account = selectors.timebank_account(elder=acting.elder)
    postings = list(statement(account=account)[:30]) if account else []
    return _render(request, "timebank.html", {"acting": acting, "account": account, "postings": postings})


@require_page("portal:emergency")
def emergency(request: ScopedRequest, elder_id: int) -> HttpResponse:
    from eldercare.core.scope import DataScope
    from eldercare.emergency.selectors import AlarmFilter, alarm_list, device_list

    acting = _acting(request, elder_id)
    scope = DataScope(division_codes=(acting.elder.residence_division_id,))
    context = {
        "acting": acting,
        "devices": list(device_list(scope=scope, elder_id=acting.elder.pk)[:10]),
        "alarms": list(alarm_list(scope=scope, filters=AlarmFilter(elder_id=acting.elder.pk))[:20]),
    }
    return _render(request, "emergency.html", context)


@require_page("portal:complaint")
def complaint(request: ScopedRequest, elder_id: int) -> HttpResponse:
    from eldercare.supervision.choices import ComplaintSubject

    acting = _acting(request, elder_id)
    error = ""
    if request.method == "POST":
        try:
            row, follow_code, receipt_row = services.complaint_make(
                acting=acting,
                subject=request.POST.get("subject", ""),
                content=request.POST.get("content", ""),
            )
        except DomainError as exc:
            error = _(exc.message)
        else:
            return _done(
                request,
                acting,
                title=_("Your complaint is received"),
                text=_("Case number %(n)s, follow-up code %(c)s. Keep them to follow the case.")
                % {"n": row.case_number, "c": follow_code},
                receipt=receipt_row,
            )
    context = {
        "acting": acting,
        "subjects": ComplaintSubject.choices,
        "complaints": selectors.elder_complaints(elder=acting.elder),
        "error": error,
    }
    return _render(request, "complaint.html", context, status=422 if error else 200)


@require_page("portal:facilities")
def facilities(request: ScopedRequest, elder_id: int) -> HttpResponse:
    from eldercare.facilities.selectors import public_facilities

    acting = _acting(request, elder_id)
    rows = public_facilities(division_code=acting.elder.residence_division_id[:6])
    rows.sort(key=lambda f: (-(f.free_beds or 0), -f.stars, f.name))
    return _render(request, "facilities.html", {"acting": acting, "rows": rows[:30]})


@require_POST
@require_page("portal:link_decide")
def link_decide(request: ScopedRequest, elder_id: int, link_id: int) -> HttpResponse:
    acting = _acting(request, elder_id)
    link = selectors.access_pending_link(acting=acting, link_id=link_id)
    confirm = request.POST.get("decision") == "confirm"
    receipt_row = services.family_link_decide(link=link, acting=acting, confirm=confirm)
    title = _("The family member can now follow") if confirm else _("The request is declined")
    return _done(request, acting, title=title, receipt=receipt_row)


def receipt_url(receipt_id: int) -> str:
    return reverse("portal:receipt", args=[receipt_id])
