"""Onboarding pages: the checklist, template downloads, upload → preview → commit, the report."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.onboarding import selectors
from eldercare.onboarding.forms import UploadForm
from eldercare.onboarding.kinds import KINDS, kind_or_error
from eldercare.onboarding.services import onboarding_commit, onboarding_preview, onboarding_report_csv
from eldercare.onboarding.workbooks import template_workbook

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_page("onboarding:checklist")
def checklist(request: ScopedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = onboarding_preview(
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            content=upload.read(),
            actor=request.user,
            scope=request.scope,
        )
        return redirect("onboarding:batch_detail", batch_id=batch.pk)
    page = Paginator(selectors.batches(scope=request.scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "onboarding/checklist.html",
        {
            "form": form,
            "items": selectors.checklist(scope=request.scope),
            "kinds": KINDS.values(),
            "page": page,
        },
    )


@require_page("onboarding:template")
def template(request: ScopedRequest, kind: str) -> HttpResponse:
    try:
        spec = kind_or_error(kind)
    except DomainError as exc:
        from django.http import Http404

        raise Http404(exc.message) from exc
    response = HttpResponse(template_workbook(spec), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="onboarding-{spec.key}.xlsx"'
    return response


@require_page("onboarding:batch_detail")
def batch_detail(request: ScopedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.access_batch(scope=request.scope, batch_id=batch_id)
    return render(
        request,
        "onboarding/batch_detail.html",
        {"batch": batch, "kind": KINDS.get(batch.kind), "errors": batch.errors[:500]},
    )


@require_POST
@require_page("onboarding:batch_commit")
def batch_commit(request: ScopedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.access_batch(scope=request.scope, batch_id=batch_id)
    try:
        batch = onboarding_commit(batch=batch, actor=request.user, scope=request.scope)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if batch.status == "rejected":
            messages.error(
                request, _("The file has errors: nothing was written. Fix the rows and upload again.")
            )
        else:
            messages.success(request, _("The batch is committed."))
    return redirect("onboarding:batch_detail", batch_id=batch.pk)


@require_page("onboarding:batch_report")
def batch_report(request: ScopedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.access_batch(scope=request.scope, batch_id=batch_id)
    response = HttpResponse(onboarding_report_csv(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="onboarding-{batch.pk}-report.csv"'
    return response
