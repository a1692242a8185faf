"""Pages of plan monitoring: dashboards, indicators and manual entries, projects, funds, reports, exchange.

Thin: every page calls the same selectors and services as the API.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.models import CODE_LENGTH, DivisionLevel
from eldercare.core.selectors import city_profile
from eldercare.core.views import GEO_DIR
from eldercare.planning import exchange as exchange_mod
from eldercare.planning import rules, selectors, services
from eldercare.planning.choices import ProjectStage, ReportStatus
from eldercare.planning.forms import FundingForm, ManualEntryForm, ProjectUpdateForm, ReportForm
from eldercare.planning.registry import key_count_labels
from eldercare.planning.services import reports as report_services


def _month_param(request: ScopedRequest) -> date | None:
    raw = request.GET.get("month", "")
    try:
        return date.fromisoformat(raw + "-01") if raw else None
    except ValueError:
        return None


@require_page("planning:dashboard_home")
def dashboard_home(request: ScopedRequest) -> HttpResponse:
    user_division = getattr(request.user, "division_id", None)
    return redirect(
        "planning:dashboard",
        code=selectors.home_division_code(scope=request.scope, user_division=user_division),
    )


def _map_context(request: ScopedRequest, dash: selectors.Dashboard) -> dict[str, Any]:
    """The map of the children of the shown division: districts of a city (polygons) or streets of a
    district (points on the district's outline). Streets have no map of their own."""
    division = dash.division
    city_code = division.code[: CODE_LENGTH[DivisionLevel.CITY]]
    if division.level > DivisionLevel.COUNTY or not (GEO_DIR / f"{city_code}.geojson").is_file():
        return {}
    choice = request.GET.get("map", "")
    indicator = None
    key = ""
    if choice.startswith("key:"):
        key = choice[4:]
        if key not in key_count_labels():
            key = ""
    elif choice:
        indicator = next(
            (r.indicator for r in dash.rows + dash.supplementary if r.indicator.code == choice), None
        )
    if indicator is None and not key:
        key = "elders.total" if "elders.total" in key_count_labels() else ""
        if not key and dash.rows:
            indicator = dash.rows[0].indicator
    values = selectors.child_values(
        scope=request.scope, parent=division, month=dash.month, indicator=indicator, key=key
    )
    centroids = selectors.street_centroids(division.code) if division.level == DivisionLevel.COUNTY else {}
    data = []
    for child in dash.children:
        item: dict[str, Any] = {
            "name": child.code,
            "label": child.name,
            "value": _round(values.get(child.code)),
        }
        if centroids:
            if child.code not in centroids:
                continue
            item["coord"] = list(centroids[child.code])
        data.append(item)
    labels = key_count_labels()
    return {
        "map_mode": "city" if division.level == DivisionLevel.CITY else "district",
        "map_geojson": reverse("core:division_geojson", args=[city_code]),
        "map_data": data,
        "map_choice": f"key:{key}" if key else (indicator.code if indicator else ""),
        "map_title": labels[key][0] if key else (f"{indicator.code} {indicator.name}" if indicator else ""),
        "map_unit": labels[key][1] if key else (indicator.unit if indicator else ""),
        "drill_template": reverse("planning:dashboard", args=["CODE"]),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@require_page("planning:dashboard")
def dashboard(request: ScopedRequest, code: str) -> HttpResponse:
    dash = selectors.dashboard(scope=request.scope, code=code, month=_month_param(request))
    context: dict[str, Any] = {
        "dash": dash,
        "profile": city_profile(),
        "key_labels": key_count_labels(),
        "trend_data": {r.indicator.code: r.trend for r in dash.rows + dash.supplementary},
        "can_refresh": request.principal.can("planning.manage"),
    }
    context.update(_map_context(request, dash))
    return render(request, "planning/dashboard.html", context)


@require_POST
@require_page("planning:refresh")
def refresh_view(request: ScopedRequest) -> HttpResponse:
    from eldercare.planning.tasks import refresh_indicators

    months = request.POST.get("months", "2")
    count = int(months) if months.isdigit() and 0 < int(months) <= 36 else 2
    result = refresh_indicators.enqueue(months=count, trigger="page")
    messages.info(
        request,
        _("The refresh is queued (%(id)s); the time of the last refresh is shown on the dashboard.")
        % {"id": result.id},
    )
    return redirect(request.POST.get("next") or "planning:dashboard_home")


@require_page("planning:indicator_detail")
def indicator_detail(request: ScopedRequest, indicator_code: str, code: str) -> HttpResponse:
    indicator = selectors.access_indicator(code=indicator_code)
    division = selectors.access_dashboard_division(scope=request.scope, code=code)
    series = selectors.indicator_series(scope=request.scope, indicator=indicator, code=code, months=36)
    entries = list(selectors.manual_entries(scope=request.scope, indicator=indicator, code=code)[:50])
    form = ManualEntryForm(initial={"period": timezone.localdate()})
    return render(
        request,
        "planning/indicator_detail.html",
        {
            "indicator": indicator,
            "division": division,
            "series": series,
            "entries": entries,
            "form": form,
            "computed": services.is_computed(indicator),
            "can_enter": request.principal.can("planning.enter"),
            "chart_data": [{"month": v.month.strftime("%Y-%m"), "value": _round(v.value)} for v in series],
        },
    )


@require_POST
@require_page("planning:manual_entry_create")
def manual_entry_create(request: ScopedRequest, indicator_code: str, code: str) -> HttpResponse:
    indicator = selectors.access_indicator(code=indicator_code)
    division = selectors.access_dashboard_division(scope=request.scope, code=code)
    form = ManualEntryForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        upload = data.get("evidence_file")
        try:
            services.manual_entry_create(
                indicator=indicator,
                division=division,
                period=data["period"],
                value=data.get("value"),
                value_text=data.get("value_text") or "",
                numerator=data.get("numerator"),
                denominator=data.get("denominator"),
                evidence=data["evidence"],
                evidence_file_name=upload.name if upload else "",
                evidence_file=upload.read() if upload else None,
                actor=request.user,
            )
            messages.success(request, _("The value is recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("planning:indicator_detail", indicator_code=indicator.code, code=division.code)


@require_page("planning:manual_evidence")
def manual_evidence(request: ScopedRequest, entry_id: int) -> HttpResponse:
    entry = selectors.access_manual_entry(scope=request.scope, entry_id=entry_id)
    if not entry.evidence_file:
        raise Http404("No file.")
    response = HttpResponse(bytes(entry.evidence_file), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="evidence-{entry.pk}"'
    return response


# ---- projects and funds ---------------------------------------------------------------------------
@require_page("planning:project_list")
def project_list(request: ScopedRequest) -> HttpResponse:
    projects = list(selectors.project_list(scope=request.scope))
    return render(
        request,
        "planning/project_list.html",
        {
            "projects": projects,
            "planned_beds": sum(p.planned_beds or 0 for p in projects),
            "beds_in_use": sum(p.beds_in_use for p in projects if p.stage == ProjectStage.OPENED),
        },
    )


@require_page("planning:project_detail")
def project_detail(request: ScopedRequest, project_id: int) -> HttpResponse:
    project = selectors.access_project(scope=request.scope, project_id=project_id)
    return render(
        request,
        "planning/project_detail.html",
        {
            "project": project,
            "updates": project.updates.select_related("entered_by").order_by("-reported_on", "-id"),
            "form": ProjectUpdateForm(initial={"reported_on": timezone.localdate(), "stage": project.stage}),
            "can_enter": request.principal.can("planning.enter")
            and request.scope.covers_division(project.division_id),
        },
    )


@require_POST
@require_page("planning:project_update")
def project_update(request: ScopedRequest, project_id: int) -> HttpResponse:
    project = selectors.access_project(scope=request.scope, project_id=project_id)
    if not request.scope.covers_division(project.division_id):
        raise Http404("Not in your area.")  # city-wide programmes are updated by the city
    form = ProjectUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.project_update_add(project=project, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Progress recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, form.errors.as_text())
    return redirect("planning:project_detail", project_id=project.pk)


@require_page("planning:funding_list")
def funding_list(request: ScopedRequest) -> HttpResponse:
    return render(
        request,
        "planning/funding_list.html",
        {
            "rows": selectors.funding_rows(scope=request.scope),
            "form": FundingForm(initial={"year": timezone.localdate().year - 1}),
            "can_enter": request.principal.can("planning.manage"),
        },
    )


@require_POST
@require_page("planning:funding_create")
def funding_create(request: ScopedRequest) -> HttpResponse:
    form = FundingForm(request.POST, request.FILES)
    division_code = getattr(request.user, "division_id", None)
    profile = city_profile()
    code = division_code or (profile.division_id if profile else "")
    if form.is_valid() and code:
        data = form.cleaned_data
        upload = data.get("evidence_file")
        try:
            services.funding_entry_create(
                division=selectors.access_dashboard_division(scope=request.scope, code=code),
                year=data["year"],
                lottery_fund_fen=int(Decimal(data["lottery_fund_yuan"]) * 100),
                elderly_care_fen=int(Decimal(data["elderly_care_yuan"]) * 100),
                evidence=data["evidence"],
                evidence_file_name=upload.name if upload else "",
                evidence_file=upload.read() if upload else None,
                actor=request.user,
            )
            messages.success(request, _("Funding figures recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, form.errors.as_text())
    return redirect("planning:funding_list")


# ---- reports --------------------------------------------------------------------------------------
@require_page("planning:report_list")
def report_list(request: ScopedRequest) -> HttpResponse:
    last = selectors.latest_month()
    return render(
        request,
        "planning/report_list.html",
        {
            "reports": selectors.report_list(scope=request.scope)[:50],
            "form": ReportForm(initial={"period": last.strftime("%Y-%m")}),
        },
    )


@require_POST
@require_page("planning:report_create")
def report_create(request: ScopedRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    user_division = getattr(request.user, "division_id", None)
    code = selectors.home_division_code(scope=request.scope, user_division=user_division)
    if form.is_valid():
        try:
            report_services.report_request(
                kind=form.cleaned_data["kind"],
                period_text=form.cleaned_data["period"],
                division=selectors.access_dashboard_division(scope=request.scope, code=code),
                actor=request.user,
            )
            messages.success(request, _("The report is being generated; this page shows its progress."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, form.errors.as_text())
    return redirect("planning:report_list")


@require_page("planning:report_status")
def report_status(request: ScopedRequest, report_id: int) -> HttpResponse:
    report = selectors.access_report(scope=request.scope, report_id=report_id)
    return render(
        request,
        "planning/report_list.html#report_row",
        {"r": report, "running": report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)},
    )


@require_page("planning:report_download")
def report_download(request: ScopedRequest, report_id: int, fmt: str) -> HttpResponse:
    report = selectors.access_report(scope=request.scope, report_id=report_id)
    content, content_type, name = report_services.report_file(report=report, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- data exchange --------------------------------------------------------------------------------
@require_page("planning:exchange")
def exchange(request: ScopedRequest) -> HttpResponse:
    return render(
        request,
        "planning/exchange.html",
        {
            "datasets": exchange_mod.datasets(),
            "messages_sent": selectors.outbox(scope=request.scope)[:50],
            "adapter": exchange_mod.adapter_name(),
            "default_period": selectors.latest_month().strftime("%Y-%m"),
        },
    )


@require_POST
@require_page("planning:exchange_send")
def exchange_send(request: ScopedRequest) -> HttpResponse:
    code = selectors.home_division_code(
        scope=request.scope, user_division=getattr(request.user, "division_id", None)
    )
    try:
        period = date.fromisoformat(request.POST.get("period", "") + "-01")
    except ValueError:
        messages.error(request, _("Give the month as YYYY-MM."))
        return redirect("planning:exchange")
    try:
        message = exchange_mod.outbox_create(
            dataset=request.POST.get("dataset", ""),
            fmt=request.POST.get("fmt", "csv"),
            division=selectors.access_dashboard_division(scope=request.scope, code=code),
            period=period,
            destination=request.POST.get("destination", "province"),
            actor=request.user,
        )
        exchange_mod.outbox_send(message=message, actor=request.user)
        messages.success(request, _("Data set prepared and handed to the adapter."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("planning:exchange")


@require_page("planning:exchange_download")
def exchange_download(request: ScopedRequest, message_id: int) -> HttpResponse:
    message = selectors.access_outbox_message(scope=request.scope, message_id=message_id)
    content_type = "text/csv; charset=utf-8" if message.fmt == "csv" else "application/json"
    response = HttpResponse(bytes(message.payload), content_type=content_type)
    name = f"{message.dataset}-v{message.schema_version}-{message.period:%Y%m}.{message.fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def open_data(request: Any, fmt: str) -> HttpResponse:
    """Public: non-personal aggregates of the city and its districts (small counts suppressed)."""
    if fmt not in ("csv", "json"):
        raise Http404("Unknown format.")
    month = _month_param(request) or selectors.latest_month()
    payload = exchange_mod.open_data(month=rules.month_start(month), fmt=fmt)
    if fmt == "json":
        return HttpResponse(payload, content_type="application/json")
    return HttpResponse(payload, content_type="text/csv; charset=utf-8")
