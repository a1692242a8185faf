"""Writes of spatial planning: queue and execute coverage and siting runs; the 配套建设 register.

Keyword-only, one transaction each, an audit entry inside. Runs are queued by a page or the API and
executed by a task (`tasks.run_coverage`, `tasks.run_siting`); execution stores the result on the run.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel
from eldercare.core.scope import DataScope
from eldercare.spatial import analysis, rules, selectors
from eldercare.spatial.choices import AreaType, DevelopmentState, RunStatus
from eldercare.spatial.models import CoverageArea, CoverageRun, Development, SitingRun

LEVEL_BY_LEN = {
    6: DivisionLevel.COUNTY,
    9: DivisionLevel.STREET,
    12: DivisionLevel.COMMUNITY,
    4: DivisionLevel.CITY,
}


def _actor_name(actor: Any) -> str:
    return getattr(actor, "username", None) or str(actor or "system")


@transaction.atomic
def coverage_run_create(
    *, scope: DataScope, division_code: str, actor: Any, on: date | None = None
) -> CoverageRun:
    division = selectors.access_division(scope=scope, code=division_code)
    if division.level > DivisionLevel.COUNTY:
        raise DomainError("coverage_division_level", "Coverage runs cover a city or a district.", status=400)
    on = on or timezone.localdate()
    run = CoverageRun.objects.create(
        division=division, requested_by=_actor_name(actor), parameters={"on": on.isoformat()}
    )
    audit_record(actor=actor, action="spatial.coverage_queued", target=run, division_code=division.code)
    return run


def coverage_run_execute(*, run_id: int, actor: Any = "task") -> CoverageRun:
    """Compute and store a queued coverage run (idempotent: a finished run is returned as is)."""
    run = CoverageRun.objects.select_related("division").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    CoverageRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    on = date.fromisoformat(run.parameters.get("on") or timezone.localdate().isoformat())
    try:
        walk, walk_version = selectors.walk_policy(on)
        elders = selectors.elder_points(run.division_id, on)
        facilities = {
            k: v[0] for k, v in selectors.facility_points(run.division_id, list(walk.kinds), on).items()
        }
        out = analysis.coverage_of_points(elders, facilities, walk=walk)
    except DomainError as exc:
        CoverageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=f"{exc.code}: {exc.message}"[:500], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    with transaction.atomic():
        CoverageArea.objects.filter(run=run).delete()
        rows = []
        for kind, totals in out.areas.items():
            minutes = out.minutes_sum.get(kind, {})
            for code, t in totals.items():
                if not code.startswith(run.division_id):
                    continue
                ms, mc = minutes.get(code, (0.0, 0))
                rows.append(
                    CoverageArea(
                        run=run,
                        division_id=code,
                        level=LEVEL_BY_LEN[len(code)],
                        kind=kind,
                        elders=round(t.elders),
                        covered=round(t.covered),
                        disabled=round(t.disabled),
                        disabled_covered=round(t.disabled_covered),
                        aged80=round(t.aged80),
                        aged80_covered=round(t.aged80_covered),
                        mean_minutes=(ms / mc) if mc else None,
                    )
                )
        known = set(
            Division.objects.filter(code__in={r.division_id for r in rows}).values_list("code", flat=True)
        )
        CoverageArea.objects.bulk_create([r for r in rows if r.division_id in known], batch_size=2000)
        any_total = out.areas["any"].get(run.division_id, rules.AreaTotals())
        run.status = RunStatus.DONE
        run.seconds = out.seconds
        run.finished_at = timezone.now()
        run.result = {
            "elders": out.elders,
            "covered": round(any_total.covered),
            "facilities": out.facilities,
            "clusters": [list(c) for c in out.clusters],
            "source": analysis.source_for(walk).description,
            "walk": walk.model_dump(mode="json"),
            "policy_version": walk_version,
        }
        run.save(update_fields=["status", "seconds", "finished_at", "result", "updated_at"])
        audit_record(
            actor=actor,
            action="spatial.coverage_done",
            target=run,
            changes={"elders": out.elders, "covered": round(any_total.covered)},
            division_code=run.division_id,
        )
    return run


@transaction.atomic
def siting_run_create(
    *,
    scope: DataScope,
    division_code: str,
    kind: str,
    k: int,
    actor: Any,
    budget: float | None = None,
    candidates: list[dict[str, Any]] | None = None,
    require_streets: bool = True,
    on: date | None = None,
) -> SitingRun:
    division = selectors.access_division(scope=scope, code=division_code)
    walk, _version = selectors.walk_policy(on)
    if kind not in walk.kinds:
        raise DomainError(
            "siting_kind", f"{kind!r} is not a facility kind of the walking circle.", status=400
        )
    if not 1 <= k <= 500:
        raise DomainError("siting_k", "K must be between 1 and 500.", status=400)
    for c in candidates or []:
        if not str(c.get("division", "")).startswith(division.code):
            raise DomainError(
                "siting_candidate_outside", "A candidate lies outside the division.", status=400
            )
    run = SitingRun.objects.create(
        division=division,
        requested_by=_actor_name(actor),
        parameters={
            "on": (on or timezone.localdate()).isoformat(),
            "kind": kind,
            "k": k,
            "budget": budget,
            "candidates": candidates,
            "require_streets": require_streets,
        },
    )
    audit_record(actor=actor, action="spatial.siting_queued", target=run, division_code=division.code)
    return run


def siting_run_execute(*, run_id: int, actor: Any = "task", time_limit: float = 60.0) -> SitingRun:
    run = SitingRun.objects.get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    SitingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    p = run.parameters
    cands = None
    if p.get("candidates"):
        cands = [
            analysis.Candidate(
                name=str(c.get("name", "")),
                lon=float(c["lon"]),
                lat=float(c["lat"]),
                division=str(c["division"]),
                cost=float(c.get("cost", 1.0)),
            )
            for c in p["candidates"]
        ]
    try:
        result = analysis.siting(
            run.division_id,
            kind=p["kind"],
            k=int(p["k"]),
            on=date.fromisoformat(p["on"]),
            budget=p.get("budget"),
            candidates=cands,
            require_streets=bool(p.get("require_streets", True)),
            time_limit=time_limit,
        )
    except DomainError as exc:
        SitingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=f"{exc.code}: {exc.message}"[:500], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    with transaction.atomic():
        run.status = RunStatus.DONE
        run.result = result
        run.seconds = result["milp"]["seconds"] + result["greedy"]["seconds"]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "result", "seconds", "finished_at", "updated_at"])
        audit_record(
            actor=actor,
            action="spatial.siting_done",
            target=run,
            changes={"objective": result["milp"]["objective"], "gap": result["milp"]["gap"]},
            division_code=run.division_id,
        )
    return run


# ---- 配套建设 ------------------------------------------------------------------------------------


def _required(households: int, area_type: str, on: date | None) -> tuple[float, int]:
    policy, version = selectors.housing_policy(on)
    per = (
        policy.new_area_m2_per_100_households
        if area_type == AreaType.NEW
        else policy.old_area_m2_per_100_households
    )
    return rules.required_area_m2(households, per), version


@transaction.atomic
def development_create(
    *,
    scope: DataScope,
    actor: Any,
    name: str,
    division_code: str,
    households: int,
    area_type: str = AreaType.NEW,
    provided_m2: float = 0.0,
    state: str = DevelopmentState.PLANNED,
    delivered_on: date | None = None,
    note: str = "",
) -> Development:
    division = Division.objects.filter(code=division_code).first()
    if division is None or not scope.covers_division(division_code) or division.level < DivisionLevel.STREET:
        raise DomainError(
            "development_division", "Choose a street or community inside your area.", status=400
        )
    if households <= 0:
        raise DomainError("development_households", "Households must be positive.", status=400)
    if provided_m2 < 0:
        raise DomainError("development_area", "The provided area cannot be negative.", status=400)
    if area_type not in AreaType.values or state not in DevelopmentState.values:
        raise DomainError("development_choice", "Unknown area type or state.", status=400)
    required, version = _required(households, area_type, delivered_on)
    dev = Development.objects.create(
        name=name,
        division=division,
        area_type=area_type,
        households=households,
        required_m2=required,
        provided_m2=provided_m2,
        state=state,
        delivered_on=delivered_on,
        policy_version=version,
        note=note,
    )
    audit_record(
        actor=actor,
        action="spatial.development_created",
        target=dev,
        changes={"households": households, "required_m2": required, "provided_m2": provided_m2},
        division_code=division.code,
    )
    return dev


@transaction.atomic
def development_update(
    *,
    scope: DataScope,
    actor: Any,
    development_id: int,
    provided_m2: float | None = None,
    state: str | None = None,
    delivered_on: date | None = None,
) -> Development:
    dev = selectors.developments(scope=scope).select_for_update().filter(pk=development_id).first()
    if dev is None:
        raise DomainError("not_found", "No such development.", status=404)
    changes: dict[str, Any] = {}
    if provided_m2 is not None:
        if provided_m2 < 0:
            raise DomainError("development_area", "The provided area cannot be negative.", status=400)
        changes["provided_m2"] = [dev.provided_m2, provided_m2]
        dev.provided_m2 = provided_m2
    if state is not None:
        if state not in DevelopmentState.values:
            raise DomainError("development_choice", "Unknown state.", status=400)
        changes["state"] = [dev.state, state]
        dev.state = state
    if delivered_on is not None:
        changes["delivered_on"] = [str(dev.delivered_on), str(delivered_on)]
        dev.delivered_on = delivered_on
    dev.save()
    audit_record(
        actor=actor,
        action="spatial.development_updated",
        target=dev,
        changes=changes,
        division_code=dev.division_id,
    )
    return dev


__all__ = [
    "CODE_LENGTH",
    "coverage_run_create",
    "coverage_run_execute",
    "development_create",
    "development_update",
    "siting_run_create",
    "siting_run_execute",
]
