"""Pages of the emergency centre: the live console, alarm handling, devices, statistics, shifts,
drills and resources. Thin: the same selectors and services as the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division
from eldercare.emergency import services
from eldercare.emergency.broadcast import alarm_message
from eldercare.emergency.choices import (
    AlarmKind,
    AlarmStatus,
    Callee,
    CallResult,
    DeviceKind,
    DispatchTarget,
    Outcome,
    ResourceKind,
)
from eldercare.emergency.selectors import (
    AlarmFilter,
    access_alarm,
    alarm_timeline,
    call_script,
    elder_card,
    open_alarms,
)
from eldercare.emergency.selectors import alarm_list as select_alarms
from eldercare.emergency.selectors import device_list as select_devices
from eldercare.emergency.selectors import (
    drill_list as select_drills,
)
from eldercare.emergency.selectors import (
    resource_list as select_resources,
)
from eldercare.emergency.selectors import (
    shift_list as select_shifts,
)
from eldercare.emergency.statistics import alarm_statistics
from eldercare.registry.selectors import access_elder
from eldercare.registry.services import elder_reveal_personal

OUTCOME_CHOICES = [c for c in Outcome.choices if c[0] != Outcome.TEST]


def _home_division(request: ScopedRequest, code: str = "") -> str:
    """The division a record is filed under: the one given (inside the caller's scope, else 404) or
    the caller's own."""
    code = code or (getattr(request.user, "division_id", None) or "")
    if not code or not request.scope.covers_division(code) or not Division.objects.filter(code=code).exists():
        raise Http404("No such division.")
    return code


def _labels() -> dict[str, Any]:
    return {
        "kinds": {k: str(v) for k, v in AlarmKind.choices},
        "statuses": {k: str(v) for k, v in AlarmStatus.choices},
    }


@require_page("emergency:console")
def console(request: ScopedRequest) -> HttpResponse:
    alarms = [alarm_message(a, event="open") for a in open_alarms(scope=request.scope)[:200]]
    return render(request, "emergency/console.html", {"alarms": alarms, "labels": _labels()})


@require_page("emergency:console_open")
def console_open(request: ScopedRequest) -> JsonResponse:
    """The open alarms as the console shows them: read on (re)connect and every few seconds, so a
    push lost on the way (or an alarm from another process on the in-memory layer) still appears."""
    alarms = [alarm_message(a, event="open") for a in open_alarms(scope=request.scope)[:200]]
    return JsonResponse({"alarms": alarms, "now": timezone.now().timestamp()})


def _filters(request: ScopedRequest) -> AlarmFilter:
    return AlarmFilter(
        status=request.GET.get("status", ""),
        kind=request.GET.get("kind", ""),
        date_from=parse_date(request.GET.get("from", "") or "") if request.GET.get("from") else None,
        date_to=parse_date(request.GET.get("to", "") or "") if request.GET.get("to") else None,
    )


@require_page("emergency:alarm_list")
def alarm_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(select_alarms(scope=request.scope, filters=_filters(request)), 50).get_page(
        request.GET.get("page")
    )
    template = "emergency/alarm_list.html#results" if request.htmx else "emergency/alarm_list.html"
    return render(
        request,
        template,
        {"page": page, "params": request.GET, "kinds": AlarmKind.choices, "statuses": AlarmStatus.choices},
    )


def _panel(
    request: ScopedRequest, alarm_id: int, *, error: str = "", personal: Any = None, status: int = 200
) -> HttpResponse:
    alarm = access_alarm(scope=request.scope, alarm_id=alarm_id)
    card = (
        elder_card(
            scope=request.scope,
            elder=access_elder(scope=request.scope, elder_id=alarm.elder_id),
            exclude_alarm=alarm.pk,
        )
        if alarm.elder_id
        else None
    )
    context = {
        "alarm": alarm,
        "card": card,
        "script": call_script(alarm.kind),
        "events": alarm_timeline(alarm),
        "calls": list(alarm.calls.select_related("operator")),
        "can_handle": request.principal.can("emergency.handle"),
        "is_mine": alarm.taken_by_id == request.user.pk,
        "callees": Callee.choices,
        "call_results": CallResult.choices,
        "targets": DispatchTarget.choices,
        "outcomes": OUTCOME_CHOICES,
        "error": error,
        "personal": personal,
    }
    template = "emergency/alarm_detail.html#panel" if request.htmx else "emergency/alarm_detail.html"
    return render(request, template, context, status=status)


@require_page("emergency:alarm_detail")
def alarm_detail(request: ScopedRequest, alarm_id: int) -> HttpResponse:
    return _panel(request, alarm_id)


def _act(request: ScopedRequest, alarm_id: int, action: Any) -> HttpResponse:
    alarm = access_alarm(scope=request.scope, alarm_id=alarm_id)
    try:
        action(alarm)
    except DomainError as exc:
        if request.htmx:
            return _panel(request, alarm_id, error=exc.message, status=exc.status)
        messages.error(request, exc.message)
    if not request.htmx:
        return redirect("emergency:alarm_detail", alarm_id=alarm_id)
    return _panel(request, alarm_id)


@require_POST
@require_page("emergency:alarm_take")
def alarm_take(request: ScopedRequest, alarm_id: int) -> HttpResponse:
    return _act(request, alarm_id, lambda a: services.alarm_take(alarm=a, actor=request.user))


@require_POST
@require_page("emergency:alarm_call")
def alarm_call(request: ScopedRequest, alarm_id: int) -> HttpResponse:
    return _act(
        request,
        alarm_id,
        lambda a: services.alarm_call(
            alarm=a,
            callee=request.POST.get("callee", ""),
            result=request.POST.get("result", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        ),
    )


@require_POST
@require_page("emergency:alarm_dispatch")
def alarm_dispatch(request: ScopedRequest, alarm_id: int) -> HttpResponse:
    return _act(
        request,
        alarm_id,
        lambda a: services.alarm_dispatch(
            alarm=a,
            target=request.POST.get("target", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        ),
    )


@require_POST
@require_page("emergency:alarm_close")
def alarm_close(request: ScopedRequest, alarm_id: int) -> HttpResponse:
    return _act(
        request,
        alarm_id,
        lambda a: services.alarm_close(
            alarm=a,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        ),
    )


@require_POST
@require_page("emergency:alarm_reveal")
def alarm_reveal(request: ScopedRequest, alarm_id: int) -> HttpResponse:
    """The elder's address and phone: the registry's audited reveal, with the alarm as purpose."""
    alarm = access_alarm(scope=request.scope, alarm_id=alarm_id)
    if alarm.elder_id is None:
        return _panel(request, alarm_id)
    elder = access_elder(scope=request.scope, elder_id=alarm.elder_id)
    personal = elder_reveal_personal(elder=elder, actor=request.user, purpose=f"emergency alarm #{alarm.pk}")
    return _panel(request, alarm_id, personal=personal)


@require_page("emergency:device_list")
def device_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(select_devices(scope=request.scope, kind=request.GET.get("kind", "")), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "emergency/device_list.html",
        {"page": page, "kinds": DeviceKind.choices, "params": request.GET, "now": timezone.now()},
    )


@require_page("emergency:device_create")
def device_create(request: ScopedRequest) -> HttpResponse:
    context: dict[str, Any] = {"kinds": DeviceKind.choices}
    if request.method == "POST":
        try:
            elder_id = int(request.POST.get("elder_id", "0") or 0)
            elder = access_elder(scope=request.scope, elder_id=elder_id)
            context["credentials"] = services.device_register(
                elder=elder,
                kind=request.POST.get("kind", ""),
                serial=request.POST.get("serial", "").strip(),
                heartbeat_interval_s=int(request.POST.get("heartbeat_interval_s", "3600") or 3600),
                actor=request.user,
            )
        except (DomainError, ValueError) as exc:
            context["error"] = getattr(exc, "message", str(exc))
    return render(request, "emergency/device_create.html", context)


@require_page("emergency:stats")
def stats(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    date_to = parse_date(request.GET.get("to", "")) or today
    date_from = parse_date(request.GET.get("from", "")) or date_to - timedelta(days=29)
    report = alarm_statistics(scope=request.scope, date_from=date_from, date_to=date_to)
    return render(
        request, "emergency/stats.html", {"report": report, "date_from": date_from, "date_to": date_to}
    )


@require_page("emergency:shift_list")
def shift_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(select_shifts(scope=request.scope), 30).get_page(request.GET.get("page"))
    return render(request, "emergency/shift_list.html", {"page": page})


@require_POST
@require_page("emergency:shift_create")
def shift_create(request: ScopedRequest) -> HttpResponse:
    starts = parse_datetime(request.POST.get("starts_at", ""))
    ends = parse_datetime(request.POST.get("ends_at", ""))
    if starts is not None and ends is not None:
        tz = timezone.get_current_timezone()
        services.shift_create(
            name=request.POST.get("name", "").strip() or "shift",
            division_id=_home_division(request),
            starts_at=timezone.make_aware(starts, tz) if timezone.is_naive(starts) else starts,
            ends_at=timezone.make_aware(ends, tz) if timezone.is_naive(ends) else ends,
            lead=request.user if request.POST.get("lead_self") else None,  # type: ignore[arg-type]
            operators=[request.user],  # type: ignore[list-item]
            actor=request.user,
        )
    return redirect("emergency:shift_list")


@require_page("emergency:drill_list")
def drill_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(select_drills(scope=request.scope), 30).get_page(request.GET.get("page"))
    return render(request, "emergency/drill_list.html", {"page": page, "today": timezone.localdate()})


@require_POST
@require_page("emergency:drill_create")
def drill_create(request: ScopedRequest) -> HttpResponse:
    held_on: date = parse_date(request.POST.get("held_on", "")) or timezone.localdate()
    services.drill_create(
        title=request.POST.get("title", "").strip() or "drill",
        division_id=_home_division(request),
        held_on=held_on,
        scenario=request.POST.get("scenario", ""),
        participants=request.POST.get("participants", ""),
        participant_count=int(request.POST.get("participant_count", "0") or 0),
        findings=request.POST.get("findings", ""),
        actor=request.user,
    )
    return redirect("emergency:drill_list")


@require_page("emergency:resource_list")
def resource_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(select_resources(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(request, "emergency/resource_list.html", {"page": page, "kinds": ResourceKind.choices})


@require_POST
@require_page("emergency:resource_create")
def resource_create(request: ScopedRequest) -> HttpResponse:
    services.resource_create(
        kind=request.POST.get("kind", ResourceKind.TEAM),
        name=request.POST.get("name", "").strip() or "resource",
        division_id=_home_division(request, request.POST.get("division", "").strip()),
        quantity=int(request.POST.get("quantity", "1") or 1),
        contact=request.POST.get("contact", ""),
        note=request.POST.get("note", ""),
        actor=request.user,
    )
    return redirect("emergency:resource_list")
