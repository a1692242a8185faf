"""Pages of benefits: the basic service list (public and per elder), applications and their review,
monthly settlement with its findings, payment files, and the funds view. Thin: same calls as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.benefits import rules, selectors, services
from eldercare.benefits.choices import (
    ApplicationStatus,
    Channel,
    LineKind,
    LineStatus,
    SettlementStatus,
    SuspensionReason,
)
from eldercare.benefits.models import Budget, Objection, PaymentBatch, Suspension
from eldercare.benefits.notify import yuan
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.registry.selectors import access_elder

PROGRAMME_KIND_UNIT = {"monthly": "元/月", "per_meal": "元/餐", "one_off": "元（一次性上限）"}


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _programme_rows(on: Any = None) -> list[dict[str, Any]]:
    found = selectors.programmes_on(on)
    return [
        {
            "p": p,
            "unit": PROGRAMME_KIND_UNIT.get(p.kind, ""),
            "tiers": [(t.label, yuan(t.amount_fen)) for t in p.tiers],
        }
        for p in found.programmes.values()
    ]


def public_list(request: HttpRequest) -> HttpResponse:
    """基本养老服务清单, public: every programme, who it is for, how much, and how to get it."""
    return render(
        request, "benefits/public_list.html", {"rows": _programme_rows(), "today": timezone.localdate()}
    )


@require_page("benefits:elder_services")
def elder_services(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    rows = selectors.basic_service_list(elder=elder)
    return render(
        request,
        "benefits/elder_services.html",
        {
            "elder": elder,
            "rows": rows,
            "entitlements": selectors.entitlement_list(scope=request.scope, elder=elder)[:50],
            "applications": selectors.application_list(scope=request.scope).filter(elder=elder)[:20],
            "lines": selectors.elder_payment_lines(elder=elder, limit=24),
            "notifications": selectors.elder_notifications(elder=elder),
            "channels": Channel.choices,
            "can_apply": request.principal.can("benefits.apply"),
        },
    )


@require_POST
@require_page("benefits:application_create")
def application_create(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    try:
        application = services.application_submit(
            elder=elder,
            programme_code=request.POST.get("programme", ""),
            channel=request.POST.get("channel", Channel.PROXY),
            actor=request.user,
            applicant_name=request.POST.get("applicant_name", ""),
            proxy_note=request.POST.get("proxy_note", ""),
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("benefits:elder_services", elder_id=elder.pk)
    messages.success(request, _("Application filed."))
    return redirect("benefits:application_detail", application_id=application.pk)


@require_page("benefits:application_list")
def application_list(request: ScopedRequest) -> HttpResponse:
    status = request.GET.get("status", ApplicationStatus.IN_REVIEW)
    qs = selectors.application_list(scope=request.scope, status=status if status != "all" else "")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    names = {p.code: p.name for p in selectors.programmes_on().programmes.values()}
    return render(
        request,
        "benefits/application_list.html",
        {"page": page, "status": status, "statuses": ApplicationStatus.choices, "names": names},
    )


@require_page("benefits:application_detail")
def application_detail(request: ScopedRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(scope=request.scope, application_id=application_id)
    programme = selectors.programmes_on().get(application.programme_code)
    return render(
        request,
        "benefits/application_detail.html",
        {
            "application": application,
            "programme": programme,
            "decisions": selectors.application_decisions(application),
            "documents": list(application.documents.all()),
            "objections": list(application.objections.all()),
            "can_review": services.can_review(application=application, user=request.user)
            and request.principal.can("benefits.review"),
            "can_apply": request.principal.can("benefits.apply"),
        },
    )


@require_POST
@require_page("benefits:application_decide")
def application_decide(request: ScopedRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(scope=request.scope, application_id=application_id)
    try:
        services.application_decide(
            application=application,
            actor=request.user,  # type: ignore[arg-type]
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Decision recorded."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("benefits:application_detail", application_id=application.pk)


@require_POST
@require_page("benefits:document_add")
def document_add(request: ScopedRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(scope=request.scope, application_id=application_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("document_missing", _("Choose a file."), status=422)
        services.document_add(
            application=application, kind=request.POST.get("kind", ""), upload=upload, actor=request.user
        )
        messages.success(request, _("Document added."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("benefits:application_detail", application_id=application.pk)


@require_POST
@require_page("benefits:objection_add")
def objection_add(request: ScopedRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(scope=request.scope, application_id=application_id)
    try:
        services.objection_raise(
            application=application,
            raised_by=request.POST.get("raised_by", ""),
            text=request.POST.get("text", ""),
            actor=request.user,
        )
        messages.success(request, _("Objection recorded."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("benefits:application_detail", application_id=application.pk)


@require_POST
@require_page("benefits:objection_resolve")
def objection_resolve(request: ScopedRequest, objection_id: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("application"), pk=objection_id)
    application = selectors.access_application(scope=request.scope, application_id=objection.application_id)
    try:
        services.objection_resolve(
            objection=objection,
            upheld=request.POST.get("upheld") == "1",
            resolution=request.POST.get("resolution", ""),
            actor=request.user,
        )
    except DomainError as exc:
        _fail(request, exc)
    return redirect("benefits:application_detail", application_id=application.pk)


# ---- settlement -----------------------------------------------------------------------------------
@require_page("benefits:settlement_list")
def settlement_list(request: ScopedRequest) -> HttpResponse:
    suggested = rules.Month.of(timezone.localdate())
    return render(
        request,
        "benefits/settlement_list.html",
        {"settlements": selectors.settlement_list()[:36], "suggested": str(suggested)},
    )


@require_POST
@require_page("benefits:settlement_run")
def settlement_run(request: ScopedRequest) -> HttpResponse:
    try:
        period = rules.Month.parse(request.POST.get("period", ""))
    except ValueError:
        messages.error(request, _("Give the month as YYYY-MM."))
        return redirect("benefits:settlement_list")
    try:
        report = services.settle_month(period=period, actor=request.user)
        messages.success(
            request,
            _(
                "%(period)s: %(regular)s regular lines, %(corr)s corrections, "
                "%(rec)s recoveries, %(carry)s carried."
            )
            % {
                "period": report.period,
                "regular": report.regular,
                "corr": report.corrections,
                "rec": report.recoveries,
                "carry": report.carried,
            },
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("benefits:settlement_list")
    return redirect("benefits:settlement_detail", period=str(period))


@require_page("benefits:settlement_detail")
def settlement_detail(request: ScopedRequest, period: str) -> HttpResponse:
    settlement = selectors.access_settlement(period=period)
    kind = request.GET.get("kind", "")
    lines = selectors.settlement_lines(scope=request.scope, settlement=settlement, kind=kind)
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    names = {p.code: p.name for p in selectors.programmes_on(settlement.period).programmes.values()}
    summary = [
        {
            **row,
            "programme": names.get(row["programme_code"], row["programme_code"]),
            "kind": LineKind(row["kind"]).label,
            "status": LineStatus(row["status"]).label,
        }
        for row in selectors.settlement_summary(scope=request.scope, settlement=settlement)
    ]
    return render(
        request,
        "benefits/settlement_detail.html",
        {
            "settlement": settlement,
            "summary": summary,
            "suspensions": selectors.suspension_list(
                scope=request.scope, settlement=settlement, status="open"
            )[:100],
            "open_count": selectors.suspension_list(
                scope=request.scope, settlement=settlement, status="open"
            ).count(),
            "reasons": SuspensionReason.choices,
            "page": page,
            "page_lines": [(line, names.get(line.programme_code, line.programme_code)) for line in page],
            "kind": kind,
            "batches": list(settlement.batches.all()),
            "draft": settlement.status == SettlementStatus.DRAFT,
        },
    )


@require_POST
@require_page("benefits:suspension_decide")
def suspension_decide(request: ScopedRequest, suspension_id: int) -> HttpResponse:
    suspension = get_object_or_404(
        Suspension.objects.for_scope(request.scope).select_related("settlement"), pk=suspension_id
    )
    try:
        if request.POST.get("confirm_all"):
            services.suspensions_decide_all(
                settlement=suspension.settlement,
                reason=suspension.reason,
                confirm=True,
                actor=request.user,
            )
        else:
            services.suspension_decide(
                suspension=suspension, confirm=request.POST.get("confirm") == "1", actor=request.user
            )
    except DomainError as exc:
        _fail(request, exc)
    return redirect("benefits:settlement_detail", period=suspension.settlement.label)


@require_POST
@require_page("benefits:settlement_lock")
def settlement_lock(request: ScopedRequest, period: str) -> HttpResponse:
    settlement = selectors.access_settlement(period=period)
    try:
        services.settlement_lock(settlement=settlement, actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Settlement reviewed and locked."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("benefits:settlement_detail", period=period)


@require_POST
@require_page("benefits:settlement_export")
def settlement_export(request: ScopedRequest, period: str) -> HttpResponse:
    settlement = selectors.access_settlement(period=period)
    try:
        batch = services.payments_export(settlement=settlement, actor=request.user)
        messages.success(request, _("Bank file written: %(rows)s rows.") % {"rows": batch.rows})
    except DomainError as exc:
        _fail(request, exc)
    return redirect("benefits:settlement_detail", period=period)


@require_page("benefits:batch_download")
def batch_download(request: ScopedRequest, batch_id: int, fmt: str) -> HttpResponse:
    batch = get_object_or_404(PaymentBatch.objects.select_related("settlement"), pk=batch_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    audit_record(
        actor=request.user, action="benefits.payment_file_downloaded", target=batch, changes={"format": fmt}
    )
    content = bytes(batch.csv_content if fmt == "csv" else batch.xlsx_content)
    kind = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="bank-{batch.settlement.label}-{batch.pk}.{fmt}"'
    return response


@require_POST
@require_page("benefits:batch_return")
def batch_return(request: ScopedRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(PaymentBatch.objects.select_related("settlement"), pk=batch_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("return_file_missing", _("Choose the bank's return file."), status=422)
        report = services.payments_import_return(
            batch=batch, content=upload.read(), file_name=upload.name or "", actor=request.user
        )
        messages.success(
            request,
            _("Return file read: %(paid)s paid, %(failed)s failed, %(unknown)s unknown references.")
            % {"paid": report.paid, "failed": report.failed, "unknown": len(report.unknown)},
        )
    except DomainError as exc:
        _fail(request, exc)
    return redirect("benefits:settlement_detail", period=batch.settlement.label)


# ---- funds ---------------------------------------------------------------------------------------
@require_page("benefits:funds")
def funds(request: ScopedRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    rows = selectors.funds_overview(scope=request.scope, year=year)
    names = {p.code: p.name for p in selectors.programmes_on().programmes.values()}
    return render(
        request,
        "benefits/funds.html",
        {
            "rows": rows,
            "year": year,
            "names": names,
            "months": list(range(1, 13)),
            "can_budget": request.principal.can("benefits.budget"),
        },
    )


@require_POST
@require_page("benefits:budget_set")
def budget_set(request: ScopedRequest) -> HttpResponse:
    try:
        year = int(request.POST.get("year", ""))
        amount = round(float(request.POST.get("amount_yuan", "")) * 100)
    except ValueError:
        messages.error(request, _("Give the year and the amount in yuan."))
        return redirect("benefits:funds")
    district = request.POST.get("district", "")
    programme = request.POST.get("programme", "")
    if (
        len(district) != 6
        or not request.scope.covers_division(district)
        or programme not in selectors.programmes_on().programmes
    ):
        messages.error(request, _("Choose a programme and a district in your area."))
        return redirect("benefits:funds")
    budget, created = Budget.objects.update_or_create(
        programme_code=programme, district_code=district, year=year, defaults={"amount_fen": amount}
    )
    audit_record(
        actor=request.user,
        action="benefits.budget_set",
        target=budget,
        division_code=district,
        changes={"amount_fen": amount, "created": created},
    )
    return redirect(reverse("benefits:funds") + f"?year={year}")
