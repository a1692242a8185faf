"""The computations behind coverage runs, siting runs and the forecast: engine (rules) over the registers.

Each takes arrays or reads through selectors and returns plain data; services store it. The benchmark
(bench/spatial_bench.py) calls the same functions on synthetic arrays.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from eldercare.core.exceptions import DomainError
from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel
from eldercare.spatial import rules, selectors
from eldercare.spatial.choices import ANY_KIND
from eldercare.spatial.policy_keys import WalkPolicy
from eldercare.spatial.travel import StraightLineWalk, TravelTimeSource

AREA_LENGTHS = (
    CODE_LENGTH[DivisionLevel.STREET],
    CODE_LENGTH[DivisionLevel.COUNTY],
    CODE_LENGTH[DivisionLevel.CITY],
)


def source_for(walk: WalkPolicy) -> StraightLineWalk:
    return StraightLineWalk(detour_factor=walk.detour_factor, speed_kmh=walk.speed_kmh)


@dataclass
class CoverageOutput:
    areas: dict[str, dict[str, rules.AreaTotals]]  # kind -> division code -> totals
    minutes_sum: dict[str, dict[str, tuple[float, int]]]  # kind -> code -> (Σ finite minutes, n finite)
    clusters: list[tuple[float, float, float]]
    facilities: dict[str, int]
    elders: int
    seconds: float


def coverage_of_points(
    elders: selectors.ElderPoints,
    facilities: Mapping[str, np.ndarray],
    *,
    walk: WalkPolicy,
    source: TravelTimeSource | None = None,
) -> CoverageOutput:
    """Nearest facility of each kind (and of any kind) for every elder, summed per community and rolled up."""
    t0 = time.perf_counter()
    src: TravelTimeSource = source or source_for(walk)
    disabled = elders.level >= walk.disabled_min_level
    aged80 = elders.age >= 80
    n_comm = len(elders.communities)
    areas: dict[str, dict[str, rules.AreaTotals]] = {}
    minutes_sum: dict[str, dict[str, tuple[float, int]]] = {}
    any_covered = np.zeros(len(elders), dtype=bool)
    for kind in [*facilities, ANY_KIND]:
        if kind == ANY_KIND:
            covered = any_covered
            minutes = None
        else:
            res = rules.coverage(
                src, elders.points, facilities[kind], threshold_minutes=walk.threshold_minutes
            )
            covered, minutes = res.covered, res.minutes
            any_covered |= covered
        sums = rules.aggregate_by_area(
            elders.community_index, n_comm, covered, disabled=disabled, aged80=aged80
        )
        per_comm = {
            code: rules.AreaTotals(**{name: float(sums[name][i]) for name in sums})
            for i, code in enumerate(elders.communities)
        }
        totals = dict(per_comm)
        for length in AREA_LENGTHS:
            totals.update(rules.roll_up(per_comm, length))
        areas[kind] = totals
        if minutes is not None:
            finite = np.isfinite(minutes)
            s = np.bincount(elders.community_index, weights=np.where(finite, minutes, 0.0), minlength=n_comm)
            c = np.bincount(elders.community_index, weights=finite.astype(float), minlength=n_comm)
            per = {code: (float(s[i]), int(c[i])) for i, code in enumerate(elders.communities)}
            rolled = dict(per)
            for length in AREA_LENGTHS:
                for code, (ms, mc) in per.items():
                    a, b = rolled.get(code[:length], (0.0, 0))
                    rolled[code[:length]] = (a + ms, b + mc)
            minutes_sum[kind] = rolled
    lat0 = float(elders.points[:, 1].mean()) if len(elders) else 0.0
    unc = ~any_covered
    clusters = rules.uncovered_cells(
        elders.points[unc],
        np.ones(int(unc.sum())),
        cell_km=walk.cluster_cell_km,
        min_count=walk.cluster_min_elders,
        lat0=lat0,
    )
    return CoverageOutput(
        areas=areas,
        minutes_sum=minutes_sum,
        clusters=clusters,
        facilities={k: len(v) for k, v in facilities.items()},
        elders=len(elders),
        seconds=time.perf_counter() - t0,
    )


# ---- siting -----------------------------------------------------------------------------------


@dataclass
class Candidate:
    name: str
    lon: float
    lat: float
    division: str  # community or street code (for the street constraint)
    cost: float = 1.0


def community_candidates(code: str, kind: str, on: date) -> list[Candidate]:
    """Centroids of the communities under `code` without an operating facility of `kind`."""
    have = {
        d[: CODE_LENGTH[DivisionLevel.COMMUNITY]]
        for d in selectors.Facility.objects.filter(
            selectors.operating_facilities_q(on), kind=kind, division__code__startswith=code
        ).values_list("division_id", flat=True)
    }
    rows = Division.objects.filter(
        code__startswith=code, level=DivisionLevel.COMMUNITY, lon__isnull=False, lat__isnull=False
    ).values_list("code", "name", "lon", "lat")
    return [
        Candidate(name=name, lon=float(lon or 0), lat=float(lat or 0), division=c)
        for c, name, lon, lat in rows
        if c not in have
    ]


def build_problem(
    demand: np.ndarray,
    weights: np.ndarray,
    candidates: Sequence[Candidate],
    *,
    k: int,
    minutes: float,
    source: TravelTimeSource,
    budget: float | None = None,
    required_streets: Sequence[str] = (),
) -> rules.SitingProblem:
    cand = np.asarray([(c.lon, c.lat) for c in candidates], dtype=np.float64).reshape(-1, 2)
    i, j = source.pairs_within(demand, cand, minutes)
    street_len = CODE_LENGTH[DivisionLevel.STREET]
    groups = []
    for street in required_streets:
        members = [n for n, c in enumerate(candidates) if c.division[:street_len] == street]
        if members:
            groups.append(members)
    return rules.SitingProblem(
        weights=np.asarray(weights, dtype=np.float64),
        pair_demand=i,
        pair_candidate=j,
        n_candidates=len(candidates),
        k=k,
        costs=np.asarray([c.cost for c in candidates], dtype=np.float64) if budget is not None else None,
        budget=budget,
        required_groups=groups,
    )


def siting(
    code: str,
    *,
    kind: str,
    k: int,
    on: date,
    budget: float | None = None,
    candidates: Sequence[Candidate] | None = None,
    require_streets: bool = True,
    time_limit: float = 60.0,
) -> dict[str, Any]:
    """Choose up to K sites for `kind` under `code`: MCLP (HiGHS) and greedy, with gains and the gap."""
    walk, walk_version = selectors.walk_policy(on)
    weights_policy, weights_version = selectors.need_weights(on)
    source = source_for(walk)
    elders = selectors.elder_points(code, on)
    existing = selectors.facility_points(code, [kind], on)[kind][0]
    covered = rules.coverage(
        source, elders.points, existing, threshold_minutes=walk.threshold_minutes
    ).covered
    w = rules.need_weight(
        weights_policy, disability_level=elders.level, aged80=elders.age >= 80, alone=elders.alone
    )
    # demand points: uncovered elders merged by position (≈ 10 m), weights summed
    pts = elders.points[~covered]
    keys = np.round(pts, 4)
    uniq, inverse = (
        np.unique(keys, axis=0, return_inverse=True) if len(pts) else (np.zeros((0, 2)), np.zeros(0))
    )
    demand_w = np.bincount(
        np.asarray(inverse, dtype=np.int64).ravel(), weights=w[~covered], minlength=len(uniq)
    )
    cands = list(candidates) if candidates is not None else community_candidates(code, kind, on)
    if not cands:
        raise DomainError("siting_no_candidates", "There are no candidate sites.", status=409)
    required: list[str] = []
    if require_streets:
        street_len = CODE_LENGTH[DivisionLevel.STREET]
        streets = set(
            Division.objects.filter(code__startswith=code, level=DivisionLevel.STREET).values_list(
                "code", flat=True
            )
        )
        with_facility = {
            d[:street_len]
            for d in selectors.Facility.objects.filter(
                selectors.operating_facilities_q(on), kind=kind, division__code__startswith=code
            ).values_list("division_id", flat=True)
        }
        required = sorted(streets - with_facility)
    problem = build_problem(
        uniq,
        demand_w,
        cands,
        k=k,
        minutes=walk.threshold_minutes,
        source=source,
        budget=budget,
        required_streets=required,
    )
    if len(problem.required_groups) > k:
        raise DomainError(
            "siting_too_few_sites",
            f"{len(problem.required_groups)} streets without a facility need a site each, more than K = {k}.",
            details={"streets": len(problem.required_groups), "k": k},
            status=409,
        )
    exact = rules.solve_mclp(problem, time_limit=time_limit)
    greedy = rules.solve_greedy(problem)

    def sites(solution: rules.SitingSolution) -> list[dict[str, Any]]:
        return [
            {
                "name": cands[j].name,
                "division": cands[j].division,
                "lon": round(cands[j].lon, 5),
                "lat": round(cands[j].lat, 5),
                "gain": round(g, 3),
            }
            for j, g in zip(solution.chosen, solution.gains, strict=True)
        ]

    total_need = float(w.sum())
    uncovered_need = float(w[~covered].sum())
    return {
        "kind": kind,
        "k": k,
        "budget": budget,
        "candidates": len(cands),
        "demand_points": len(uniq),
        "required_streets": len(problem.required_groups),
        "need_total": round(total_need, 3),
        "need_uncovered": round(uncovered_need, 3),
        "milp": {
            "sites": sites(exact),
            "objective": round(exact.objective, 3),
            "bound": round(exact.bound, 3) if np.isfinite(exact.bound) else None,
            "gap": exact.gap if np.isfinite(exact.gap) else None,
            "status": exact.status,
            "seconds": round(exact.seconds, 3),
        },
        "greedy": {
            "sites": sites(greedy),
            "objective": round(greedy.objective, 3),
            "seconds": round(greedy.seconds, 3),
        },
        "policy_versions": {"spatial.walk": walk_version, "spatial.need_weights": weights_version},
        "source": source.description,
    }


# ---- forecast ---------------------------------------------------------------------------------


def forecast(code: str, *, on: date) -> dict[str, Any]:
    """Elders by band and district to the horizon for each scenario, bed demand and the gap to the beds
    in use plus the beds of the plan's projects not yet opened. Missing policy inputs are listed, not
    guessed."""
    policy, version = selectors.forecast_policy(on)
    missing = []
    if len(policy.annual_death_probability) != len(rules.BANDS):
        missing.append("annual_death_probability")
    if not policy.population_50_59:
        missing.append("population_50_59")
    if policy.beds_per_disabled is None:
        missing.append("beds_per_disabled")
    population = selectors.population_by_band(code, on)
    districts = sorted(population)
    names = dict(Division.objects.filter(code__in=districts).values_list("code", "name"))
    beds = selectors.beds_by_district(code, on)
    planned = selectors.planned_beds_by_district(code)
    rates = policy.disability_rate or [0.0]
    disability = rates * len(rules.BANDS) if len(rates) == 1 else rates
    out: dict[str, Any] = {
        "policy_version": version,
        "missing": missing,
        "bands": list(rules.BANDS),
        "base_year": on.year,
        "horizon": policy.horizon_year,
        "districts": [{"code": d, "name": names.get(d, d)} for d in districts],
        "current": {d: population[d] for d in districts},
        "scenarios": [],
    }
    if "annual_death_probability" in missing:
        return out
    years = max(0, policy.horizon_year - on.year)
    for scenario in policy.scenarios:
        q = [min(1.0, x * scenario.mortality_factor) for x in policy.annual_death_probability]
        rows = []
        for d in districts:
            entries = (
                policy.population_50_59.get(d, 0) * policy.survival_50_59 / 10.0 * scenario.entries_factor
            )
            path = rules.project_cohorts(
                population[d], annual_death_probability=q, entries_per_year=entries, years=years
            )
            end = path[-1]
            dis, need, nursing = rules.bed_demand(
                end,
                disability_rate=[r * scenario.disability_factor for r in disability],
                beds_per_disabled=policy.beds_per_disabled or 0.0,
                nursing_share=policy.nursing_share,
            )
            supply = beds.get(d, 0) + planned.get(d, 0)
            rows.append(
                {
                    "district": d,
                    "by_band": [round(x) for x in end],
                    "total": round(sum(end)),
                    "series": [round(sum(p)) for p in path],
                    "disabled": round(dis),
                    "beds_needed": round(need) if policy.beds_per_disabled is not None else None,
                    "nursing_beds_needed": round(nursing) if policy.beds_per_disabled is not None else None,
                    "beds_in_use": beds.get(d, 0),
                    "beds_planned": planned.get(d, 0),
                    "gap": round(need - supply) if policy.beds_per_disabled is not None else None,
                }
            )
        out["scenarios"].append({"code": scenario.code, "name": scenario.name, "rows": rows})
    return out
