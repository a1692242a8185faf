"""Pages of the facilities module: registry and filing, beds and residents, safety, star rating, the
waitlist, statistics for officers, and the public list and map (no sign-in, no personal data).
Thin: the same selectors and services as the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, Organisation
from eldercare.core.scope import DataScope
from eldercare.core.services import DATA_DIR
from eldercare.facilities import rules, selectors, services
from eldercare.facilities.choices import (
    BedType,
    DischargeReason,
    FacilityKind,
    FacilityStatus,
    FilingKind,
    IncidentKind,
    LicenceKind,
    MedicalForm,
    Ownership,
    RatingStatus,
    RiskLevel,
    SafetyRisk,
    Severity,
    WantedBed,
)
from eldercare.registry.models import Elder
from eldercare.registry.selectors import access_elder
from eldercare.registry.services import id_number_hash


def _fen(text: str) -> int | None:
    text = (text or "").strip()
    return round(float(text) * 100) if text else None


def _int(text: str, default: int = 0) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def _float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _when(text: str) -> datetime | None:
    value = parse_datetime(text or "")
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _back(facility_id: int, anchor: str = "") -> HttpResponse:
    return redirect(f"{_url('facilities:facility_detail', facility_id)}{anchor}")


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# ---- facilities -------------------------------------------------------------------------------------------


@require_page("facilities:facility_list")
def facility_list(request: ScopedRequest) -> HttpResponse:
    filters = selectors.FacilityFilter(
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
        ownership=request.GET.get("ownership", ""),
        search=request.GET.get("q", ""),
    )
    page = Paginator(selectors.facility_list(scope=request.scope, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    stars = selectors.current_stars([f.pk for f in page], timezone.localdate())
    for f in page:
        f.stars = stars.get(f.pk, 0)  # type: ignore[attr-defined]
    template = "facilities/facility_list.html#results" if request.htmx else "facilities/facility_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "params": request.GET,
            "kinds": FacilityKind.choices,
            "statuses": FacilityStatus.choices,
            "ownerships": Ownership.choices,
        },
    )


@require_page("facilities:facility_create")
def facility_create(request: ScopedRequest) -> HttpResponse:
    organisations = Organisation.objects.for_scope(request.scope).order_by("name")[:500]
    error = ""
    if request.method == "POST":
        post = request.POST
        division = Division.objects.filter(code=post.get("division", "")).first()
        operator = (
            organisations.model.objects.for_scope(request.scope)
            .filter(pk=_int(post.get("operator", "")))
            .first()
        )
        if division is None or operator is None:
            error = _("Choose a division and an operator inside your area.")
        else:
            try:
                facility = services.facility_register(
                    actor=request.user,
                    scope=request.scope,
                    name=post.get("name", ""),
                    kind=post.get("kind", ""),
                    ownership=post.get("ownership", ""),
                    operator=operator,
                    division=division,
                    address=post.get("address", ""),
                    lon=_float(post.get("lon", "")),
                    lat=_float(post.get("lat", "")),
                    capacity=_int(post.get("capacity", "")),
                    medical_form=post.get("medical_form", MedicalForm.NONE),
                    insurance_designated=post.get("insurance_designated") == "1",
                    contact_phone=post.get("contact_phone", ""),
                )
                messages.success(request, _("Facility registered. File it (备案) to start operating."))
                return redirect("facilities:facility_detail", facility.pk)
            except DomainError as exc:
                error = exc.message
    return render(
        request,
        "facilities/facility_create.html",
        {
            "organisations": organisations,
            "kinds": FacilityKind.choices,
            "ownerships": Ownership.choices,
            "medical_forms": MedicalForm.choices,
            "error": error,
            "post": request.POST,
            "home_division": getattr(request.user, "division_id", "") or "",
        },
        status=422 if error else 200,
    )


@require_page("facilities:facility_detail")
def facility_detail(request: ScopedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    today = timezone.localdate()
    rooms = selectors.bed_counts_by_room(facility.pk, today)
    total = sum(rooms.values(), selectors.BedCounts())
    series = selectors.occupancy_series(facility_id=facility.pk, start=today - timedelta(days=89), end=today)
    warn_days = int(selectors.facility_settings(today)["licence_warning_days"])
    licences = [
        (lic, rules.licence_state(lic.valid_until, today=today, warn_days=warn_days))
        for lic in selectors.licence_list(scope=request.scope, facility=facility)
    ]
    return render(
        request,
        "facilities/facility_detail.html",
        {
            "facility": facility,
            "rooms": sorted(rooms.items()),
            "total": total,
            "series": [{"day": d.isoformat(), "occupied": o, "beds": b} for d, o, b in series],
            "licences": licences,
            "filings": selectors.filing_list(scope=request.scope).filter(facility=facility)[:20],
            "ratings": selectors.rating_list(scope=request.scope).filter(facility=facility)[:10],
            "reports": selectors.report_list(scope=request.scope, facility=facility)[:12],
            "incidents": selectors.incident_list(scope=request.scope, facility=facility)[:10],
            "stars": selectors.current_stars([facility.pk], today).get(facility.pk, 0),
            "licence_kinds": LicenceKind.choices,
            "filing_kinds": FilingKind.choices,
            "can_operate": request.principal.can("facilities.operate"),
        },
    )


@require_page("facilities:facility_listing")
@require_POST
def facility_listing(request: ScopedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    try:
        services.facility_update_listing(
            facility=facility,
            actor=request.user,
            price_min_fen=_fen(request.POST.get("price_min", "")),
            price_max_fen=_fen(request.POST.get("price_max", "")),
            contact_phone=request.POST.get("contact_phone", "").strip(),
            publish_free_beds=request.POST.get("publish_free_beds") == "1",
        )
        messages.success(request, _("Public listing updated."))
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return _back(facility.pk)


@require_page("facilities:filing_create")
@require_POST
def filing_create(request: ScopedRequest, facility_id: int) -> HttpResponse:
    """Create a filing with its documents and submit it, in one form."""
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    kind = request.POST.get("kind", FilingKind.INITIAL)
    changes: dict[str, Any] = {}
    if kind == FilingKind.CHANGE:
        for key in ("name", "address"):
            if request.POST.get(key, "").strip():
                changes[key] = request.POST[key].strip()
        if request.POST.get("capacity", "").strip():
            changes["capacity"] = _int(request.POST["capacity"])
    try:
        filing = services.filing_create(facility=facility, kind=kind, changes=changes, actor=request.user)
        for upload in request.FILES.getlist("documents"):
            services.filing_add_document(
                filing=filing,
                title=upload.name or "",
                file_name=upload.name or "",
                content=upload.read(),
                actor=request.user,
            )
        services.filing_submit(filing=filing, actor=request.user)
        messages.success(request, _("Filing submitted to the civil-affairs office."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(facility.pk, "#filings")


@require_page("facilities:filing_list")
def filing_list(request: ScopedRequest) -> HttpResponse:
    status = request.GET.get("status", "submitted")
    page = Paginator(selectors.filing_list(scope=request.scope, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "facilities/filing_list.html", {"page": page, "status": status})


@require_page("facilities:filing_decide")
@require_POST
def filing_decide(request: ScopedRequest, filing_id: int) -> HttpResponse:
    filing = selectors.access_filing(scope=request.scope, filing_id=filing_id)
    try:
        services.filing_decide(
            filing=filing,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
            actor=request.user,
        )
        messages.success(request, _("Decision recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:filing_list")


@require_page("facilities:licence_list")
def licence_list(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(selectors.licences_expiring(scope=request.scope, today=today), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "facilities/licence_list.html", {"page": page, "today": today})


@require_page("facilities:licence_add")
@require_POST
def licence_add(request: ScopedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    valid_from = parse_date(request.POST.get("valid_from", "") or "")
    try:
        if valid_from is None:
            raise DomainError("valid_from_required", _("The start date is required."), status=422)
        services.licence_add(
            facility=facility,
            kind=request.POST.get("kind", ""),
            number=request.POST.get("number", ""),
            issued_by=request.POST.get("issued_by", ""),
            valid_from=valid_from,
            valid_until=parse_date(request.POST.get("valid_until", "") or ""),
            actor=request.user,
        )
        messages.success(request, _("Licence added."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(facility.pk, "#licences")


# ---- beds and residents -----------------------------------------------------------------------------------


@require_page("facilities:bed_list")
def bed_list(request: ScopedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    beds = list(selectors.bed_list(scope=request.scope, facility=facility))
    return render(
        request,
        "facilities/bed_list.html",
        {
            "facility": facility,
            "beds": beds,
            "bed_types": BedType.choices,
            "reasons": DischargeReason.choices,
            "can_operate": request.principal.can("facilities.operate"),
        },
    )


@require_page("facilities:bed_add")
@require_POST
def bed_add(request: ScopedRequest, facility_id: int) -> HttpResponse:
    """Add a room's beds: numbers 1..count of one type."""
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    count = max(1, min(_int(request.POST.get("count", "1"), 1), 20))
    specs = [
        services.BedSpec(
            building=request.POST.get("building", "1") or "1",
            floor=request.POST.get("floor", "1") or "1",
            room=request.POST.get("room", ""),
            number=str(n),
            bed_type=request.POST.get("bed_type", ""),
        )
        for n in range(1, count + 1)
    ]
    try:
        services.beds_add(facility=facility, beds=specs, actor=request.user)
        messages.success(request, _("Beds added."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:bed_list", facility.pk)


@require_page("facilities:bed_state")
@require_POST
def bed_state(request: ScopedRequest, bed_id: int) -> HttpResponse:
    bed = selectors.access_bed(scope=request.scope, bed_id=bed_id)
    try:
        services.bed_set_state(bed=bed, state=request.POST.get("state", bed.state), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:bed_list", bed.facility_id)


@require_page("facilities:resident_admit")
@require_POST
def resident_admit(request: ScopedRequest, bed_id: int) -> HttpResponse:
    """Admit directly (private institutions; public ones admit through the waitlist): the elder is found
    by resident ID number in the registry."""
    bed = selectors.access_bed(scope=request.scope, bed_id=bed_id)
    number = request.POST.get("id_number", "").strip().upper()
    elder = Elder.objects.filter(id_number_hash=id_number_hash(number)).first() if number else None
    if elder is None:
        messages.error(
            request, _("No elder with this ID number is registered; ask the community to register them.")
        )
        return redirect("facilities:bed_list", bed.facility_id)
    try:
        services.resident_admit(bed=bed, elder=elder, actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Resident admitted."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:bed_list", bed.facility_id)


@require_page("facilities:resident_discharge")
@require_POST
def resident_discharge(request: ScopedRequest, residency_id: int) -> HttpResponse:
    residency = selectors.access_residency(scope=request.scope, residency_id=residency_id)
    try:
        services.resident_discharge(
            residency=residency,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
        messages.success(
            request, _("Resident discharged; the bed is offered to the waitlist if anyone waits.")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:bed_list", residency.facility_id)


@require_page("facilities:report_submit")
@require_POST
def report_submit(request: ScopedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    month = parse_date((request.POST.get("month", "") or "") + "-01") or timezone.localdate().replace(day=1)
    try:
        services.monthly_report_submit(facility=facility, month=month, actor=request.user)
        messages.success(request, _("Monthly report filed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(facility.pk, "#reports")


# ---- safety ---------------------------------------------------------------------------------------


@require_page("facilities:incident_list")
def incident_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.incident_list(scope=request.scope), 50).get_page(request.GET.get("page"))
    facilities = (
        list(selectors.facility_list(scope=request.scope)[:100])
        if request.principal.can("facilities.operate")
        else []
    )
    return render(
        request,
        "facilities/incident_list.html",
        {
            "page": page,
            "kinds": IncidentKind.choices,
            "severities": Severity.choices,
            "facilities": facilities,
        },
    )


@require_page("facilities:incident_add")
@require_POST
def incident_add(request: ScopedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    elder = None
    residency_id = _int(request.POST.get("residency", ""))
    if residency_id:
        elder = selectors.access_residency(scope=request.scope, residency_id=residency_id).elder
    try:
        services.incident_record(
            facility=facility,
            elder=elder,
            kind=request.POST.get("kind", ""),
            severity=request.POST.get("severity", Severity.MINOR),
            occurred_at=_when(request.POST.get("occurred_at", "")) or timezone.now(),
            description=request.POST.get("description", ""),
            action_taken=request.POST.get("action_taken", ""),
            actor=request.user,
        )
        messages.success(request, _("Incident recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:incident_list")


@require_page("facilities:risk_assessment_add")
def risk_assessment_add(request: ScopedRequest, residency_id: int) -> HttpResponse:
    """入住风险评估 for a resident: the nine risks of GB 38600, each with a level and measures."""
    residency = selectors.access_residency(scope=request.scope, residency_id=residency_id)
    error: Any = ""
    if request.method == "POST":
        levels = {r: request.POST.get(f"level_{r}", "") for r in rules.NINE_RISKS}
        measures = {r: request.POST.get(f"measures_{r}", "") for r in rules.NINE_RISKS}
        try:
            services.risk_assessment_record(
                facility=residency.facility,
                elder=residency.elder,
                levels=levels,
                measures=measures,
                informed_party=request.POST.get("informed_party", ""),
                actor=request.user,
            )
            messages.success(request, _("Risk assessment recorded."))
            return redirect("facilities:bed_list", residency.facility_id)
        except DomainError as exc:
            error = exc.details or exc.message
    history = selectors.risk_assessment_list(scope=request.scope, facility=residency.facility).filter(
        elder=residency.elder
    )[:5]
    return render(
        request,
        "facilities/risk_assessment.html",
        {
            "residency": residency,
            "risks": SafetyRisk.choices,
            "levels": RiskLevel.choices,
            "error": error,
            "history": history,
        },
        status=422 if error else 200,
    )


# ---- star rating ------------------------------------------------------------------------------------------


@require_page("facilities:rating_list")
def rating_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(
        selectors.rating_list(scope=request.scope, status=request.GET.get("status", "")), 50
    ).get_page(request.GET.get("page"))
    return render(request, "facilities/rating_list.html", {"page": page, "statuses": RatingStatus.choices})


def _scores_from(post: Any, sheet: rules.Sheet) -> dict[str, int]:
    return {code: _int(post.get(f"item_{code}", "0")) for code in sheet.items}


@require_page("facilities:rating_self")
def rating_self(request: ScopedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.access_facility(scope=request.scope, facility_id=facility_id)
    sheet_row = selectors.current_sheet() or services.rating_sheets_load()
    sheet = selectors.sheet_definition(sheet_row)
    rating = (
        selectors.rating_list(scope=request.scope, status=RatingStatus.SELF_ASSESSMENT)
        .filter(facility=facility)
        .first()
    )
    if request.method == "POST":
        try:
            rating = services.rating_self_assess(
                facility=facility,
                scores=_scores_from(request.POST, sheet),
                submit=request.POST.get("submit") == "1",
                actor=request.user,
            )
            messages.success(request, _("Self-assessment saved."))
            return _back(facility.pk, "#ratings")
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "facilities/rating_form.html",
        {
            "facility": facility,
            "sheet": sheet,
            "sheet_row": sheet_row,
            "scores": rating.self_scores if rating else {},
            "action": _url("facilities:rating_self", facility.pk),
            "review": False,
        },
    )


@require_page("facilities:rating_review")
def rating_review(request: ScopedRequest, rating_id: int) -> HttpResponse:
    rating = selectors.access_rating(scope=request.scope, rating_id=rating_id)
    sheet = selectors.sheet_definition(rating.sheet)
    if request.method == "POST":
        try:
            services.rating_review(
                rating=rating, scores=_scores_from(request.POST, sheet), actor=request.user
            )
            messages.success(request, _("On-site review recorded."))
            return redirect("facilities:rating_list")
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "facilities/rating_form.html",
        {
            "facility": rating.facility,
            "sheet": sheet,
            "sheet_row": rating.sheet,
            "rating": rating,
            "scores": rating.review_scores or rating.self_scores,
            "action": _url("facilities:rating_review", rating.pk),
            "review": True,
        },
    )


@require_page("facilities:rating_publish")
@require_POST
def rating_publish(request: ScopedRequest, rating_id: int) -> HttpResponse:
    rating = selectors.access_rating(scope=request.scope, rating_id=rating_id)
    try:
        services.rating_publish(rating=rating, actor=request.user)
        messages.success(request, _("Rating published."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:rating_list")


# ---- statistics -------------------------------------------------------------------------------------------


@require_page("facilities:statistics")
def statistics(request: ScopedRequest) -> HttpResponse:
    """Bed roll-up one level down from the caller's division (or a chosen one inside it), with the
    indicator values: nursing share, dementia beds, rating coverage."""
    code = request.GET.get("division", "") or getattr(request.user, "division_id", "") or ""
    if not code or not request.scope.covers_division(code):
        code = getattr(request.user, "division_id", "") or ""
    if not code:
        raise Http404
    day = parse_date(request.GET.get("on", "") or "") or timezone.localdate()
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise Http404
    children = selectors.bed_counts_by_child_division(code, day)
    return render(
        request,
        "facilities/statistics.html",
        {
            "division": division,
            "on": day,
            "total": selectors.bed_counts(code, day),
            "children": children,
            "coverage": selectors.rating_coverage(code, day),
            "counts": sorted(selectors.facility_counts(code, day).items()),
            "kind_labels": dict(FacilityKind.choices),
        },
    )


# ---- waitlist ---------------------------------------------------------------------------------------------


@require_page("facilities:waitlist")
def waitlist(request: ScopedRequest) -> HttpResponse:
    elder_id = _int(request.GET.get("elder", ""))
    if elder_id and request.principal.can("waitlist.apply"):
        return redirect(
            "facilities:application_create", access_elder(scope=request.scope, elder_id=elder_id).pk
        )
    facility_id = _int(request.GET.get("facility", ""))
    facility = (
        selectors.access_facility(scope=request.scope, facility_id=facility_id) if facility_id else None
    )
    apps = selectors.application_list(scope=request.scope, facility=facility)
    page = Paginator(apps, 50).get_page(request.GET.get("page"))
    offers = selectors.offer_list(scope=request.scope, pending_only=True)[:50]
    return render(
        request,
        "facilities/waitlist.html",
        {
            "page": page,
            "facility": facility,
            "offers": offers,
            "can_apply": request.principal.can("waitlist.apply"),
        },
    )


@require_page("facilities:application_create")
def application_create(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    facilities = (
        selectors.facility_list(
            scope=DataScope.everything(),  # any public institution of the city may be applied to
            filters=selectors.FacilityFilter(status=FacilityStatus.OPERATING),
        )
        .exclude(ownership=Ownership.PRIVATE)
        .filter(kind__in=services.waitlist.WAITLIST_KINDS)[:200]
    )
    error = ""
    if request.method == "POST":
        facility = facilities.model.objects.filter(pk=_int(request.POST.get("facility", ""))).first()
        if facility is None:
            error = _("Choose an institution.")
        else:
            try:
                app = services.application_create(
                    facility=facility,
                    elder=elder,
                    wanted_bed=request.POST.get("wanted_bed", "any"),
                    actor=request.user,
                )
                messages.success(request, _("Application registered."))
                return redirect("facilities:application_detail", app.pk)
            except DomainError as exc:
                error = exc.message
    return render(
        request,
        "facilities/application_create.html",
        {"elder": elder, "facilities": facilities, "wanted": WantedBed.choices, "error": error},
        status=422 if error else 200,
    )


@require_page("facilities:application_detail")
def application_detail(request: ScopedRequest, application_id: int) -> HttpResponse:
    app = selectors.access_application(scope=request.scope, application_id=application_id)
    return render(
        request,
        "facilities/application_detail.html",
        {
            "app": app,
            "position": selectors.waitlist_position(app),
            "history": selectors.position_history(app),
            "offers": app.offers.select_related("bed").order_by("-offered_at"),
            "can_manage": request.principal.can("waitlist.manage"),
        },
    )


@require_page("facilities:application_withdraw")
@require_POST
def application_withdraw(request: ScopedRequest, application_id: int) -> HttpResponse:
    app = selectors.access_application(scope=request.scope, application_id=application_id)
    try:
        services.application_withdraw(
            application=app, reason=request.POST.get("reason", ""), actor=request.user
        )
        messages.success(request, _("Application withdrawn."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:application_detail", app.pk)


@require_page("facilities:offer_respond")
@require_POST
def offer_respond(request: ScopedRequest, offer_id: int) -> HttpResponse:
    offer = selectors.access_offer(scope=request.scope, offer_id=offer_id)
    try:
        services.offer_respond(
            offer=offer,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
            actor=request.user,
        )
        messages.success(request, _("Answer recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:application_detail", offer.application_id)


# ---- public pages (no sign-in; no personal data) ----------------------------------------------------------


def _city_code() -> str:
    from eldercare.core.selectors import city_profile

    profile = city_profile()
    return profile.division_id if profile else ""


def public_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    rows = selectors.public_facilities(division_code=_city_code(), kind=kind)
    return render(
        request, "facilities/public_list.html", {"rows": rows, "kinds": FacilityKind.choices, "kind": kind}
    )


def public_map(request: HttpRequest) -> HttpResponse:
    city = _city_code()
    rows = selectors.public_facilities(division_code=city)
    points = [
        {"name": r.name, "value": [r.lon, r.lat], "kind": r.kind_label, "stars": r.stars, "beds": r.beds}
        for r in rows
        if r.lon is not None and r.lat is not None
    ]
    return render(request, "facilities/public_map.html", {"points": points, "city": city, "count": len(rows)})


def public_geojson(request: HttpRequest, code: str) -> FileResponse:
    """District boundaries for the public map (the same shipped files as core:division_geojson)."""
    path = DATA_DIR / "geo" / f"{code}.geojson"
    if not code.isdigit() or not path.is_file():
        raise Http404("No boundaries for this division.")
    return FileResponse(path.open("rb"), content_type="application/geo+json")
