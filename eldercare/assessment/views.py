"""Pages of the ability assessment: thin, calling the same selectors and services as the API.

The form is built for a tablet: one screen per item with every option's full text as a large choice,
saved as the assessor goes (a draft survives a lost connection or a closed browser).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.assessment import rules, selectors, services
from eldercare.assessment.choices import AssessmentStatus, Purpose, RequestStatus
from eldercare.assessment.forms import (
    AppealForm,
    CertificationForm,
    HealthFactsForm,
    RequestForm,
    ReviewForm,
    ScheduleForm,
)
from eldercare.assessment.models import Assessment
from eldercare.assessment.reports import assessment_report_pdf
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division
from eldercare.emergency.selectors import care_risk_event_counts
from eldercare.registry.selectors import access_elder


def _refused(request: ScopedRequest, exc: DomainError) -> None:
    detail = ""
    if isinstance(exc.details, list) and exc.details:
        detail = " · ".join(
            str(d.get("item") or d.get("message") or d.get("problem")) if isinstance(d, dict) else str(d)
            for d in exc.details
        )
    messages.error(request, f"{exc.message} {detail}".strip())


@require_page("assessment:assessment_list")
def assessment_list(request: ScopedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    filters = selectors.AssessmentFilter(status=status, purpose=request.GET.get("purpose", ""))
    if request.GET.get("mine") and request.user.is_authenticated:
        filters = selectors.AssessmentFilter(status=status, assessor_id=request.user.pk)
    page = Paginator(selectors.assessment_list(scope=request.scope, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    open_requests = selectors.request_list(scope=request.scope, open_only=True)[:50]
    return render(
        request,
        "assessment/assessment_list.html",
        {
            "page": page,
            "open_requests": open_requests,
            "statuses": AssessmentStatus.choices,
            "params": request.GET,
            "can_conduct": request.principal.can("assessments.conduct"),
        },
    )


@require_page("assessment:elder_assessments")
def elder_assessments(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    history = selectors.elder_history(elder=elder)
    return render(
        request,
        "assessment/elder_assessments.html",
        {
            "elder": elder,
            "current": selectors.current_level(elder),
            "history": history,
            "requests": selectors.request_list(scope=request.scope).filter(elder=elder)[:20],
            "can_request": request.principal.can("assessments.request"),
            "request_form": RequestForm(),
        },
    )


@require_page("assessment:request_create")
def request_create(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(elder=elder, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Request recorded."))
            return redirect("assessment:request_detail", request_id=created.pk)
    return render(request, "assessment/request_form.html", {"elder": elder, "form": form})


@require_page("assessment:request_detail")
def request_detail(request: ScopedRequest, request_id: int) -> HttpResponse:
    req = selectors.access_request(scope=request.scope, request_id=request_id)
    today = timezone.localdate()
    schedule_form = None
    if request.principal.can("assessments.schedule") and req.is_open:
        schedule_form = ScheduleForm(
            assessors=selectors.certified_assessors(scope=request.scope, on=today),
            initial={
                "visit_at": (timezone.localtime() + timedelta(days=1)).replace(
                    minute=0, second=0, microsecond=0
                )
            },
        )
    team = [a.assessor_id for a in req.assignments.all()]
    return render(
        request,
        "assessment/request_detail.html",
        {
            "req": req,
            "assessments": req.assessments.select_related("instrument").order_by("-created_at"),
            "schedule_form": schedule_form,
            "can_start": request.principal.can("assessments.conduct")
            and req.status == RequestStatus.SCHEDULED
            and request.user.pk in team,
            "can_cancel": request.principal.can("assessments.schedule") and req.is_open,
        },
    )


@require_POST
@require_page("assessment:request_schedule")
def request_schedule(request: ScopedRequest, request_id: int) -> HttpResponse:
    req = selectors.access_request(scope=request.scope, request_id=request_id)
    form = ScheduleForm(
        request.POST, assessors=selectors.certified_assessors(scope=request.scope, on=timezone.localdate())
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_schedule(
                request=req,
                visit_at=data["visit_at"],
                assessors=[
                    services.AssessorDeclaration(data["assessor_1"], data["relation_1"]),
                    services.AssessorDeclaration(data["assessor_2"], data["relation_2"]),
                ],
                actor=request.user,
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Visit scheduled."))
    else:
        messages.error(request, _("Choose the visit time and two certified assessors."))
    return redirect("assessment:request_detail", request_id=req.pk)


@require_POST
@require_page("assessment:request_cancel")
def request_cancel(request: ScopedRequest, request_id: int) -> HttpResponse:
    req = selectors.access_request(scope=request.scope, request_id=request_id)
    try:
        services.request_cancel(request=req, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("assessment:request_detail", request_id=req.pk)


@require_POST
@require_page("assessment:assessment_start")
def assessment_start(request: ScopedRequest, request_id: int) -> HttpResponse:
    req = selectors.access_request(scope=request.scope, request_id=request_id)
    try:
        draft = services.assessment_start(
            request=req, actor=request.user, instrument_code=request.POST.get("instrument")
        )
    except DomainError as exc:
        _refused(request, exc)
        return redirect("assessment:request_detail", request_id=req.pk)
    return redirect("assessment:assessment_fill", assessment_id=draft.pk, step=0)


def _steps(inst: rules.Instrument) -> int:
    return len(inst.items) + 1  # screen 0: health facts; screens 1..n: items; then the summary


@require_page("assessment:assessment_fill")
def assessment_fill(request: ScopedRequest, assessment_id: int, step: int) -> HttpResponse:
    assessment = selectors.access_assessment(scope=request.scope, assessment_id=assessment_id)
    if not assessment.is_editable or request.user.pk not in assessment.team():
        messages.error(
            request, _("Only the two assigned assessors can fill a draft; a submitted one cannot change.")
        )
        return redirect("assessment:assessment_detail", assessment_id=assessment.pk)
    inst = selectors.instrument_definition(assessment.instrument)
    last = _steps(inst)
    step = max(0, min(step, last))
    if step == 0:
        return _facts_screen(request, assessment, inst)
    if step == last:
        return _summary_screen(request, assessment, inst)
    item = inst.items[step - 1]
    if request.method == "POST":
        raw = request.POST.get("score", "")
        try:
            services.assessment_save(
                assessment=assessment,
                actor=request.user,
                answers={item.code: int(raw) if raw.isdigit() else raw},
            )
        except DomainError as exc:
            _refused(request, exc)
            return redirect("assessment:assessment_fill", assessment_id=assessment.pk, step=step)
        target = step - 1 if request.POST.get("go") == "back" else step + 1
        return redirect("assessment:assessment_fill", assessment_id=assessment.pk, step=target)
    dimension = next(d for d in inst.dimensions if d.code == item.dimension)
    return render(
        request,
        "assessment/fill_item.html",
        {
            "assessment": assessment,
            "item": item,
            "dimension": dimension,
            "step": step,
            "last": last,
            "answered": len([c for c in assessment.answers if inst.item(c)]),
            "total_items": len(inst.items),
            "current": assessment.answers.get(item.code),
            "progress": round(100 * step / last),
        },
    )


# The emergency centre's care-risk kinds under the instrument's A.2.14 event codes.
_EVENT_CODES = {
    "fall": "fall",
    "choking": "choking",
    "self_harm": "suicide_self_harm",
    "wandering": "wandering",
}


def _risk_events_on_record(assessment: Assessment) -> dict[str, int]:
    """Care-risk events the platform recorded in the 30 days before the visit, to prefill the form; the
    assessor confirms or corrects them with the family."""
    on = assessment.assessed_on or timezone.localdate()
    counts = care_risk_event_counts(elder_id=assessment.elder_id, on=on)
    return {_EVENT_CODES[k]: n for k, n in counts.items() if k in _EVENT_CODES}


def _facts_screen(request: ScopedRequest, assessment: Assessment, inst: rules.Instrument) -> HttpResponse:
    types = inst.adjustments.risk_event_types
    recorded = assessment.risk_events or _risk_events_on_record(assessment)
    initial = {
        "assessed_on": assessment.assessed_on or timezone.localdate(),
        "coma": assessment.coma,
        "diagnoses": ", ".join(assessment.diagnoses),
        "psychiatrist_diagnosed": assessment.psychiatrist_diagnosed,
        **{f"event_{k}": v for k, v in recorded.items()},
    }
    form = HealthFactsForm(request.POST or None, event_types=types, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save(
                assessment=assessment,
                actor=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                coma=form.cleaned_data["coma"],
                diagnoses=form.diagnosis_codes(),
                psychiatrist_diagnosed=form.cleaned_data["psychiatrist_diagnosed"],
                risk_events=form.risk_events(),
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            return redirect("assessment:assessment_fill", assessment_id=assessment.pk, step=1)
    return render(
        request,
        "assessment/fill_facts.html",
        {"assessment": assessment, "form": form, "last": _steps(inst), "progress": 0},
    )


def _summary_screen(request: ScopedRequest, assessment: Assessment, inst: rules.Instrument) -> HttpResponse:
    problems = rules.check_answers(inst, assessment.answers)
    preview = None
    if not problems:
        policies = selectors.assessment_policies(assessment.assessed_on)
        preview = rules.score(inst, assessment.answers, services.facts_of(assessment), policies.adjustments)
    rows = [
        {
            "item": i,
            "step": n,
            "score": assessment.answers.get(i.code),
            "text": i.option_text(assessment.answers.get(i.code, -1)),
        }
        for n, i in enumerate(inst.items, start=1)
    ]
    return render(
        request,
        "assessment/fill_summary.html",
        {
            "assessment": assessment,
            "rows": rows,
            "problems": problems,
            "preview": preview,
            "last": _steps(inst),
            "progress": 100,
        },
    )


@require_POST
@require_page("assessment:assessment_submit")
def assessment_submit(request: ScopedRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(scope=request.scope, assessment_id=assessment_id)
    try:
        services.assessment_submit(assessment=assessment, actor=request.user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Submitted for review. The assessment can no longer be edited."))
    return redirect("assessment:assessment_detail", assessment_id=assessment.pk)


@require_page("assessment:assessment_detail")
def assessment_detail(request: ScopedRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(scope=request.scope, assessment_id=assessment_id)
    inst = selectors.instrument_definition(assessment.instrument)
    rows = [
        {
            "item": i,
            "score": assessment.answers.get(i.code),
            "text": i.option_text(assessment.answers.get(i.code, -1)),
        }
        for i in inst.items
    ]
    return render(
        request,
        "assessment/assessment_detail.html",
        {
            "a": assessment,
            "inst": inst,
            "rows": rows,
            "event_names": {t.code: t.name for t in inst.adjustments.risk_event_types},
            "supersedes": list(assessment.supersedes.all()),
            "can_review": request.principal.can("assessments.review")
            and assessment.status == AssessmentStatus.SUBMITTED
            and request.user.pk not in assessment.team(),
            "review_form": ReviewForm(),
            "can_appeal": request.principal.can("assessments.request")
            and assessment.status == AssessmentStatus.PUBLISHED
            and assessment.purpose != Purpose.QUALITY_CHECK,
            "appeal_form": AppealForm(),
            "can_fill": assessment.is_editable and request.user.pk in assessment.team(),
        },
    )


@require_POST
@require_page("assessment:assessment_review")
def assessment_review(request: ScopedRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(scope=request.scope, assessment_id=assessment_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_review(
                assessment=assessment,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Review recorded."))
    return redirect("assessment:assessment_detail", assessment_id=assessment.pk)


@require_page("assessment:assessment_report")
def assessment_report(request: ScopedRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(scope=request.scope, assessment_id=assessment_id)
    pdf = assessment_report_pdf(assessment=assessment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-{assessment.pk}.pdf"'
    return response


@require_POST
@require_page("assessment:appeal_create")
def appeal_create(request: ScopedRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(scope=request.scope, assessment_id=assessment_id)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say who appeals and what is disputed."))
        return redirect("assessment:assessment_detail", assessment_id=assessment.pk)
    try:
        appeal = services.appeal_create(assessment=assessment, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("assessment:assessment_detail", assessment_id=assessment.pk)
    messages.success(request, _("Appeal recorded; a different team will reassess."))
    return redirect("assessment:request_detail", request_id=appeal.pk)


@require_page("assessment:reminder_list")
def reminder_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.reminder_list(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(request, "assessment/reminder_list.html", {"page": page, "today": timezone.localdate()})


@require_page("assessment:quality")
def quality(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    since = today - timedelta(days=365)
    return render(
        request,
        "assessment/quality.html",
        {
            "agreement": selectors.agreement_statistics(scope=request.scope, since=since),
            "workload": selectors.assessor_workload(scope=request.scope, since=since, on=today),
            "policy": selectors.assessment_policies(today).quality,
            "since": since,
            "can_draw": request.principal.can("assessments.schedule"),
        },
    )


@require_POST
@require_page("assessment:quality_draw")
def quality_draw(request: ScopedRequest) -> HttpResponse:
    drawn = services.quality_sample_draw(scope=request.scope, on=timezone.localdate(), actor=request.user)
    messages.success(
        request, _("%(n)d assessments drawn for a recheck by a second team.") % {"n": len(drawn)}
    )
    return redirect("assessment:quality")


@require_page("assessment:certification_list")
def certification_list(request: ScopedRequest) -> HttpResponse:
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_grant(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Certification recorded."))
            return redirect("assessment:certification_list")
    page = Paginator(selectors.certification_list(scope=request.scope), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/certification_list.html",
        {"page": page, "form": form, "today": timezone.localdate()},
    )


@require_page("assessment:statistics")
def statistics(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    division = request.GET.get("division", "").strip()
    length = {2: 4, 4: 6, 6: 9, 9: 12}.get(len(division), 6)
    stats = selectors.assessment_statistics(
        scope=request.scope, on=today, division_code=division, child_code_length=length
    )
    names = dict(
        Division.objects.filter(code__in=[d.code for d in stats.by_division]).values_list("code", "name")
    )
    rows = [
        {
            "code": d.code,
            "name": names.get(d.code, ""),
            "elders": d.elders,
            "assessed": d.assessed,
            "levels": [d.by_level.get(level, 0) for level in range(5)],
            "expired": d.expired,
        }
        for d in stats.by_division
    ]
    totals = [stats.by_level.get(level, 0) for level in range(5)]
    return render(
        request,
        "assessment/statistics.html",
        {"stats": stats, "rows": rows, "totals": totals, "levels": range(5), "division": division},
    )
