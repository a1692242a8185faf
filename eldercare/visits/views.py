"""Pages of the visits module: the visitor's phone pages (my visits, the visit form, conflicts) and the
officers' pages (rates, overdue tasks, targets and tiers, follow-ups, workload, visitors, notifications).
Thin: the same selectors and services as the API."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.models import User
from eldercare.accounts.principal import ScopedRequest
from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division
from eldercare.core.selectors import access_division, city_profile
from eldercare.registry.selectors import access_elder
from eldercare.registry.services import elder_reveal_personal
from eldercare.visits import rules, selectors, services
from eldercare.visits.choices import (
    CheckItem,
    CheckLevel,
    FollowUpKind,
    FollowUpStatus,
    Method,
    Outcome,
    Severity,
    TaskKind,
    Tier,
    VisitorKind,
)
from eldercare.visits.forms import VisitForm
from eldercare.visits.models import VisitRecord, VisitTask

RATE_DEFINITION = gettext_lazy(
    "Monthly visit rate (特殊困难老年人月探访率) = elders in special difficulty visited at least once in the "
    "month ÷ all elders in special difficulty on the visit list at the start of the month (on its first "
    "day). An elder who dies, moves or leaves the list during the month stays in the denominator; an elder "
    "who joins the list after the 1st counts from the next month. A visit counts when the elder was met "
    "(not 'not found at home') by a method the city counts (in person, phone, video)."
)


def _month(request: ScopedRequest) -> date:
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _wants_json(request: ScopedRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _page(request: ScopedRequest, queryset: Any, size: int = 50) -> Any:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _home_division(request: ScopedRequest) -> Division:
    user: Any = request.user
    code = request.GET.get("division", "") or (user.division_id or "")
    if not code:
        profile = city_profile()
        code = profile.division_id if profile is not None else ""
    if not code or not request.scope.covers_division(code):
        raise Http404("No division.")
    return access_division(scope=request.scope, code=code)


# ---- the visitor's pages ----------------------------------------------------------------------------


@require_page("visits:my_visits")
def my_visits(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    data = selectors.my_visits(user=request.user, today=today)
    return render(request, "visits/my_visits.html", {"data": data, "today": today})


@require_POST
@require_page("visits:task_reveal")
def task_reveal(request: ScopedRequest, task_id: int) -> HttpResponse:
    """The elder's address and phone for a visit: the registry's audited reveal, with the task as purpose."""
    task = selectors.access_task(scope=request.scope, user=request.user, task_id=task_id)
    personal = elder_reveal_personal(elder=task.elder, actor=request.user, purpose=f"visit task #{task.pk}")
    return render(request, "visits/_reveal.html", {"task": task, "personal": personal})


def _form_context(request: ScopedRequest, form: VisitForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "check_rows": form.check_rows(),
        "levels": CheckLevel.choices,
        **extra,
    }


def _submit(request: ScopedRequest, *, elder: Any, task: VisitTask | None, cancel_url: str) -> HttpResponse:
    form = VisitForm(request.POST)
    context = {"elder": elder, "task": task, "cancel_url": cancel_url}
    if form.is_valid():
        try:
            record, created = services.visit_submit(
                client_uuid=form.cleaned_data["client_uuid"],
                elder=elder,
                actor=request.user,
                data=form.visit_input(),
                task=task,
                photos=[
                    services.PhotoUpload(name=f.name or "photo", content=f.read())
                    for f in request.FILES.getlist("photos")[:10]
                ],
            )
        except DomainError as exc:
            if _wants_json(request):
                return JsonResponse(
                    {"code": exc.code, "message": exc.message, "details": exc.details}, status=exc.status
                )
            form.add_error(None, exc.message)
        else:
            url = reverse("visits:record_detail", args=[record.pk])
            if _wants_json(request):
                return JsonResponse(
                    {"record": record.pk, "duplicate": not created, "url": url},
                    status=201 if created else 200,
                )
            messages.success(
                request, _("Visit recorded.") if created else _("This visit was already recorded.")
            )
            return redirect(url)
    elif _wants_json(request):
        return JsonResponse(
            {
                "code": "validation_error",
                "message": _("Please check the form."),
                "details": form.errors.get_json_data(),
            },
            status=422,
        )
    return render(request, "visits/record_form.html", _form_context(request, form, **context))


@require_page("visits:record_create")
def record_create(request: ScopedRequest, task_id: int) -> HttpResponse:
    task = selectors.access_task(scope=request.scope, user=request.user, task_id=task_id)
    cancel = reverse("visits:my_visits")
    if request.method == "POST":
        return _submit(request, elder=task.elder, task=task, cancel_url=cancel)
    context = {"elder": task.elder, "task": task, "cancel_url": cancel, "draft_key": f"task-{task.pk}"}
    return render(request, "visits/record_form.html", _form_context(request, VisitForm.blank(), **context))


@require_page("visits:record_create_for_elder")
def record_create_for_elder(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = selectors.access_elder_for_visit(scope=request.scope, user=request.user, elder_id=elder_id)
    cancel = reverse("visits:my_visits")
    if request.method == "POST":
        return _submit(request, elder=elder, task=None, cancel_url=cancel)
    context = {"elder": elder, "task": None, "cancel_url": cancel, "draft_key": f"elder-{elder.pk}"}
    return render(request, "visits/record_form.html", _form_context(request, VisitForm.blank(), **context))


@require_page("visits:record_detail")
def record_detail(request: ScopedRequest, record_id: int) -> HttpResponse:
    record = selectors.access_record(scope=request.scope, user=request.user, record_id=record_id)
    labels = dict(CheckItem.choices)
    levels = dict(CheckLevel.choices)
    checklist = [
        (
            labels.get(item, item),
            levels.get(entry.get("level", ""), ""),
            entry.get("level", ""),
            entry.get("note", ""),
        )
        for item, entry in (record.checklist or {}).items()
    ]
    return render(
        request,
        "visits/record_detail.html",
        {
            "record": record,
            "checklist": checklist,
            "actions": [dict(FollowUpKind.choices).get(a, a) for a in record.actions],
            "photos": selectors.record_photos(record=record),
            "follow_ups": list(record.follow_ups.select_related("assignee")),
            "conflicts": selectors.open_conflicts(record=record),
            "can_edit": request.principal.can("visits.do"),
        },
    )


def _changed(form: VisitForm, base_text: str) -> dict[str, Any]:
    """The fields the editor changed since the version they opened (all of them if that is unknown)."""
    changes = form.changes()
    try:
        base = json.loads(base_text) if base_text else None
    except ValueError:
        base = None
    if not isinstance(base, dict):
        return changes
    mine = services.record_values(VisitRecord(**changes))
    return {f: changes[f] for f in changes if mine.get(f) != base.get(f)}


@require_page("visits:record_edit")
def record_edit(request: ScopedRequest, record_id: int) -> HttpResponse:
    record = selectors.access_record(scope=request.scope, user=request.user, record_id=record_id)
    base_values = json.dumps(services.record_values(record), ensure_ascii=False)
    context: dict[str, Any] = {
        "elder": record.elder,
        "record": record,
        "cancel_url": reverse("visits:record_detail", args=[record.pk]),
        "draft_key": f"record-{record.pk}",
        "base_values": base_values,
        "editing": True,
    }
    if request.method != "POST":
        return render(
            request,
            "visits/record_form.html",
            _form_context(request, VisitForm.for_record(record), **context),
        )
    form = VisitForm(request.POST)
    if form.is_valid():
        version = form.cleaned_data.get("version") or record.version
        changes = _changed(form, request.POST.get("base_values", ""))
        context["base_values"] = request.POST.get("base_values", base_values)
        try:
            if changes:
                services.visit_update(
                    record=record, base_version=version, changes=changes, actor=request.user
                )
        except services.VisitConflictError as exc:
            url = reverse("visits:conflict_detail", args=[exc.conflict.pk])
            if _wants_json(request):
                return JsonResponse(
                    {"code": exc.code, "message": exc.message, "conflict_url": url}, status=409
                )
            return redirect(url)
        except DomainError as exc:
            if _wants_json(request):
                return JsonResponse(
                    {"code": exc.code, "message": exc.message, "details": exc.details}, status=exc.status
                )
            form.add_error(None, exc.message)
        else:
            url = reverse("visits:record_detail", args=[record.pk])
            if _wants_json(request):
                return JsonResponse({"record": record.pk, "url": url}, status=200)
            messages.success(request, _("Changes saved."))
            return redirect(url)
    elif _wants_json(request):
        return JsonResponse(
            {
                "code": "validation_error",
                "message": _("Please check the form."),
                "details": form.errors.get_json_data(),
            },
            status=422,
        )
    return render(request, "visits/record_form.html", _form_context(request, form, **context))


def _display(field: str, value: Any) -> str:
    if field == "method":
        return str(dict(Method.choices).get(value, value))
    if field == "outcome":
        return str(dict(Outcome.choices).get(value, value))
    if field == "urgent":
        return _("yes") if value else _("no")
    if field == "actions":
        return ", ".join(str(dict(FollowUpKind.choices).get(a, a)) for a in value or []) or "—"
    if field == "checklist":
        labels, levels = dict(CheckItem.choices), dict(CheckLevel.choices)
        return (
            "; ".join(
                f"{labels.get(k, k)}: {levels.get(v.get('level', ''), '')}"
                + (f" — {v['note']}" if v.get("note") else "")
                for k, v in (value or {}).items()
            )
            or "—"
        )
    if field == "visited_at":
        return str(value).replace("T", " ")[:16]
    return str(value or "—")


@require_page("visits:conflict_detail")
def conflict_detail(request: ScopedRequest, conflict_id: int) -> HttpResponse:
    """Both versions side by side: the saved one and the edit that arrived based on an older version; the
    person chooses per field (their own changes preselected)."""
    conflict = selectors.access_conflict(scope=request.scope, user=request.user, conflict_id=conflict_id)
    record = conflict.record
    if request.method == "POST" and conflict.status == "open":
        take_mine = [f for f in rules.EDITABLE_FIELDS if request.POST.get(f"take_{f}") == "mine"]
        try:
            seen = int(request.POST.get("seen_version", "0") or 0)
            services.conflict_resolve(
                conflict=conflict, take_mine=take_mine, seen_version=seen, actor=request.user
            )
        except services.VisitConflictError as exc:
            messages.warning(request, exc.message)
            return redirect("visits:conflict_detail", conflict_id=exc.conflict.pk)
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
            return redirect("visits:conflict_detail", conflict_id=conflict.pk)
        messages.success(request, _("Conflict resolved."))
        return redirect("visits:record_detail", record_id=record.pk)
    saved = services.record_values(record)
    mine = dict(conflict.submitted)
    rows = [
        {
            "field": f,
            "label": str(getattr(VisitRecord._meta.get_field(f), "verbose_name", f)),
            "saved": _display(f, saved.get(f)),
            "mine": _display(f, mine[f]) if f in mine else None,
            "differs": f in mine and mine[f] != saved.get(f),
        }
        for f in rules.EDITABLE_FIELDS
    ]
    return render(request, "visits/conflict.html", {"conflict": conflict, "record": record, "rows": rows})


@require_page("visits:photo")
def photo(request: ScopedRequest, photo_id: int) -> FileResponse:
    item = selectors.access_photo(scope=request.scope, user=request.user, photo_id=photo_id)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---- officers' pages --------------------------------------------------------------------------------


@require_page("visits:overview")
def overview(request: ScopedRequest) -> HttpResponse:
    month = _month(request)
    division = _home_division(request)
    own, children = selectors.rate_breakdown(scope=request.scope, division=division, month=month)
    trend = selectors.rate_trend(scope=request.scope, division_code=division.code, month=month)
    return render(
        request,
        "visits/overview.html",
        {
            "division": division,
            "month": month,
            "own": own,
            "children": children,
            "trend": trend,
            "definition": RATE_DEFINITION,
            "quarterly_tiers": [
                str(dict(Tier.choices)[t])
                for t, f in selectors.tier_policy(on=month)[0].frequencies.items()
                if f.period == "quarter"
            ],
            "can_plan": request.principal.can("visits.plan"),
            "chart": [
                {"month": r.month.strftime("%Y-%m"), "rate": round(r.rate, 1) if r.rate is not None else None}
                for r in trend
            ],
        },
    )


@require_POST
@require_page("visits:plan_generate")
def plan_generate(request: ScopedRequest) -> HttpResponse:
    """Queue the month's plan and the refresh of its rates for the task worker (idempotent per month)."""
    from eldercare.visits.tasks import visits_plan_month, visits_rates_refresh

    text = request.POST.get("month", "")
    try:
        year, month_number = (int(part) for part in text.split("-")[:2])
        month = date(year, month_number, 1)
    except ValueError:
        month = timezone.localdate().replace(day=1)
    visits_plan_month.enqueue(month.isoformat())
    visits_rates_refresh.enqueue(month.isoformat())
    messages.info(
        request,
        _("The plan for %(month)s and its rates are queued for the task worker.")
        % {"month": f"{month:%Y-%m}"},
    )
    return redirect(f"{reverse('visits:overview')}?month={month:%Y-%m}")


