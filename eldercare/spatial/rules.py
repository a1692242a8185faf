"""Pure decisions of spatial planning: coverage, siting (MCLP), cohort projection, 配套建设 compliance.

No ORM, no I/O: arrays and plain values in, arrays and dataclasses out. Services feed them from the
registers and store what they return.

**Coverage.** An elder is covered by a kind of facility when the nearest operating facility of that kind is
within `threshold_minutes` by the travel-time source (default: straight line × detour ÷ walking speed).

**Siting.** The maximal covering location problem (Church & ReVelle 1974): choose at most K candidate sites
x_j ∈ {0,1} to maximise Σ w_i y_i, with y_i ≤ Σ_{j covers i} x_j, 0 ≤ y_i ≤ 1, over demand points i not
already covered; w_i is the need weight (policy `spatial.need_weights`). Side constraints: Σ_{j in s} x_j ≥ 1
for each street s listed as "must get one", Σ cost_j x_j ≤ budget. Solved with HiGHS through
`scipy.optimize.milp`; demand points with the same set of covering candidates are merged first (their y are
interchangeable), which shrinks the model by an order of magnitude on real data. The greedy heuristic
(largest marginal gain first, must-streets first) is reported beside it.

**Projection.** Cohort-component on 5-year bands with annual steps: each year a fifth of a band's survivors
move up one band (the top band is open), survival = 1 − annual death probability of the band (policy
`spatial.forecast`, scaled by the scenario), and the entries at 60 of each year join the first band.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix

from eldercare.spatial.travel import FloatArray, IntArray, TravelTimeSource

# ---- coverage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageResult:
    """Per-elder (or per demand point) answer for one kind of facility."""

    minutes: FloatArray  # to the nearest facility (inf without any)
    nearest: IntArray  # index into the facilities (-1 without any)
    covered: NDArray[np.bool_]


def coverage(
    source: TravelTimeSource, origins: FloatArray, facilities: FloatArray, *, threshold_minutes: float
) -> CoverageResult:
    minutes, nearest = source.nearest(origins, facilities)
    return CoverageResult(minutes=minutes, nearest=nearest, covered=minutes <= threshold_minutes + 1e-9)


@dataclass
class AreaTotals:
    """Counts of one area (community, street, district) for one kind; additive."""

    elders: float = 0
    covered: float = 0
    disabled: float = 0
    disabled_covered: float = 0
    aged80: float = 0
    aged80_covered: float = 0

    def share(self, part: str) -> float | None:
        base = {"covered": self.elders, "disabled_covered": self.disabled, "aged80_covered": self.aged80}[
            part
        ]
        return None if not base else getattr(self, part) / base


def aggregate_by_area(
    area_index: IntArray,
    n_areas: int,
    covered: NDArray[np.bool_],
    *,
    weight: FloatArray | None = None,
    disabled: NDArray[np.bool_] | FloatArray | None = None,
    aged80: NDArray[np.bool_] | FloatArray | None = None,
) -> dict[str, FloatArray]:
    """Column sums per area (np.bincount): elders, covered, disabled(_covered), aged80(_covered).

    `weight` is the number of elders a row stands for (1 per elder; a community's head count when rows are
    communities); `disabled` and `aged80` are per-row counts or flags (multiplied by nothing else).
    """
    w = np.ones(len(area_index)) if weight is None else np.asarray(weight, dtype=np.float64)
    cov = np.asarray(covered, dtype=np.float64)

    def sums(values: FloatArray) -> FloatArray:
        return np.bincount(area_index, weights=values, minlength=n_areas).astype(np.float64)

    out = {"elders": sums(w), "covered": sums(w * cov)}
    dis = np.zeros(len(area_index)) if disabled is None else np.asarray(disabled, dtype=np.float64)
    old = np.zeros(len(area_index)) if aged80 is None else np.asarray(aged80, dtype=np.float64)
    out["disabled"] = sums(dis)
    out["disabled_covered"] = sums(dis * cov)
    out["aged80"] = sums(old)
    out["aged80_covered"] = sums(old * cov)
    return out


def roll_up(totals: Mapping[str, AreaTotals], length: int) -> dict[str, AreaTotals]:
    """Sum area totals keyed by division code up to codes of `length` characters (street 9, district 6)."""
    out: dict[str, AreaTotals] = {}
    for code, t in totals.items():
        if len(code) < length:
            continue
        acc = out.setdefault(code[:length], AreaTotals())
        for name in ("elders", "covered", "disabled", "disabled_covered", "aged80", "aged80_covered"):
            setattr(acc, name, getattr(acc, name) + getattr(t, name))
    return out


def uncovered_cells(
    points: FloatArray, weight: FloatArray, *, cell_km: float, min_count: float, lat0: float
) -> list[tuple[float, float, float]]:
    """Uncovered elders binned on a square grid of `cell_km`: (lon, lat of the cell centre, count), only cells
    holding at least `min_count` (small cells are dropped: never a dot that could be one person)."""
    if not len(points):
        return []
    kx = 111.320 * math.cos(math.radians(lat0))
    ky = 110.574
    gx = np.floor(points[:, 0] * kx / cell_km).astype(np.int64)
    gy = np.floor(points[:, 1] * ky / cell_km).astype(np.int64)
    keys = np.stack([gx, gy], axis=1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=weight, minlength=len(uniq))
    keep = counts >= min_count
    return [
        (round((x + 0.5) * cell_km / kx, 5), round((y + 0.5) * cell_km / ky, 5), float(c))
        for (x, y), c in zip(uniq[keep], counts[keep], strict=True)
    ]


# ---- need weights -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedWeights:
    base: float = 1.0
    by_disability_level: Mapping[int, float] = field(default_factory=dict)  # extra weight per level
    aged80: float = 0.0
    living_alone: float = 0.0


def need_weight(
    weights: NeedWeights, *, disability_level: IntArray, aged80: NDArray[np.bool_], alone: NDArray[np.bool_]
) -> FloatArray:
    """base + extra(disability level) + aged80 + living alone, elementwise. Level -1 = not assessed."""
    levels = np.asarray(disability_level, dtype=np.int64)
    extra = np.zeros(len(levels))
    for level, value in weights.by_disability_level.items():
        extra[levels == int(level)] = value
    return (
        weights.base
        + extra
        + weights.aged80 * np.asarray(aged80, dtype=np.float64)
        + weights.living_alone * np.asarray(alone, dtype=np.float64)
    )


# ---- siting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitingProblem:
    """Demand points (weights) × candidates, with the pairs (i, j) where candidate j covers point i."""

    weights: FloatArray  # w_i, only demand not covered today
    pair_demand: IntArray
    pair_candidate: IntArray
    n_candidates: int
    k: int
    costs: FloatArray | None = None  # per candidate (capacity or money)
    budget: float | None = None
    required_groups: Sequence[Sequence[int]] = ()  # each: candidate indices of which ≥ 1 must be chosen

    def matrix(self) -> csr_matrix:
        data = np.ones(len(self.pair_demand))
        m = coo_matrix(
            (data, (self.pair_demand, self.pair_candidate)), shape=(len(self.weights), self.n_candidates)
        ).tocsr()
        m.data[:] = 1.0  # duplicates collapse to 1
        return m


@dataclass(frozen=True)
class SitingSolution:
    chosen: list[int]  # in the order of their marginal gain
    gains: list[float]  # marginal gain of each chosen site in that order
    objective: float
    bound: float  # best upper bound (= objective when proven optimal)
    gap: float  # (bound − objective) / max(objective, tiny)
    status: str
    seconds: float = 0.0


def objective_of(problem: SitingProblem, chosen: Sequence[int]) -> float:
    if not chosen:
        return 0.0
    m = problem.matrix()
    hit = np.asarray(m[:, list(chosen)].sum(axis=1)).ravel() > 0
    return float(problem.weights[hit].sum())


def marginal_order(problem: SitingProblem, chosen: Sequence[int]) -> tuple[list[int], list[float]]:
    """Order chosen sites greedily by marginal gain and report each site's gain (summing to the objective)."""
    m = problem.matrix().tocsc()
    covered = np.zeros(len(problem.weights), dtype=bool)
    left = list(chosen)
    order: list[int] = []
    gains: list[float] = []
    while left:
        best, best_gain = left[0], -1.0
        for j in left:
            rows = m.indices[m.indptr[j] : m.indptr[j + 1]]
            g = float(problem.weights[rows[~covered[rows]]].sum())
            if g > best_gain:
                best, best_gain = j, g
        rows = m.indices[m.indptr[best] : m.indptr[best + 1]]
        covered[rows] = True
        order.append(best)
        gains.append(best_gain)
        left.remove(best)
    return order, gains


