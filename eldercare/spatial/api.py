"""The spatial API: queue coverage and siting runs (executed as tasks) and read their stored results."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from eldercare.accounts.api_auth import api_operation
from eldercare.spatial import selectors, services, tasks
from eldercare.spatial.schemas import AreaOut, CoverageRunIn, RunOut, SitingRunIn

router = Router(tags=["spatial"])


@router.post("/spatial/coverage-runs", response={202: RunOut})
@api_operation
def spatial_coverage_run_create(request: HttpRequest, payload: CoverageRunIn) -> Any:
    """Queue a coverage run over a city or district; poll the run until its status is done."""
    principal = request.auth  # type: ignore[attr-defined]
    run = services.coverage_run_create(
        scope=principal.scope, division_code=payload.division, actor=principal.user
    )
    tasks.run_coverage.enqueue(run.pk)
    return Status(202, run)


@router.get("/spatial/coverage-runs/{run_id}", response=RunOut)
@api_operation
def spatial_coverage_run_detail(request: HttpRequest, run_id: int) -> Any:
    return selectors.access_coverage_run(scope=request.auth.scope, run_id=run_id)  # type: ignore[attr-defined]


@router.get("/spatial/coverage-runs/{run_id}/areas", response=list[AreaOut])
@api_operation
def spatial_coverage_areas(request: HttpRequest, run_id: int, parent: str = "", kind: str = "any") -> Any:
    """The areas one level below `parent` (default: the run's division) and `parent` itself, for one kind."""
    scope = request.auth.scope  # type: ignore[attr-defined]
    run = selectors.access_coverage_run(scope=scope, run_id=run_id)
    return selectors.coverage_children(scope=scope, run=run, code=parent or run.division_id, kind=kind)


@router.post("/spatial/siting-runs", response={202: RunOut})
@api_operation
def spatial_siting_run_create(request: HttpRequest, payload: SitingRunIn) -> Any:
    """Queue a siting run: K new sites by the MCLP (HiGHS) with the greedy choice beside it."""
    principal = request.auth  # type: ignore[attr-defined]
    run = services.siting_run_create(
        scope=principal.scope,
        division_code=payload.division,
        kind=payload.kind,
        k=payload.k,
        budget=payload.budget,
        candidates=[c.dict() for c in payload.candidates] if payload.candidates else None,
        require_streets=payload.require_streets,
        actor=principal.user,
    )
    tasks.run_siting.enqueue(run.pk)
    return Status(202, run)


@router.get("/spatial/siting-runs/{run_id}", response=RunOut)
@api_operation
def spatial_siting_run_detail(request: HttpRequest, run_id: int) -> Any:
    return selectors.access_siting_run(scope=request.auth.scope, run_id=run_id)  # type: ignore[attr-defined]
