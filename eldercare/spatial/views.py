"""Pages of spatial planning: the 15-minute circle, siting, the forecast and the 配套建设 register.

Thin: pages call the same selectors and services as the API. Every table is built once (`*_table`) and
served both on the page and as XLSX (`spatial:export`). Maps show aggregates only: areas, and grid cells
of at least `cluster_min_elders` uncovered elders; never one elder.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.decorators import require_page
from eldercare.accounts.principal import ScopedRequest
from eldercare.core.exceptions import DomainError
from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel
from eldercare.core.views import GEO_DIR
from eldercare.facilities.choices import FacilityKind
from eldercare.planning.selectors import home_division_code, street_centroids
from eldercare.spatial import analysis, selectors, services, tasks
from eldercare.spatial.choices import ANY_KIND, AreaType, DevelopmentState
from eldercare.spatial.exports import xlsx_bytes
from eldercare.spatial.models import CoverageRun

Table = tuple[str, list[str], list[list[Any]]]


def _division(request: ScopedRequest) -> Division:
    code = request.GET.get("division", "") or home_division_code(
        scope=request.scope, user_division=getattr(request.user, "division_id", None)
    )
    return selectors.access_division(scope=request.scope, code=code)


def _pct(part: float, whole: float) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def _kind_label(kind: str) -> str:
    return _("any kind") if kind == ANY_KIND else str(FacilityKind(kind).label)


# ---- tables -------------------------------------------------------------------------------------


def coverage_table(request: ScopedRequest, division: Division, run: CoverageRun | None, kind: str) -> Table:
    headers = [
        _("Division"),
        _("Code"),
        _("Elders"),
        _("Covered"),
        _("Covered %"),
        _("Disabled"),
        _("Disabled covered %"),
        _("80 and over"),
        _("80+ covered %"),
        _("Mean minutes to the nearest"),
    ]
    rows: list[list[Any]] = []
    if run is not None:
        for a in selectors.coverage_children(scope=request.scope, run=run, code=division.code, kind=kind):
            rows.append(
                [
                    a.division.name,
                    a.division_id,
                    a.elders,
                    a.covered,
                    _pct(a.covered, a.elders),
                    a.disabled,
                    _pct(a.disabled_covered, a.disabled),
                    a.aged80,
                    _pct(a.aged80_covered, a.aged80),
                    None if a.mean_minutes is None else round(a.mean_minutes, 1),
                ]
            )
    return f"{_('15-minute circle')} {division.name} · {_kind_label(kind)}", headers, rows


def siting_table(run: Any) -> Table:
    headers = [
        _("Method"),
        _("Order"),
        _("Site"),
        _("Division"),
        _("Longitude"),
        _("Latitude"),
        _("Need newly covered"),
    ]
    rows: list[list[Any]] = []
    for method in ("milp", "greedy"):
        for n, s in enumerate(run.result.get(method, {}).get("sites", []), start=1):
            rows.append([method.upper(), n, s["name"], s["division"], s["lon"], s["lat"], s["gain"]])
    return f"{_('Siting')} #{run.pk}", headers, rows


def forecast_table(data: dict[str, Any]) -> Table:
    headers = [
        _("Scenario"),
        _("District"),
        *data["bands"],
        _("Total"),
        _("Disabled"),
        _("Beds needed"),
        _("Nursing beds needed"),
        _("Beds in use"),
        _("Beds planned"),
        _("Gap"),
    ]
    names = {d["code"]: d["name"] for d in data["districts"]}
    rows = [
        [
            s["name"],
            names.get(r["district"], r["district"]),
            *r["by_band"],
            r["total"],
            r["disabled"],
            r["beds_needed"],
            r["nursing_beds_needed"],
            r["beds_in_use"],
            r["beds_planned"],
            r["gap"],
        ]
        for s in data["scenarios"]
        for r in s["rows"]
    ]
    return f"{_('Forecast')} {data['horizon']}", headers, rows


def development_table(devs: list[Any], title: str) -> Table:
    headers = [
        _("Development"),
        _("Division"),
        _("Area type"),
        _("Households"),
        _("Required m²"),
        _("Provided m²"),
        _("Shortfall m²"),
        _("Facility state"),
        _("Delivered on"),
    ]
    rows = [
        [
            d.name,
            d.division.name,
            d.get_area_type_display(),
            d.households,
            round(d.required_m2, 1),
            round(d.provided_m2, 1),
            round(d.shortfall_m2, 1),
            d.get_state_display(),
            d.delivered_on.isoformat() if d.delivered_on else None,
        ]
        for d in devs
    ]
    return title, headers, rows


# ---- pages --------------------------------------------------------------------------------------


def _map(
    division: Division, rows: list[list[Any]], run: CoverageRun | None, request: ScopedRequest
) -> dict[str, Any]:
    city = division.code[: CODE_LENGTH[DivisionLevel.CITY]]
    if division.level > DivisionLevel.COUNTY or not (GEO_DIR / f"{city}.geojson").is_file():
        return {}
    data: list[dict[str, Any]] = []
    centroids = street_centroids(division.code) if division.level == DivisionLevel.COUNTY else {}
    for r in rows[1:] if rows and rows[0][1] == division.code else rows:
        item: dict[str, Any] = {"name": r[1], "label": r[0], "value": r[4]}
        if centroids:
            if r[1] not in centroids:
                continue
            item["coord"] = list(centroids[r[1]])
        data.append(item)
    clusters = []
    if run is not None and request.scope.covers_division(run.division_id):
        clusters = run.result.get("clusters", [])
    return {
        "map_mode": "city" if division.level == DivisionLevel.CITY else "district",
        "map_geojson": reverse("core:division_geojson", args=[city]),
        "map_payload": {"areas": data, "clusters": clusters, "sites": []},
    }


@require_page("spatial:overview")
def overview(request: ScopedRequest) -> HttpResponse:
    division = _division(request)
    run = selectors.latest_coverage(scope=request.scope, code=division.code)
    walk, _v = selectors.walk_policy()
    kind = request.GET.get("kind", ANY_KIND)
    if kind != ANY_KIND and kind not in walk.kinds:
        kind = ANY_KIND
    _title, headers, rows = coverage_table(request, division, run, kind)
    return render(
        request,
        "spatial/overview.html",
        {
            "division": division,
            "run": run,
            "walk": walk,
            "reach_m": round(analysis.source_for(walk).km_for_minutes(walk.threshold_minutes) * 1000),
            "kind": kind,
            "kinds": [(ANY_KIND, _kind_label(ANY_KIND))] + [(k, _kind_label(k)) for k in walk.kinds],
            "headers": headers,
            "rows": rows,
            "can_run": request.principal.can("spatial.run") and division.level <= DivisionLevel.COUNTY,
            "pending": selectors.coverage_runs(scope=request.scope)
            .filter(status__in=["queued", "running"])
            .exists(),
            **_map(division, rows, run, request),
        },
    )


@require_POST
@require_page("spatial:coverage_queue")
def coverage_queue(request: ScopedRequest) -> HttpResponse:
    code = request.POST.get("division", "")
    try:
        run = services.coverage_run_create(scope=request.scope, division_code=code, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("spatial:overview")
    except Http404:
        messages.error(request, _("Choose a division inside your area."))
        return redirect("spatial:overview")
    tasks.run_coverage.enqueue(run.pk)
    messages.info(request, _("The coverage run is queued (%(id)s).") % {"id": run.pk})
    return redirect(f"{reverse('spatial:overview')}?division={code}")


@require_page("spatial:siting")
def siting(request: ScopedRequest) -> HttpResponse:
    division = _division(request)
    walk, _v = selectors.walk_policy()
    runs = list(
        selectors.siting_runs(scope=request.scope).filter(division__code__startswith=division.code)[:30]
    )
    return render(
        request,
        "spatial/siting.html",
        {
            "division": division,
            "runs": runs,
            "kinds": [(k, _kind_label(k)) for k in walk.kinds],
            "can_run": request.principal.can("spatial.run"),
        },
    )


@require_POST
@require_page("spatial:siting_queue")
def siting_queue(request: ScopedRequest) -> HttpResponse:
    post = request.POST
    try:
        k = int(post.get("k", "5"))
        budget = float(post["budget"]) if post.get("budget") else None
        run = services.siting_run_create(
            scope=request.scope,
            division_code=post.get("division", ""),
            kind=post.get("kind", FacilityKind.DAY_CARE),
            k=k,
            budget=budget,
            require_streets=post.get("require_streets") == "on",
            actor=request.user,
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("spatial:siting")
    except Http404:
        messages.error(request, _("Choose a division inside your area."))
        return redirect("spatial:siting")
    tasks.run_siting.enqueue(run.pk)
    messages.info(request, _("The siting run is queued (%(id)s).") % {"id": run.pk})
    return redirect("spatial:siting_detail", run_id=run.pk)


@require_page("spatial:siting_detail")
def siting_detail(request: ScopedRequest, run_id: int) -> HttpResponse:
    run = selectors.access_siting_run(scope=request.scope, run_id=run_id)
    _title, headers, rows = siting_table(run)
    city = run.division_id[: CODE_LENGTH[DivisionLevel.CITY]]
    sites = run.result.get("milp", {}).get("sites", []) if run.result else []
    payload = {
        "areas": [],
        "clusters": [],
        "sites": [{"name": s["name"], "coord": [s["lon"], s["lat"]], "gain": s["gain"]} for s in sites],
    }
    return render(
        request,
        "spatial/siting_detail.html",
        {
            "run": run,
            "headers": headers,
            "rows": rows,
            "milp": run.result.get("milp", {}),
            "greedy": run.result.get("greedy", {}),
            "gap_pct": None
            if run.result.get("milp", {}).get("gap") is None
            else round(100 * run.result["milp"]["gap"], 3),
            "map_geojson": reverse("core:division_geojson", args=[city])
            if (GEO_DIR / f"{city}.geojson").is_file()
            else "",
            "map_focus": run.division_id[: CODE_LENGTH[DivisionLevel.COUNTY]]
            if len(run.division_id) >= 6
            else city,
            "map_payload": payload,
        },
    )


@require_page("spatial:forecast")
def forecast(request: ScopedRequest) -> HttpResponse:
    division = _division(request)
    data = analysis.forecast(division.code, on=timezone.localdate())
    _title, headers, rows = forecast_table(data)
    return render(
        request,
        "spatial/forecast.html",
        {
            "division": division,
            "data": data,
            "headers": headers,
            "rows": rows,
            "current_rows": [
                [d["name"], *(round(v) for v in data["current"][d["code"]])] for d in data["districts"]
            ],
        },
    )


@require_page("spatial:developments")
def developments(request: ScopedRequest) -> HttpResponse:
    division = _division(request)
    devs = list(selectors.developments(scope=request.scope, code=division.code))
    short = selectors.shortfalls(scope=request.scope, code=division.code)
    policy, _v = selectors.housing_policy()
    return render(
        request,
        "spatial/developments.html",
        {
            "division": division,
            "table": development_table(devs, _("配套建设 register")),
            "short": development_table(short, _("Shortfalls")),
            "policy": policy,
            "area_types": AreaType.choices,
            "states": DevelopmentState.choices,
            "can_register": request.principal.can("spatial.register"),
        },
    )


@require_POST
@require_page("spatial:development_create")
def development_create(request: ScopedRequest) -> HttpResponse:
    post = request.POST
    try:
        delivered = date.fromisoformat(post["delivered_on"]) if post.get("delivered_on") else None
        services.development_create(
            scope=request.scope,
            actor=request.user,
            name=post.get("name", "").strip() or _("(unnamed)"),
            division_code=post.get("division_code", ""),
            households=int(post.get("households") or 0),
            area_type=post.get("area_type", AreaType.NEW),
            provided_m2=float(post.get("provided_m2") or 0),
            state=post.get("state", DevelopmentState.PLANNED),
            delivered_on=delivered,
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, _("The development is registered."))
    return redirect("spatial:developments")


@require_page("spatial:export")
def export(request: ScopedRequest, table: str) -> HttpResponse:
    division = _division(request)
    if table == "coverage":
        run = selectors.latest_coverage(scope=request.scope, code=division.code)
        title, headers, rows = coverage_table(request, division, run, request.GET.get("kind", ANY_KIND))
    elif table == "siting":
        run_id = request.GET.get("run", "")
        if not run_id.isdigit():
            raise Http404
        title, headers, rows = siting_table(
            selectors.access_siting_run(scope=request.scope, run_id=int(run_id))
        )
    elif table == "forecast":
        title, headers, rows = forecast_table(analysis.forecast(division.code, on=timezone.localdate()))
    elif table == "developments":
        devs = list(selectors.developments(scope=request.scope, code=division.code))
        title, headers, rows = development_table(devs, _("配套建设 register"))
    elif table == "shortfalls":
        title, headers, rows = development_table(
            selectors.shortfalls(scope=request.scope, code=division.code), _("Shortfalls")
        )
    else:
        raise Http404
    response = HttpResponse(
        xlsx_bytes(title, headers, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="spatial-{table}-{division.code}.xlsx"'
    return response
