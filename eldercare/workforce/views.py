"""Pages of the workforce registry: workers and their history, hiring, certificates, training, credit,
the joint-punishment list with appeals, and staffing ratios. Thin: each write is one service call."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, Organisation
from eldercare.workforce import selectors, services
from eldercare.workforce.choices import ListingStatus, SkillLevel, StaffCategory
from eldercare.workforce.forms import (
    CertificateForm,
    CourseForm,
    CreditForm,
    EndEmploymentForm,
    HireForm,
    ListingForm,
    ProviderForm,
    RewardForm,
    TrainingRecordForm,
)

View = Callable[..., HttpResponse]


def refusals_as_messages(view: View) -> View:
    """A POST whose service refuses goes back where it came from, with the refusal as a message."""

    @wraps(view)
    def wrapped(request: ScopedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(request.META.get("HTTP_REFERER") or "workforce:worker_list")

    return wrapped


def _form_errors(request: ScopedRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        messages.error(request, f"{field}: {' '.join(errors)}")


@require_page("workforce:worker_list")
def worker_list(request: ScopedRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    listed = {"yes": True, "no": False}.get(request.GET.get("listed", ""))
    workers = selectors.worker_list(
        scope=request.scope,
        search=request.GET.get("q", "").strip(),
        category=request.GET.get("category", ""),
        skill_level=int(level) if level.isdigit() else None,
        listed=listed,
    )
    page = Paginator(workers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/worker_list.html",
        {
            "page": page,
            "params": request.GET,
            "categories": StaffCategory.choices,
            "levels": SkillLevel.choices,
            "can_hire": request.principal.can("workforce.staff"),
        },
    )


@require_page("workforce:worker_detail")
def worker_detail(request: ScopedRequest, worker_id: int) -> HttpResponse:
    worker = selectors.access_worker(scope=request.scope, worker_id=worker_id)
    return render(
        request,
        "workforce/worker_detail.html",
        {
            "worker": worker,
            "history": selectors.worker_history(worker),
            "can_staff": request.principal.can("workforce.staff"),
            "can_credit": request.principal.can("workforce.credit"),
            "certificate_form": CertificateForm(),
            "training_form": TrainingRecordForm(),
            "credit_form": CreditForm(),
            "listing_form": ListingForm(),
            "reward_form": RewardForm(),
            "today": timezone.localdate(),
        },
    )


def _employer_for(request: ScopedRequest, employer_id: int | None) -> Organisation:
    """An organisation-bound account hires for its own organisation; an officer picks one in scope."""
    own = getattr(request.user, "organisation_id", None)
    if own:
        return get_object_or_404(Organisation, pk=own)
    return get_object_or_404(Organisation.objects.for_scope(request.scope), pk=employer_id or 0)


@require_page("workforce:hire")
def hire(request: ScopedRequest) -> HttpResponse:
    """入职登记: the employer types the ID number; a listed person is refused (联合惩戒)."""
    form = HireForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            employment = services.employment_start(
                employer=_employer_for(request, data["employer"]),
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                position=data["position"],
                started_on=data["started_on"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Employment recorded."))
            return redirect("workforce:worker_detail", employment.worker_id)
    return render(request, "workforce/form.html", {"form": form, "title": _("Hire a worker")})


@require_page("workforce:worker_staff_action")
@require_POST
@refusals_as_messages
def worker_staff_action(request: ScopedRequest, worker_id: int) -> HttpResponse:
    """The employer's writes about a worker: certificate, training attendance, end of employment."""
    worker = selectors.access_worker(scope=request.scope, worker_id=worker_id)
    action = request.POST.get("action", "")
    if action == "certificate":
        form: Any = CertificateForm(request.POST)
        if form.is_valid():
            services.certificate_add(worker=worker, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Certificate recorded."))
        else:
            _form_errors(request, form)
    elif action == "training":
        form = TrainingRecordForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            course = selectors.access_course(scope=_training_scope(request), course_id=data.pop("course"))
            services.training_record_add(worker=worker, course=course, actor=request.user, **data)
            messages.success(request, _("Training recorded."))
        else:
            _form_errors(request, form)
    elif action == "end":
        form = EndEmploymentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            employment = selectors.access_employment(scope=request.scope, employment_id=data["employment"])
            services.employment_end(
                employment=employment, ended_on=data["ended_on"], reason=data["reason"], actor=request.user
            )
            messages.success(request, _("Employment ended."))
        else:
            _form_errors(request, form)
    else:
        messages.error(request, _("Unknown action."))
    return redirect("workforce:worker_detail", worker.pk)


def _training_scope(request: ScopedRequest) -> Any:
    """Courses are city-wide offers: any staff role that records training may pick any course."""
    from eldercare.core.scope import DataScope

    return DataScope.everything()


@require_page("workforce:worker_credit_action")
@require_POST
@refusals_as_messages
def worker_credit_action(request: ScopedRequest, worker_id: int) -> HttpResponse:
    """The office's writes about a worker: credit entry, joint-punishment listing, reward or subsidy."""
    worker = selectors.access_worker(scope=request.scope, worker_id=worker_id)
    action = request.POST.get("action", "")
    if action == "credit":
        form: Any = CreditForm(request.POST)
        if form.is_valid():
            services.credit_record_add(worker=worker, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Credit entry recorded."))
        else:
            _form_errors(request, form)
    elif action == "listing":
        form = ListingForm(request.POST)
        if form.is_valid():
            office = getattr(request.user, "division", None) or worker.division
            services.listing_create(worker=worker, division=office, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The worker is on the joint-punishment list."))
        else:
            _form_errors(request, form)
    elif action == "reward":
        form = RewardForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            yuan = data.pop("amount_yuan")
            services.reward_grant(
                worker=worker,
                actor=request.user,
                amount_fen=int(Decimal(yuan) * 100) if yuan is not None else None,
                **data,
            )
            messages.success(request, _("Reward recorded."))
        else:
            _form_errors(request, form)
    else:
        messages.error(request, _("Unknown action."))
    return redirect("workforce:worker_detail", worker.pk)


@require_page("workforce:listing_list")
def listing_list(request: ScopedRequest) -> HttpResponse:
    listings = selectors.listing_list(scope=request.scope, status=request.GET.get("status", ""))
    page = Paginator(listings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/listing_list.html",
        {
            "page": page,
            "appeals": selectors.appeal_list(scope=request.scope, status="pending")[:50],
            "statuses": ListingStatus.choices,
        },
    )


@require_page("workforce:listing_action")
@require_POST
@refusals_as_messages
def listing_action(request: ScopedRequest, listing_id: int) -> HttpResponse:
    """Appeal (申诉) intake and decision, and removal (移出名单)."""
    listing = selectors.access_listing(scope=request.scope, listing_id=listing_id)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    if action == "appeal":
        services.appeal_submit(listing=listing, grounds=note, actor=request.user)
        messages.success(request, _("Appeal recorded."))
    elif action in ("uphold", "reject"):
        appeal = selectors.access_appeal(scope=request.scope, appeal_id=int(request.POST.get("appeal") or 0))
        services.appeal_decide(appeal=appeal, uphold=action == "uphold", note=note, actor=request.user)
        messages.success(request, _("Appeal decided."))
    elif action == "remove":
        services.listing_remove(listing=listing, reason=note, actor=request.user)
        messages.success(request, _("Listing removed."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("workforce:listing_list")


@require_page("workforce:training")
def training(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "workforce/training.html",
        {
            "providers": selectors.training_provider_list(scope=request.scope)[:200],
            "courses": selectors.course_list(scope=request.scope)[:100],
            "attendances": selectors.training_attendances(scope=request.scope, until=today),
            "vocational_providers": selectors.vocational_training_provider_count(
                scope=request.scope, on=today
            ),
            "can_manage": request.principal.can("workforce.training"),
        },
    )


@require_page("workforce:provider_create")
def provider_create(request: ScopedRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        division = get_object_or_404(Division.objects.for_scope(request.scope), code=data.pop("division"))
        try:
            services.training_provider_create(division=division, actor=request.user, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("workforce:training")
    return render(request, "workforce/form.html", {"form": form, "title": _("Add a training provider")})


@require_page("workforce:course_create")
def course_create(request: ScopedRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        provider = selectors.access_training_provider(scope=request.scope, provider_id=data.pop("provider"))
        try:
            services.course_create(provider=provider, actor=request.user, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("workforce:training")
    return render(request, "workforce/form.html", {"form": form, "title": _("Add a course")})


@require_page("workforce:ratios")
def ratios(request: ScopedRequest) -> HttpResponse:
    """Staffing per institution (shortfalls first), social workers per 1,000 elders and per 100 beds,
    skill-level shares and the training indicators."""
    code = getattr(request.user, "division_id", None) or ""
    if not code:
        from eldercare.core.selectors import city_profile

        profile = city_profile()
        code = profile.division_id if profile else ""
    return render(
        request,
        "workforce/ratios.html",
        {
            "staffing": selectors.staffing_by_institution(scope=request.scope)[:200],
            "social": selectors.social_worker_ratio(division_code=code) if code else None,
            "levels": selectors.skill_level_shares(scope=request.scope),
            "level_labels": dict(SkillLevel.choices),
        },
    )
