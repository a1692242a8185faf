"""Pages of the elder registry: the scoped list, a record, and the audited reveal of personal data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.registry.choices import EconomicStatus, ElderStatus, LivingSituation
from eldercare.registry.selectors import ElderFilter, access_elder
from eldercare.registry.selectors import elder_list as select_elders
from eldercare.registry.services import elder_reveal_personal


def _filters(request: ScopedRequest) -> ElderFilter:
    min_age = request.GET.get("min_age", "")
    return ElderFilter(
        search=request.GET.get("q", "").strip(),
        division_code=request.GET.get("division", "").strip(),
        status=request.GET.get("status", ""),
        living_situation=request.GET.get("living", ""),
        economic_status=request.GET.get("economic", ""),
        min_age=int(min_age) if min_age.isdigit() else None,
    )


@require_page("registry:elder_list")
def elder_list(request: ScopedRequest) -> HttpResponse:
    elders = select_elders(scope=request.scope, filters=_filters(request))
    page = Paginator(elders, 50).get_page(request.GET.get("page"))
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
            "params": request.GET,
        },
    )


@require_page("registry:elder_detail")
def elder_detail(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    return render(
        request,
        "registry/elder_detail.html",
        {
            "elder": elder,
            "today": timezone.localdate(),
            "can_reveal": request.principal.can("elders.reveal_personal"),
        },
    )


@require_POST
@require_page("registry:elder_reveal")
def elder_reveal(request: ScopedRequest, elder_id: int) -> HttpResponse:
    elder = access_elder(scope=request.scope, elder_id=elder_id)
    personal = elder_reveal_personal(elder=elder, actor=request.user, purpose=request.POST.get("purpose", ""))
    return render(request, "registry/elder_detail.html#personal", {"elder": elder, "personal": personal})
