"""Pages of the shared kernel: divisions, audit log, policies, health check, elder-friendly mode."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.forms import AuditFilterForm, PolicyEditForm
from eldercare.core.models import CityProfile
from eldercare.core.policy import policy_key, registered_policies
from eldercare.core.selectors import (
    access_division,
    audit_search,
    current_profile_code,
    division_breadcrumbs,
    division_children,
    policy_overview,
    policy_value,
    policy_versions,
)
from eldercare.core.services import DATA_DIR, policy_set

GEO_DIR = DATA_DIR / "geo"

ELDER_MODE_COOKIE = "elder_mode"


@require_GET
def healthz(request: ScopedRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


@require_POST
def elder_mode(request: ScopedRequest) -> HttpResponse:
    """Switch the elder-friendly mode (larger type, larger targets, high contrast) on or off."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    on = request.POST.get("on") == "1"
    response.set_cookie(ELDER_MODE_COOKIE, "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response


@require_page("core:division_list")
def division_list(request: ScopedRequest) -> HttpResponse:
    roots = request.scope.division_codes
    code = roots[0] if roots else current_profile_code_division()
    return redirect("core:division_detail", code=code)


def current_profile_code_division() -> str:
    profile = CityProfile.objects.filter(code=current_profile_code()).only("division_id").first()
    return profile.division_id if profile else "44"


@require_page("core:division_detail")
def division_detail(request: ScopedRequest, code: str) -> HttpResponse:
    division = access_division(scope=request.scope, code=code)
    children = division_children(scope=request.scope, code=code)
    page = Paginator(children, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "core/division_detail.html",
        {
            "division": division,
            "breadcrumbs": division_breadcrumbs(division),
            "page": page,
        },
    )


@require_page("core:division_geojson")
def division_geojson(request: ScopedRequest, code: str) -> FileResponse:
    """District boundaries of a shipped city as GeoJSON, for the maps (no tile server needed)."""
    path = GEO_DIR / f"{code}.geojson"
    if not code.isdigit() or not path.is_file():
        raise Http404("No boundaries for this division.")
    return FileResponse(path.open("rb"), content_type="application/geo+json")


@require_page("core:audit_list")
def audit_list(request: ScopedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_search(scope=request.scope, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    template = "core/audit_list.html#results" if request.htmx else "core/audit_list.html"
    return render(request, template, {"form": form, "page": page})


@require_page("core:policy_list")
def policy_list(request: ScopedRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for entry in registered_policies():
        current = policy_value(entry.key, on=today, default=None)
        rows.append({"key": entry, "current": current if current.version_id else None})
    return render(
        request,
        "core/policy_list.html",
        {
            "rows": rows,
            "profile": CityProfile.objects.filter(code=current_profile_code()).first(),
        },
    )


@require_page("core:policy_detail")
def policy_detail(request: ScopedRequest, key: str) -> HttpResponse:
    entry = policy_key(key)
    versions = policy_overview().filter(key=key)
    return render(
        request,
        "core/policy_detail.html",
        {
            "entry": entry,
            "versions": versions,
            "can_edit": request.principal.can("policy.edit"),
        },
    )


@require_page("core:policy_edit")
def policy_edit(request: ScopedRequest, key: str) -> HttpResponse:
    entry = policy_key(key)
    profile = CityProfile.objects.filter(code=current_profile_code()).first()
    if profile is None:
        messages.error(request, _("No city profile is loaded."))
        return redirect("core:policy_list")
    latest = next(iter(policy_versions(key=key)), None)
    if request.method == "POST":
        form = PolicyEditForm(request.POST)
        if form.is_valid():
            try:
                policy_set(
                    profile=profile,
                    key=key,
                    value=form.cleaned_data["value"],
                    valid_from=form.cleaned_data["valid_from"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    source=form.cleaned_data["source"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                for detail in exc.details or []:
                    if isinstance(detail, dict):
                        form.add_error(
                            "value", f"{'.'.join(map(str, detail.get('loc', [])))}: {detail.get('msg')}"
                        )
            else:
                messages.success(request, _("A new version was saved."))
                return redirect("core:policy_detail", key=key)
    else:
        form = PolicyEditForm(
            initial={
                "value": json.dumps(latest.value if latest else [], ensure_ascii=False, indent=2),
                "valid_from": timezone.localdate(),
            }
        )
    return render(request, "core/policy_edit.html", {"entry": entry, "form": form, "latest": latest})
