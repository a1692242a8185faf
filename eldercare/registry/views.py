"""Pages of the elder registry: search and export, the care archive, edits, imports, review, duplicates."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division
from eldercare.registry import selectors
from eldercare.registry.choices import EconomicStatus, ElderGroup, ElderStatus, LivingSituation
from eldercare.registry.forms import (
    ConsentForm,
    ContactForm,
    ElderEditForm,
    ElderForm,
    GroupsForm,
    ImportForm,
    LifeEventForm,
)
from eldercare.registry.selectors import ElderFilter, access_elder
from eldercare.registry.services import (
    consent_record,
    contact_add,
    duplicate_dismiss,
    elder_create,
    elder_groups_set,
    elder_reveal_personal,
    elder_update,
    elders_merge,
    import_commit,
    import_preview,
    import_report_csv,
    life_event_record,
    review_resolve,
)
from eldercare.registry.sources import SOURCES
from eldercare.registry.timeline import elder_timeline

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _filters(request: ScopedRequest) -> ElderFilter:
    special = request.GET.get("special", "")
    return ElderFilter(
        search=request.GET.get("q", "").strip(),
        division_code=request.GET.get("division", "").strip(),
        status=request.GET.get("status", ""),
        living_situation=request.GET.get("living", ""),
        economic_status=request.GET.get("economic", ""),
        min_age=_int(request.GET.get("min_age", "")),
        max_age=_int(request.GET.get("max_age", "")),
        group=request.GET.get("group", ""),
        special_difficulty={"1": True, "0": False}.get(special),
        sort=request.GET.get("sort", ""),
    )


@require_page("registry:elder_list")
def elder_list(request: ScopedRequest) -> HttpResponse:
    elders = selectors.elder_list(scope=request.scope, filters=_filters(request))
    page = Paginator(elders, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "registry/elder_list.html#results" if request.htmx else "registry/elder_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "today": timezone.localdate(),
            "statuses": ElderStatus.choices,
            "livings": LivingSituation.choices,
            "economics": EconomicStatus.choices,
            "groups": ElderGroup.choices,
            "params": request.GET,
            "query": request.GET.urlencode(),
            "can_export": request.principal.can("elders.export"),
            "can_edit": request.principal.can("elders.edit"),
        },
    )


@require_page("registry:elder_export")
def elder_export(request: ScopedRequest) -> HttpResponse:
    """The filtered list as XLSX, within the caller's scope, masked; the export itself is audited."""
    from openpyxl import Workbook

    filters = _filters(request)
    elders = selectors.elder_list(scope=request.scope, filters=filters)[:EXPORT_LIMIT]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("elders")
    sheet.append(
        [
            _("Name"),
            _("Sex"),
            _("Birth date"),
            _("ID number"),
            _("Phone"),
            _("Community code"),
            _("Community"),
            _("Living situation"),
            _("Economic status"),
            _("Groups"),
            _("Special difficulty"),
            _("Status"),
        ]
    )
    count = 0
    for e in elders:
        sheet.append(
            [
                e.name,
                e.get_sex_display(),
                e.birth_date,
                e.id_number_masked,
                e.phone_masked,
                e.residence_division_id,
                e.residence_division.name,
                e.get_living_situation_display(),
                e.get_economic_status_display(),
                "、".join(str(g) for g in e.eldergroupmemberships.all()),
                _("yes") if e.special_difficulty else "",
                e.get_status_display(),
            ]
        )
        count += 1
    audit_record(
        actor=request.user,
        action="elder.exported",
        changes={"count": count, "filters": {k: v for k, v in request.GET.items() if k != "page"}},
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="elders-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@require_page("registry:elder_detail")
def elder_detail(request: ScopedRequest, elder_id: int) -> HttpResponse:
    """The care archive (康养档案): the record, contacts, groups, consents and the timeline."""
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    groups = selectors.elder_groups(elder=elder)
    return render(
        request,
        "registry/elder_detail.html",
        {
            "elder": elder,
            "today": timezone.localdate(),
            "contacts": selectors.elder_contacts(elder=elder),
            "consents": selectors.elder_consents(elder=elder),
            "groups": groups,
            "events": selectors.elder_life_events(elder=elder),
            "timeline": elder_timeline(elder=elder, principal=request.principal),
            "can_reveal": request.principal.can("elders.reveal_personal"),
            "can_edit": request.principal.can("elders.edit"),
            "contact_form": ContactForm(),
            "consent_form": ConsentForm(initial={"given_on": timezone.localdate(), "granted": True}),
            "groups_form": GroupsForm(
                initial={
                    "groups": [g.group for g in groups],
                    "disability_grade": next(
                        (g.disability_grade for g in groups if g.disability_grade), None
                    ),
                }
            ),
            "event_form": LifeEventForm(),
        },
    )


@require_POST
@require_page("registry:elder_reveal")
def elder_reveal(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    personal = elder_reveal_personal(elder=elder, actor=request.user, purpose=request.POST.get("purpose", ""))
    return render(request, "registry/elder_detail.html#personal", {"elder": elder, "personal": personal})


def _division(code: str) -> Division | None:
    return Division.objects.filter(code=code.strip()).first() if code.strip() else None


@require_page("registry:elder_create")
def elder_create_view(request: ScopedRequest) -> HttpResponse:
    form = ElderForm(
        request.POST or None, initial={"residence_division": getattr(request.user, "division_id", "") or ""}
    )
    existing_id = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        division = _division(data["residence_division"])
        if division is None:
            form.add_error("residence_division", _("No division has this code."))
        else:
            try:
                elder = elder_create(
                    name=data["name"],
                    id_number=data["id_number"],
                    residence_division=division,
                    hukou_division=_division(data["hukou_division"]),
                    ethnicity=data["ethnicity"],
                    phone=data["phone"],
                    address=data["address"],
                    lon=data["lon"],
                    lat=data["lat"],
                    living_situation=data["living_situation"],
                    economic_status=data["economic_status"],
                    actor=request.user,
                    scope=request.scope,
                )
            except DomainError as exc:
                field = (exc.details or {}).get("field") if isinstance(exc.details, dict) else None
                form.add_error(field if field in form.fields else None, exc.message)
                if isinstance(exc.details, dict):
                    existing_id = exc.details.get("existing_elder_id")
            else:
                messages.success(request, _("The elder is registered."))
                return redirect("registry:elder_detail", elder_id=elder.pk)
    return render(
        request, "registry/elder_form.html", {"form": form, "existing_id": existing_id, "elder": None}
    )


@require_page("registry:elder_edit")
def elder_edit(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    initial = {
        "name": elder.name,
        "residence_division": elder.residence_division_id,
        "hukou_division": elder.hukou_division_id or "",
        "ethnicity": elder.ethnicity,
        "lon": elder.lon,
        "lat": elder.lat,
        "living_situation": elder.living_situation,
        "economic_status": elder.economic_status,
        "economic_valid_to": elder.economic_valid_to,
        "chronic_conditions": "; ".join(elder.chronic_conditions or []),
        "dementia_diagnosed": elder.dementia_diagnosed,
        "family_doctor_signed": elder.family_doctor_signed,
    }
    form = ElderEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        from eldercare.registry.rules import split_conditions

        data = form.cleaned_data
        division = _division(data["residence_division"])
        if division is None:
            form.add_error("residence_division", _("No division has this code."))
        else:
            changes: dict[str, Any] = {
                "name": data["name"],
                "residence_division": division,
                "hukou_division": _division(data["hukou_division"]),
                "ethnicity": data["ethnicity"],
                "lon": data["lon"],
                "lat": data["lat"],
                "living_situation": data["living_situation"],
                "economic_status": data["economic_status"],
                "economic_valid_to": data["economic_valid_to"],
                "chronic_conditions": split_conditions(data["chronic_conditions"]),
                "dementia_diagnosed": data["dementia_diagnosed"],
                "family_doctor_signed": data["family_doctor_signed"],
            }
            if data["phone"]:
                changes["phone"] = data["phone"]
            if data["address"]:
                changes["address"] = data["address"]
            try:
                elder_update(elder=elder, actor=request.user, scope=request.scope, **changes)
            except DomainError as exc:
                field = exc.details.get("field") if isinstance(exc.details, dict) else None
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The record is saved."))
                return redirect("registry:elder_detail", elder_id=elder.pk)
    return render(request, "registry/elder_form.html", {"form": form, "elder": elder})


def _back(elder_id: int) -> HttpResponse:
    return redirect("registry:elder_detail", elder_id=elder_id)


def _form_errors(request: ScopedRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        messages.error(request, f"{field}: {' '.join(errors)}")


@require_POST
@require_page("registry:contact_add")
def contact_add_view(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(elder.pk)
    try:
        contact_add(elder=elder, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(elder.pk)


@require_POST
@require_page("registry:consent_add")
def consent_add(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(elder.pk)
    try:
        consent_record(elder=elder, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(elder.pk)


@require_POST
@require_page("registry:groups_edit")
def groups_edit(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    form = GroupsForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(elder.pk)
    grade = form.cleaned_data["disability_grade"]
    groups = {g: (grade if g == ElderGroup.DISABILITY else None) for g in form.cleaned_data["groups"]}
    try:
        elder_groups_set(elder=elder, groups=groups, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(elder.pk)


@require_POST
@require_page("registry:life_event_add")
def life_event_add(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    form = LifeEventForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(elder.pk)
    try:
        life_event_record(elder=elder, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(elder.pk)


# ---------------------------------------------------------------- imports


@require_page("registry:import_list")
def import_list(request: ScopedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = import_preview(
            source=form.cleaned_data["source"],
            file_name=upload.name,
            content=upload.read(),
            actor=request.user,
            scope=request.scope,
        )
        return redirect("registry:import_detail", batch_id=batch.pk)
    batches = Paginator(selectors.import_batches(scope=request.scope), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "registry/import_list.html", {"form": form, "page": batches, "sources": SOURCES.values()}
    )


@require_page("registry:import_detail")
def import_detail(request: ScopedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.access_import_batch(scope=request.scope, batch_id=batch_id)
    return render(
        request,
        "registry/import_detail.html",
        {"batch": batch, "source": SOURCES.get(batch.source), "errors": batch.errors[:500]},
    )


@require_POST
@require_page("registry:import_commit")
def import_commit_view(request: ScopedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.access_import_batch(scope=request.scope, batch_id=batch_id)
    try:
        batch = import_commit(
            batch=batch, actor=request.user, scope=request.scope, atomic=request.POST.get("partial") != "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if batch.status == "rejected":
            messages.error(
                request, _("The file has errors: nothing was written. Fix the rows and upload again.")
            )
        else:
            messages.success(request, _("The batch is committed."))
    return redirect("registry:import_detail", batch_id=batch.pk)


@require_page("registry:import_report")
def import_report(request: ScopedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.access_import_batch(scope=request.scope, batch_id=batch_id)
    response = HttpResponse(import_report_csv(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    return response


# ---------------------------------------------------------------- review, duplicates, overpayments


@require_page("registry:review_list")
def review_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.review_queue(scope=request.scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/review_list.html", {"page": page})


@require_POST
@require_page("registry:review_resolve")
def review_resolve_view(request: ScopedRequest, item_id: int) -> HttpResponse:
    item = selectors.access_review_item(scope=request.scope, item_id=item_id)
    try:
        review_resolve(item=item, accept=request.POST.get("decision") == "accept", actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("registry:review_list")


@require_page("registry:duplicate_list")
def duplicate_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.duplicate_candidates(scope=request.scope), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "registry/duplicate_list.html", {"page": page})


@require_POST
@require_page("registry:duplicate_merge")
def duplicate_merge(request: ScopedRequest, candidate_id: int) -> HttpResponse:
    candidate = selectors.access_duplicate(scope=request.scope, candidate_id=candidate_id)
    keep_other = request.POST.get("keep") == "other"
    survivor, duplicate = (
        (candidate.other, candidate.elder) if keep_other else (candidate.elder, candidate.other)
    )
    try:
        elders_merge(
            survivor=survivor, duplicate=duplicate, actor=request.user, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("registry:duplicate_list")
    messages.success(request, _("The records are merged."))
    return redirect("registry:elder_detail", elder_id=survivor.pk)


@require_POST
@require_page("registry:duplicate_dismiss")
def duplicate_dismiss_view(request: ScopedRequest, candidate_id: int) -> HttpResponse:
    candidate = selectors.access_duplicate(scope=request.scope, candidate_id=candidate_id)
    duplicate_dismiss(candidate=candidate, actor=request.user)
    return redirect("registry:duplicate_list")


@require_page("registry:overpayment_list")
def overpayment_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.suspected_overpayments(scope=request.scope), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "registry/overpayment_list.html", {"page": page})