def _feasible_add(problem: SitingProblem, chosen: list[int], j: int, spent: float) -> bool:
    if problem.costs is not None and problem.budget is not None:
        return spent + float(problem.costs[j]) <= problem.budget + 1e-9
    return True


def solve_greedy(problem: SitingProblem) -> SitingSolution:
    """Largest marginal gain first; each required group first gets its best site."""
    import time

    t0 = time.perf_counter()
    m = problem.matrix().tocsc()
    covered = np.zeros(len(problem.weights), dtype=bool)
    chosen: list[int] = []
    spent = 0.0

    def gain(j: int) -> float:
        rows = m.indices[m.indptr[j] : m.indptr[j + 1]]
        return float(problem.weights[rows[~covered[rows]]].sum())

    def take(j: int) -> None:
        nonlocal spent
        chosen.append(j)
        covered[m.indices[m.indptr[j] : m.indptr[j + 1]]] = True
        spent += float(problem.costs[j]) if problem.costs is not None else 0.0

    for group in problem.required_groups:
        if len(chosen) >= problem.k or any(j in chosen for j in group):
            continue
        options = [j for j in group if _feasible_add(problem, chosen, j, spent)]
        if options:
            take(max(options, key=gain))
    # lazy greedy: gains only shrink, so a stale upper bound that still wins is exact
    import heapq

    heap = [(-gain(j), j) for j in range(problem.n_candidates) if j not in chosen]
    heapq.heapify(heap)
    while heap and len(chosen) < problem.k:
        _neg, j = heapq.heappop(heap)
        if not _feasible_add(problem, chosen, j, spent):
            continue
        g = gain(j)
        if heap and g < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-g, j))
            continue
        if g <= 0:
            break
        take(j)
    order, gains = marginal_order(problem, chosen)
    obj = float(sum(gains))
    return SitingSolution(order, gains, obj, math.nan, math.nan, "greedy", time.perf_counter() - t0)


