"""Pages of supervision: campaigns and the draw, inspections with checklists, findings and photos,
rectification, declared conflicts, complaints (staff, hotline, portal, public), credit ranking, and the
public disclosure pages (no personal data). Thin: each write is one service call."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, Organisation
from eldercare.core.scope import DataScope
from eldercare.supervision import selectors, services, throttle
from eldercare.supervision.choices import ComplaintChannel, ComplaintStatus, RectificationStatus
from eldercare.supervision.forms import (
    CampaignForm,
    ComplaintForm,
    ConflictForm,
    FollowUpForm,
    InspectionForm,
    PhotoForm,
)

View = Callable[..., HttpResponse]


def refusals_as_messages(view: View) -> View:
    @wraps(view)
    def wrapped(request: ScopedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(request.META.get("HTTP_REFERER") or "supervision:inspection_list")

    return wrapped


# --- campaigns -------------------------------------------------------------------------------------------


@require_page("supervision:campaign_list")
def campaign_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.campaign_list(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/campaign_list.html",
        {"page": page, "can_manage": request.principal.can("supervision.campaigns")},
    )


@require_page("supervision:campaign_create")
def campaign_create(request: ScopedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, checklists=_checklists())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        division = get_object_or_404(Division.objects.for_scope(request.scope), code=data.pop("division"))
        try:
            campaign = services.campaign_create(division=division, actor=request.user, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("supervision:campaign_detail", campaign.pk)
    return render(
        request, "supervision/form.html", {"form": form, "title": _("New random-inspection campaign")}
    )


def _checklists() -> list[tuple[str, str]]:
    codes = selectors.checklist_codes()
    if not codes:
        services.checklists_sync()
        codes = selectors.checklist_codes()
    return codes


@require_page("supervision:campaign_detail")
def campaign_detail(request: ScopedRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.access_campaign(scope=request.scope, campaign_id=campaign_id)
    return render(
        request,
        "supervision/campaign_detail.html",
        {
            "campaign": campaign,
            "inspections": selectors.inspection_list(scope=DataScope.everything(), campaign_id=campaign.pk)[
                :500
            ],
            "check": selectors.campaign_redraw_check(campaign) if campaign.seed else None,
            "can_manage": request.principal.can("supervision.campaigns"),
        },
    )


@require_page("supervision:campaign_action")
@require_POST
@refusals_as_messages
def campaign_action(request: ScopedRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.access_campaign(scope=request.scope, campaign_id=campaign_id)
    action = request.POST.get("action", "")
    if action == "draw":
        services.campaign_draw(campaign=campaign, actor=request.user, seed=request.POST.get("seed") or None)
        messages.success(request, _("Drawn. Publish the draw to make it public."))
    elif action == "publish":
        services.campaign_publish(campaign=campaign, actor=request.user)
        messages.success(request, _("Published."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("supervision:campaign_detail", campaign.pk)


# --- inspections -----------------------------------------------------------------------------------------


@require_page("supervision:inspection_list")
def inspection_list(request: ScopedRequest) -> HttpResponse:
    inspections = selectors.inspection_list(scope=request.scope, status=request.GET.get("status", ""))
    if request.GET.get("mine") and request.user.is_authenticated:
        inspections = inspections.filter(inspectors=request.user)
    page = Paginator(inspections, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/inspection_list.html",
        {"page": page, "params": request.GET, "can_inspect": request.principal.can("supervision.inspect")},
    )


@require_page("supervision:inspection_create")
def inspection_create(request: ScopedRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None, checklists=_checklists())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = get_object_or_404(
            Organisation.objects.for_scope(request.scope), pk=data["organisation"]
        )
        try:
            inspection = services.inspection_create(
                organisation=organisation,
                checklist_code=data["checklist_code"],
                inspectors=[request.user],
                scheduled_on=data["scheduled_on"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("supervision:inspection_detail", inspection.pk)
    return render(request, "supervision/form.html", {"form": form, "title": _("New inspection")})


@require_page("supervision:inspection_detail")
def inspection_detail(request: ScopedRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.access_inspection(scope=request.scope, inspection_id=inspection_id)
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "inspectors": selectors.inspector_codes(list(inspection.inspectors.values_list("id", flat=True))),
            "findings": inspection.findings.all(),
            "rectifications": inspection.rectifications.all(),
            "items": inspection.checklist.items,
            "can_inspect": request.principal.can("supervision.inspect"),
            "photo_form": PhotoForm(),
        },
    )


@require_page("supervision:inspection_record")
@refusals_as_messages
def inspection_record(request: ScopedRequest, inspection_id: int) -> HttpResponse:
    """The checklist form: meets / does not meet / n.a. per item, with severity and note per failure."""
    inspection = selectors.access_inspection(scope=request.scope, inspection_id=inspection_id)
    items = inspection.checklist.items
    if request.method == "POST":
        answers = {i["code"]: request.POST.get(f"item_{i['code']}", "") for i in items}
        findings = [
            {
                "item_code": i["code"],
                "severity": request.POST.get(f"severity_{i['code']}", ""),
                "description": request.POST.get(f"note_{i['code']}", ""),
            }
            for i in items
            if answers[i["code"]] == "fail"
        ]
        services.inspection_record(
            inspection=inspection,
            answers=answers,
            findings=findings,
            summary=request.POST.get("summary", ""),
            actor=request.user,
        )
        messages.success(request, _("Inspection recorded."))
        return redirect("supervision:inspection_detail", inspection.pk)
    return render(request, "supervision/inspection_record.html", {"inspection": inspection, "items": items})


@require_page("supervision:finding_photo")
@require_POST
@refusals_as_messages
def finding_photo(request: ScopedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.access_finding(scope=request.scope, finding_id=finding_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        services.finding_photo_attach(finding=finding, upload=form.cleaned_data["photo"], actor=request.user)
        messages.success(request, _("Photo attached."))
    else:
        messages.error(request, _("Choose a photo."))
    return redirect("supervision:inspection_detail", finding.inspection_id)


@require_page("supervision:finding_photo_view")
def finding_photo_view(request: ScopedRequest, finding_id: int) -> FileResponse:
    """Photos are evidence: served only to callers who may see the inspection, never from a public URL."""
    finding = selectors.access_finding(scope=request.scope, finding_id=finding_id)
    if not finding.photo:
        raise Http404("No photo.")
    return FileResponse(finding.photo.open("rb"))


@require_page("supervision:rectification_list")
def rectification_list(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.rectification_list(
        scope=request.scope, status=request.GET.get("status", ""), overdue_on=today if overdue else None
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/rectification_list.html",
        {
            "page": page,
            "today": today,
            "params": request.GET,
            "can_inspect": request.principal.can("supervision.inspect"),
        },
    )


@require_page("supervision:reinspection_plan")
@require_POST
@refusals_as_messages
def reinspection_plan(request: ScopedRequest, rectification_id: int) -> HttpResponse:
    rectification = selectors.access_rectification(scope=request.scope, rectification_id=rectification_id)
    if rectification.status != RectificationStatus.OPEN:
        messages.error(request, _("This rectification order is closed."))
        return redirect("supervision:rectification_list")
    inspection = services.reinspection_plan(
        rectification=rectification,
        inspectors=[request.user],
        scheduled_on=timezone.localdate(),
        actor=request.user,
    )
    return redirect("supervision:inspection_record", inspection.pk)


@require_page("supervision:conflicts")
def conflicts(request: ScopedRequest) -> HttpResponse:
    """An inspector's own declared conflicts of interest (利益冲突申报)."""
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = get_object_or_404(Organisation, pk=data.pop("organisation"))
        services.conflict_declare(
            inspector=request.user, organisation=organisation, actor=request.user, **data
        )
        messages.success(request, _("Declared."))
        return redirect("supervision:conflicts")
    return render(
        request,
        "supervision/conflicts.html",
        {"form": form, "conflicts": selectors.conflicts_of(inspector=request.user)},  # type: ignore[arg-type]
    )


