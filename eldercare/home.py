"""The home page of each role: what its work needs first, limited to its own area."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.accounts.roles import PERSONAL_ROLES
from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel
from eldercare.core.selectors import audit_search, city_profile
from eldercare.core.views import GEO_DIR
from eldercare.registry.selectors import elder_counts, elder_counts_by_child_division


def _area_breakdown(request: ScopedRequest, root: Division) -> list[dict[str, Any]]:
    """Active elders per child division of the caller's own division (one grouped query)."""
    if root.level >= DivisionLevel.COMMUNITY:
        return []
    child_length = CODE_LENGTH[DivisionLevel(root.level + 1)]
    counts = elder_counts_by_child_division(
        scope=request.scope,
        parent_code=root.code,
        child_code_length=child_length,
    )
    children = Division.objects.filter(parent_id=root.code).order_by("code")
    return [{"division": child, "elders": counts.get(child.code, 0)} for child in children]


@require_page("home")
def home(request: ScopedRequest) -> HttpResponse:
    principal = request.principal
    context: dict[str, Any] = {"profile": city_profile(), "role_label": request.user.get_role_display()}  # type: ignore[union-attr]
    if principal.role in PERSONAL_ROLES:
        return render(request, "home_personal.html", context)
    user = request.user
    root = user.division if user.division_id else None  # type: ignore[union-attr]
    context["root"] = root
    context["organisation"] = user.organisation  # type: ignore[union-attr]
    if principal.can("elders.view"):
        context["counts"] = elder_counts(scope=principal.scope, today=timezone.localdate())
        if root is not None:
            context["areas"] = _area_breakdown(request, root)
            if root.level == DivisionLevel.CITY and (GEO_DIR / f"{root.code}.geojson").is_file():
                context["map_data"] = [
                    {"name": row["division"].code, "label": row["division"].name, "value": row["elders"]}
                    for row in context["areas"]
                ]
    if principal.can("audit.view"):
        context["recent_audit"] = list(audit_search(scope=principal.scope)[:8])
    return render(request, "home_staff.html", context)