def _merge_identical_rows(m: csr_matrix, weights: FloatArray) -> tuple[csr_matrix, FloatArray]:
    """Demand points covered by exactly the same candidates are one variable with the summed weight."""
    m = m.tocsr()
    m.sort_indices()
    keep = np.diff(m.indptr) > 0
    m = m[keep]
    w = weights[keep]
    if m.shape[0] == 0:
        return m, w
    signatures: dict[bytes, int] = {}
    groups = np.empty(m.shape[0], dtype=np.int64)
    for i in range(m.shape[0]):
        key = m.indices[m.indptr[i] : m.indptr[i + 1]].tobytes()
        groups[i] = signatures.setdefault(key, len(signatures))
    first = np.full(len(signatures), -1, dtype=np.int64)
    for i in range(len(groups) - 1, -1, -1):
        first[groups[i]] = i
    merged_w = np.bincount(groups, weights=w, minlength=len(signatures)).astype(np.float64)
    return m[first], merged_w


def solve_mclp(
    problem: SitingProblem, *, time_limit: float = 60.0, mip_rel_gap: float = 1e-4
) -> SitingSolution:
    """The MCLP as a MILP solved by HiGHS (scipy.optimize.milp). Variables: x (candidates) then y (demand)."""
    import time

    t0 = time.perf_counter()
    a, w = _merge_identical_rows(problem.matrix(), np.asarray(problem.weights, dtype=np.float64))
    n, d = problem.n_candidates, a.shape[0]
    c = np.concatenate([np.zeros(n), -w])
    integrality = np.concatenate([np.ones(n), np.zeros(d)])
    bounds = Bounds(np.zeros(n + d), np.ones(n + d))
    from scipy.sparse import hstack, identity, vstack

    # y_i − Σ_j a_ij x_j ≤ 0
    cover = hstack([-a, identity(d, format="csr")], format="csr")
    rows = [cover]
    lo = [np.full(d, -np.inf)]
    hi = [np.zeros(d)]
    k_row = csr_matrix(np.concatenate([np.ones(n), np.zeros(d)])[None, :])
    rows.append(k_row)
    lo.append(np.array([0.0]))
    hi.append(np.array([float(problem.k)]))
    if problem.costs is not None and problem.budget is not None:
        rows.append(csr_matrix(np.concatenate([np.asarray(problem.costs, float), np.zeros(d)])[None, :]))
        lo.append(np.array([-np.inf]))
        hi.append(np.array([float(problem.budget)]))
    for group in problem.required_groups:
        vec = np.zeros(n + d)
        vec[list(group)] = 1.0
        rows.append(csr_matrix(vec[None, :]))
        lo.append(np.array([1.0]))
        hi.append(np.array([np.inf]))
    constraint = LinearConstraint(vstack(rows, format="csr"), np.concatenate(lo), np.concatenate(hi))
    res = milp(
        c,
        constraints=constraint,
        integrality=integrality,
        bounds=bounds,
        options={"time_limit": time_limit, "mip_rel_gap": mip_rel_gap, "disp": False},
    )
    seconds = time.perf_counter() - t0
    if res.x is None:
        return SitingSolution([], [], 0.0, math.nan, math.nan, f"infeasible: {res.message}", seconds)
    chosen = [int(j) for j in np.flatnonzero(res.x[:n] > 0.5)]
    order, gains = marginal_order(problem, chosen)
    objective = float(sum(gains))
    dual = getattr(res, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else objective
    bound = max(bound, objective)
    gap = (bound - objective) / max(abs(objective), 1e-9) if objective else 0.0
    status = "optimal" if res.status == 0 else ("time_limit" if res.status == 1 else str(res.message))
    return SitingSolution(order, gains, objective, bound, gap, status, seconds)


def solve_enumeration(problem: SitingProblem) -> SitingSolution:
    """Every subset of at most K candidates (tests and tiny instances only)."""
    best: tuple[float, tuple[int, ...]] = (-1.0, ())
    for size in range(0, problem.k + 1):
        for combo in itertools.combinations(range(problem.n_candidates), size):
            if (
                problem.costs is not None
                and problem.budget is not None
                and float(np.sum(problem.costs[list(combo)])) > problem.budget + 1e-9
            ):
                continue
            if any(not set(g) & set(combo) for g in problem.required_groups):
                continue
            value = objective_of(problem, combo)
            if value > best[0] + 1e-9:
                best = (value, combo)
    order, gains = marginal_order(problem, list(best[1]))
    return SitingSolution(order, gains, best[0], best[0], 0.0, "enumerated")


# ---- projection -------------------------------------------------------------------------------

BANDS = ("60-64", "65-69", "70-74", "75-79", "80-84", "85+")


def band_of_age(age: IntArray) -> IntArray:
    """Index into BANDS (−1 under 60)."""
    a = np.asarray(age, dtype=np.int64)
    return np.where(a < 60, -1, np.minimum((a - 60) // 5, len(BANDS) - 1))


def project_cohorts(
    population: Sequence[float],
    *,
    annual_death_probability: Sequence[float],
    entries_per_year: float,
    years: int,
) -> list[list[float]]:
    """Populations by band for year 0..years (year 0 = the input)."""
    pop = np.asarray(population, dtype=np.float64)
    q = np.clip(np.asarray(annual_death_probability, dtype=np.float64), 0.0, 1.0)
    if len(pop) != len(BANDS) or len(q) != len(BANDS):
        raise ValueError("one value per band")
    out = [pop.tolist()]
    for _ in range(years):
        survivors = pop * (1 - q)
        moving = survivors / 5.0
        moving[-1] = 0.0  # the top band is open
        nxt = survivors - moving
        nxt[1:] += moving[:-1]
        nxt[0] += entries_per_year
        pop = nxt
        out.append(pop.tolist())
    return out


def bed_demand(
    population: Sequence[float],
    *,
    disability_rate: Sequence[float],
    beds_per_disabled: float,
    nursing_share: float,
) -> tuple[float, float, float]:
    """(disabled elders, beds needed, nursing beds needed)."""
    disabled = float(np.dot(np.asarray(population, float), np.asarray(disability_rate, float)))
    beds = disabled * beds_per_disabled
    return disabled, beds, beds * nursing_share


# ---- 配套建设 ------------------------------------------------------------------------------------


def required_area_m2(households: int, per_100_households_m2: float) -> float:
    """Required elderly-care floor area: households ÷ 100 × the standard (not rounded)."""
    return households / 100.0 * per_100_households_m2


def development_complies(*, provided_m2: float, required_m2: float, accepted: bool) -> bool:
    """A development counts as compliant once its facility is handed over or in use with enough area."""
    return accepted and provided_m2 + 1e-9 >= required_m2