# --- complaints ------------------------------------------------------------------------------------------


@require_page("supervision:complaint_list")
def complaint_list(request: ScopedRequest) -> HttpResponse:
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.complaint_list(
        scope=request.scope,
        status=request.GET.get("status", ""),
        overdue_at=timezone.now() if overdue else None,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/complaint_list.html",
        {"page": page, "params": request.GET, "statuses": ComplaintStatus.choices, "now": timezone.now()},
    )


@require_page("supervision:complaint_detail")
def complaint_detail(request: ScopedRequest, complaint_id: int) -> HttpResponse:
    complaint = selectors.access_complaint(scope=request.scope, complaint_id=complaint_id)
    return render(
        request,
        "supervision/complaint_detail.html",
        {"complaint": complaint, "events": complaint.events.select_related("office"), "now": timezone.now()},
    )


@require_page("supervision:complaint_action")
@require_POST
@refusals_as_messages
def complaint_action(request: ScopedRequest, complaint_id: int) -> HttpResponse:
    complaint = selectors.access_complaint(scope=request.scope, complaint_id=complaint_id)
    action = request.POST.get("action", "")
    if action == "acknowledge":
        services.complaint_acknowledge(
            complaint=complaint, actor=request.user, note=request.POST.get("note", "")
        )
    elif action == "answer":
        services.complaint_answer(
            complaint=complaint,
            answer=request.POST.get("answer", ""),
            substantiated=request.POST.get("substantiated") == "on",
            actor=request.user,
        )
    else:
        messages.error(request, _("Unknown action."))
    return redirect("supervision:complaint_detail", complaint.pk)