@require_page("visits:task_list")
def task_list(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    params = request.GET
    filters = selectors.TaskFilter(
        status=params.get("status", "open"),
        overdue=params.get("overdue") == "1",
        division_code=params.get("division", ""),
        kind=params.get("kind", ""),
        unassigned=params.get("unassigned") == "1",
    )
    page = _page(request, selectors.task_list(scope=request.scope, today=today, filters=filters))
    template = "visits/task_list.html#results" if request.htmx else "visits/task_list.html"
    return render(
        request, template, {"page": page, "params": params, "today": today, "kinds": TaskKind.choices}
    )


@require_page("visits:target_list")
def target_list(request: ScopedRequest) -> HttpResponse:
    params = request.GET
    filters = selectors.TargetFilter(
        tier=params.get("tier", ""),
        division_code=params.get("division", ""),
        overridden=params.get("overridden") == "1",
    )
    page = _page(request, selectors.target_list(scope=request.scope, filters=filters))
    template = "visits/target_list.html#results" if request.htmx else "visits/target_list.html"
    return render(
        request,
        template,
        {"page": page, "params": params, "tiers": Tier.choices, "today": timezone.localdate()},
    )


@require_page("visits:target_detail")
def target_detail(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    target = selectors.target_of(elder=elder)
    return render(
        request,
        "visits/target_detail.html",
        {
            "elder": elder,
            "target": target,
            "history": selectors.target_history(target=target) if target is not None else [],
            "periods": selectors.target_periods(elder=elder),
            "visits": selectors.recent_visits(elder_id=elder.pk, limit=10),
            "tiers": Tier.choices,
            "can_manage": request.principal.can("visits.manage"),
            "today": timezone.localdate(),
        },
    )


@require_POST
@require_page("visits:tier_override")
def tier_override(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    target = selectors.target_of(elder=elder)
    if target is None:
        messages.error(request, _("This elder is not on the visit list."))
    else:
        try:
            services.tier_override(
                target=target,
                tier=request.POST.get("tier", ""),
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
            messages.success(request, _("Tier changed."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("visits:target_detail", elder_id=elder.pk)


@require_page("visits:followup_list")
def followup_list(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    params = request.GET
    filters = selectors.FollowUpFilter(
        status=params.get("status", ""),
        kind=params.get("kind", ""),
        severity=params.get("severity", ""),
        overdue=params.get("overdue") == "1",
        division_code=params.get("division", ""),
        mine=params.get("mine") == "1",
    )
    page = _page(
        request,
        selectors.follow_up_list(scope=request.scope, user=request.user, today=today, filters=filters),
    )
    template = "visits/followup_list.html#results" if request.htmx else "visits/followup_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "params": params,
            "today": today,
            "kinds": FollowUpKind.choices,
            "statuses": FollowUpStatus.choices,
            "severities": Severity.choices,
        },
    )


@require_page("visits:followup_detail")
def followup_detail(request: ScopedRequest, follow_up_id: int) -> HttpResponse:
    item = selectors.access_follow_up(scope=request.scope, user=request.user, follow_up_id=follow_up_id)
    return render(
        request,
        "visits/followup_detail.html",
        {
            "item": item,
            "steps": selectors.follow_up_steps(follow_up=item),
            "statuses": FollowUpStatus.choices,
            "can_manage": request.principal.can("visits.manage"),
            "today": timezone.localdate(),
        },
    )


@require_POST
@require_page("visits:followup_update")
def followup_update(request: ScopedRequest, follow_up_id: int) -> HttpResponse:
    item = selectors.access_follow_up(scope=request.scope, user=request.user, follow_up_id=follow_up_id)
    try:
        services.follow_up_update(
            follow_up=item,
            status=request.POST.get("status", item.status),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
        messages.success(request, _("Follow-up updated."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("visits:followup_detail", follow_up_id=item.pk)


@require_page("visits:workload")
def workload(request: ScopedRequest) -> HttpResponse:
    month = _month(request)
    today = timezone.localdate()
    rows = selectors.visitor_workload(scope=request.scope, month=month, today=today)
    return render(request, "visits/workload.html", {"rows": rows, "month": month})


@require_page("visits:record_list")
def record_list(request: ScopedRequest) -> HttpResponse:
    params = request.GET
    filters = selectors.RecordFilter(
        division_code=params.get("division", ""),
        method=params.get("method", ""),
        outcome=params.get("outcome", ""),
        date_from=parse_date(params.get("from", "") or "") if params.get("from") else None,
        date_to=parse_date(params.get("to", "") or "") if params.get("to") else None,
    )
    page = _page(request, selectors.record_list(scope=request.scope, user=request.user, filters=filters))
    template = "visits/record_list.html#results" if request.htmx else "visits/record_list.html"
    return render(
        request,
        template,
        {"page": page, "params": params, "methods": Method.choices, "outcomes": Outcome.choices},
    )


@require_page("visits:visitor_list")
def visitor_list(request: ScopedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            username = request.POST.get("username", "").strip()
            user = (
                User.objects.filter(
                    Q(request.scope.filter_q(User)) | Q(role=Role.VOLUNTEER), username=username
                )
                .filter(is_active=True)
                .first()
            )
            if user is None:
                raise DomainError("visitor_user_unknown", _("No such account in your area."), status=422)
            division = access_division(scope=request.scope, code=request.POST.get("division", "").strip())
            if not request.scope.covers_division(division.code):
                raise Http404("No such division.")
            capacity = request.POST.get("capacity", "").strip()
            services.visitor_save(
                user=user,
                kind=request.POST.get("kind", ""),
                division=division,
                capacity=int(capacity) if capacity else None,
                actor=request.user,
            )
            messages.success(request, _("Visitor saved."))
        except (DomainError, ValueError, Http404) as exc:
            messages.error(request, getattr(exc, "message", _("Check the account, area and capacity.")))
        return redirect("visits:visitor_list")
    page = _page(request, selectors.visitor_list(scope=request.scope))
    return render(request, "visits/visitor_list.html", {"page": page, "kinds": VisitorKind.choices})


@require_page("visits:notification_list")
def notification_list(request: ScopedRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("visits:notification_list")
    page = _page(request, selectors.notification_list(user=request.user))
    return render(request, "visits/notification_list.html", {"page": page})