def _complaint_form_view(
    request: Any, *, channel: str, template: str, actor: Any, title: str
) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        division = Division.objects.filter(code=data["division"]).first()
        organisation = (
            Organisation.objects.filter(pk=data["organisation"]).first() if data["organisation"] else None
        )
        if division is None:
            form.add_error("division", _("Unknown division code."))
        else:
            try:
                complaint, code = services.complaint_submit(
                    channel=channel,
                    subject=data["subject"],
                    division=division,
                    organisation=organisation,
                    content=data["content"],
                    anonymous=data["anonymous"],
                    name=data["name"],
                    phone=data["phone"],
                    actor=actor,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return render(
                    request, "supervision/complaint_received.html", {"complaint": complaint, "code": code}
                )
    return render(request, template, {"form": form, "title": title})


@require_page("supervision:complaint_intake")
def complaint_intake(request: ScopedRequest) -> HttpResponse:
    """The hotline operator (or an office) takes a complaint down for a caller."""
    return _complaint_form_view(
        request,
        channel=ComplaintChannel.HOTLINE,
        template="supervision/form.html",
        actor=request.user,
        title=_("Take a complaint (hotline)"),
    )


@require_page("supervision:complaint_portal")
def complaint_portal(request: ScopedRequest) -> HttpResponse:
    return _complaint_form_view(
        request,
        channel=ComplaintChannel.PORTAL,
        template="supervision/form.html",
        actor=request.user,
        title=_("Make a complaint"),
    )


def complaint_public(request: Any) -> HttpResponse:
    """Public page: anyone may complain or report, anonymously if they wish (no account); submissions
    are limited per client address."""
    if request.method == "POST" and not throttle.submission_allowed(ip=request.META.get("REMOTE_ADDR", "")):
        return render(
            request,
            "supervision/public_form.html",
            {"form": ComplaintForm(request.POST), "title": _("Too many submissions. Try again later.")},
            status=429,
        )
    return _complaint_form_view(
        request,
        channel=ComplaintChannel.PUBLIC,
        template="supervision/public_form.html",
        actor=None,
        title=_("Complaints and reports (投诉举报)"),
    )


def complaint_follow(request: Any) -> HttpResponse:
    """Follow a case without an account: case number plus phone or follow-up code; failures are limited."""
    form = FollowUpForm(request.POST or None)
    complaint = None
    status = 200
    if request.method == "POST" and form.is_valid():
        ip = request.META.get("REMOTE_ADDR", "")
        case_number = form.cleaned_data["case_number"]
        if throttle.is_blocked(ip=ip, case_number=case_number):
            status = 429
            form.add_error(None, _("Too many attempts. Try again in 15 minutes."))
        else:
            complaint = services.complaint_follow_up(
                case_number=case_number, secret=form.cleaned_data["secret"]
            )
            if complaint is None:
                throttle.record_failure(ip=ip, case_number=case_number)
                form.add_error(None, _("No case matches this number and phone or code."))
    return render(
        request, "supervision/complaint_follow.html", {"form": form, "complaint": complaint}, status=status
    )


# --- credit and risk -------------------------------------------------------------------------------------


@require_page("supervision:credit_ranking")
def credit_ranking(request: ScopedRequest) -> HttpResponse:
    return render(
        request,
        "supervision/credit_ranking.html",
        {
            "rows": selectors.credit_ranking(scope=request.scope, limit=300),
            "norms": selectors.basic_norms_compliance(scope=request.scope),
        },
    )


# --- public disclosure (一公开) -------------------------------------------------------------------------


def public_index(request: Any) -> HttpResponse:
    """Inspection results, sanctions (overdue rectification orders) and credit grades; no personal data."""
    grades = cache.get_or_set(
        f"supervision:public_grades:{timezone.localdate().isoformat()}",
        lambda: sorted(
            (
                (r.organisation.name, r.credit.grade, r.credit.score)
                for r in selectors.credit_ranking(scope=DataScope.everything(), limit=3000)
            ),
        ),
        600,
    )
    return render(
        request,
        "supervision/public_index.html",
        {
            "inspections": selectors.public_inspection_results(limit=100),
            "sanctions": selectors.public_sanctions(limit=100),
            "grades": grades,
            "campaigns": selectors.public_campaign_list()[:20],
        },
    )


def public_campaign(request: Any, campaign_id: int) -> HttpResponse:
    campaign = selectors.access_public_campaign(campaign_id)
    names = selectors.organisation_names(list(campaign.eligible_targets))
    codes = selectors.inspector_codes(list(campaign.eligible_inspectors))
    result = [
        {
            "target": names.get(int(row["target"]), row["target"]),
            "inspectors": [codes.get(int(i), i) for i in row["inspectors"]],
            "short": row.get("short"),
        }
        for row in campaign.result
    ]
    return render(
        request,
        "supervision/public_campaign.html",
        {
            "campaign": campaign,
            "result": result,
            "check": selectors.campaign_redraw_check(campaign),
            "targets": [(i, names.get(i, "")) for i in campaign.eligible_targets],
            "inspectors": [codes[i] for i in campaign.eligible_inspectors],
        },
    )


def public_campaign_json(request: Any, campaign_id: int) -> JsonResponse:
    """The draw's inputs and result as data, to re-draw with `random.Random(seed)` (see the page)."""
    campaign = selectors.access_public_campaign(campaign_id)
    return JsonResponse(
        {
            "campaign": campaign.pk,
            "algorithm": campaign.algorithm,
            "seed": campaign.seed,
            "fingerprint": campaign.fingerprint,
            "target_count": campaign.target_count,
            "inspectors_per_target": campaign.inspectors_per_target,
            "eligible_targets": campaign.eligible_targets,
            "eligible_inspectors": campaign.eligible_inspectors,
            "conflicts": campaign.conflicts,
            "result": campaign.result,
            "drawn_at": campaign.drawn_at.isoformat() if campaign.drawn_at else None,
        },
        json_dumps_params={"ensure_ascii": False},
    )
