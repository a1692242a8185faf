"""Spatial planning at city scale: 15-minute-circle coverage and facility siting (MCLP).

- coverage: `spatial.analysis.coverage_of_points` (the function coverage runs call) for 2.3 M elders placed
  around 1,400 communities against 3,000 facilities of 5 kinds (nearest of each kind by cKDTree, shares per
  community rolled up to streets and districts, the uncovered grid). Goal < 5 s.
  Baseline in the same run: brute-force NumPy (every elder × every facility distance, chunked) on a sample;
  the answers must agree exactly on the sample, and its time is extrapolated to all elders.
  Wall-clock and CPU times are both printed with the load average: on a shared machine the wall time grows
  with the other processes' load, the CPU time does not.
- siting: `spatial.rules.solve_mclp` (HiGHS via scipy.optimize.milp) choosing K = 50 of 2,000 candidates for
  the uncovered demand (need-weighted, merged by position), with the greedy beside it. Goal < 60 s, gap < 1 %.
  Baselines in the same run: brute-force enumeration with a dense NumPy coverage matrix on a sample instance
  (20 candidates, K = 3: the MILP must equal it), and a dense-NumPy greedy on a 20,000-point demand sample.

No database: synthetic positions (seeded) in a 60 × 60 km city around Jiangmen.
Run: `.venv/bin/python -m bench.spatial_bench [--scale 0.01]` (scale multiplies elders, facilities and
candidates; K scales too, at least 5).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

CENTRE = (113.08, 22.58)
KINDS = ("day_care", "street_complex", "home_care_station", "canteen", "institution")


def _setup() -> None:
    """Django with development keys (no database work: the benchmark runs on arrays)."""
    os.environ.setdefault("TESTING", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eldercare.settings")
    import django

    django.setup()


def _city(rng: np.random.Generator, n_communities: int, km: float = 60.0) -> np.ndarray:
    """Community centres: denser in the middle (normal around the centre, clipped to the square)."""
    kx = 111.32 * math.cos(math.radians(CENTRE[1]))
    ky = 110.574
    xy = np.clip(rng.normal(0, km / 5, size=(n_communities, 2)), -km / 2, km / 2)
    return np.c_[CENTRE[0] + xy[:, 0] / kx, CENTRE[1] + xy[:, 1] / ky]


def _around(
    rng: np.random.Generator, centres: np.ndarray, n: int, sd_km: float
) -> tuple[np.ndarray, np.ndarray]:
    idx = rng.integers(0, len(centres), n)
    kx = 111.32 * math.cos(math.radians(CENTRE[1]))
    noise = rng.normal(0, sd_km, size=(n, 2))
    return np.c_[centres[idx, 0] + noise[:, 0] / kx, centres[idx, 1] + noise[:, 1] / 110.574], idx


def _brute_nearest_km(
    points: np.ndarray, facilities: np.ndarray, lat0: float, chunk: int = 4096
) -> np.ndarray:
    """Every point × every facility, plain NumPy on the same projection (the baseline)."""
    from eldercare.spatial.travel import project_km

    p = project_km(points, lat0)
    f = project_km(facilities, lat0)
    out = np.empty(len(p))
    for s in range(0, len(p), chunk):
        d = p[s : s + chunk, None, :] - f[None, :, :]
        out[s : s + chunk] = np.sqrt((d * d).sum(axis=2)).min(axis=1)
    return out


def measure(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies elders, facilities, candidates")
    parser.add_argument("--elders", type=int, default=2_300_000)
    parser.add_argument("--facilities", type=int, default=3_000)
    parser.add_argument("--candidates", type=int, default=2_000)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--sample", type=int, default=20_000, help="elders in the brute-force baseline")
    args = parser.parse_args(argv if argv is not None else [])
    _setup()
    from eldercare.spatial import analysis, rules, selectors
    from eldercare.spatial.policy_keys import WalkPolicy

    rng = np.random.default_rng(14)
    n_elders = max(1000, int(args.elders * args.scale))
    n_fac = max(len(KINDS), int(args.facilities * args.scale))
    n_cand = max(20, int(args.candidates * args.scale))
    k = max(5, round(args.k * args.scale)) if args.scale < 1 else args.k
    rows: list[tuple[str, float, str]] = []
    walk = WalkPolicy()
    source = analysis.source_for(walk)

    # ---- coverage ------------------------------------------------------------------------------
    communities = _city(rng, 1400)
    codes = [
        f"4407{d:02d}{s:03d}{c:03d}" for d, s, c in ((i % 7 + 1, i % 60 + 1, i + 1) for i in range(1400))
    ]
    points, comm_idx = _around(rng, communities, n_elders, sd_km=0.4)
    ages = rng.integers(60, 100, n_elders)
    elders = selectors.ElderPoints(
        communities=codes,
        community_index=comm_idx.astype(np.int64),
        points=points,
        age=ages,
        level=rng.choice([-1, 0, 1, 2, 3], size=n_elders, p=[0.5, 0.3, 0.1, 0.06, 0.04]),
        alone=rng.random(n_elders) < 0.1,
    )
    fac_points, _ = _around(rng, communities, n_fac, sd_km=0.6)
    fac_kind = rng.integers(0, len(KINDS), n_fac)
    facilities = {kind: fac_points[fac_kind == i] for i, kind in enumerate(KINDS)}

    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    out = analysis.coverage_of_points(elders, facilities, walk=walk)
    cov_s, cov_cpu = time.perf_counter() - t0, time.process_time() - c0
    any_share = out.areas["any"]["4407"].covered / out.areas["any"]["4407"].elders
    rows += [
        (f"machine load average (1 min) before the coverage, {os.cpu_count()} cores", load_before, ""),
        (
            f"coverage: {n_elders:,} elders × {n_fac:,} facilities ({len(KINDS)} kinds + any), wall",
            cov_s,
            "s",
        ),
        ("coverage: CPU time of this process (all threads)", cov_cpu, "s"),
    ]

    # baseline on a sample: brute-force NumPy, one kind (the largest) — must agree exactly
    sample = rng.choice(n_elders, size=min(args.sample, n_elders), replace=False)
    kind = max(facilities, key=lambda k_: len(facilities[k_]))
    lat0 = float(np.mean(np.concatenate([points[:, 1], facilities[kind][:, 1]])))
    t0 = time.perf_counter()
    brute_km = _brute_nearest_km(points[sample], facilities[kind], lat0)
    brute_s = time.perf_counter() - t0
    brute_cov = source.minutes_for_km(brute_km) <= walk.threshold_minutes + 1e-9
    src = analysis.StraightLineWalk(walk.detour_factor, walk.speed_kmh, lat0=lat0)
    tree_cov = rules.coverage(src, points[sample], facilities[kind], threshold_minutes=walk.threshold_minutes)
    agree = float((tree_cov.covered == brute_cov).mean())
    t0 = time.perf_counter()
    rules.coverage(src, points[sample], facilities[kind], threshold_minutes=walk.threshold_minutes)
    tree_sample_s = time.perf_counter() - t0
    per_kind_brute_full = brute_s / len(sample) * n_elders
    rows += [
        (
            f"baseline: brute-force NumPy, {len(sample):,} elders × {len(facilities[kind]):,} {kind}",
            brute_s,
            "s",
        ),
        ("cKDTree on the same sample and kind", tree_sample_s, "s"),
        (
            "baseline extrapolated to all elders × all 5 kinds",
            per_kind_brute_full * n_fac / len(facilities[kind]),
            "s",
        ),
        ("agreement kd-tree vs brute force on the sample", agree * 100, "%"),
        ("elders within 15 min of any facility", any_share * 100, "%"),
    ]

    # ---- siting --------------------------------------------------------------------------------
    kind = "day_care"
    existing = facilities[kind]
    cov = rules.coverage(source, points, existing, threshold_minutes=walk.threshold_minutes).covered
    weights_policy = rules.NeedWeights(
        base=1, by_disability_level={1: 1, 2: 2, 3: 3}, aged80=1, living_alone=1
    )
    w = rules.need_weight(
        weights_policy, disability_level=elders.level, aged80=ages >= 80, alone=elders.alone
    )
    unc = ~cov
    keys = np.round(points[unc], 3)  # ≈ 100 m cells: the demand points
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    demand_w = np.bincount(inverse.ravel(), weights=w[unc], minlength=len(uniq))
    cand_idx = rng.choice(len(communities), size=min(n_cand, len(communities)), replace=False)
    cand_pts = communities[cand_idx]
    if n_cand > len(communities):
        extra, _ = _around(rng, communities, n_cand - len(communities), sd_km=0.5)
        cand_pts = np.r_[cand_pts, extra]
    candidates = [
        analysis.Candidate(name=str(i), lon=float(x), lat=float(y), division=codes[i % len(codes)])
        for i, (x, y) in enumerate(cand_pts)
    ]
    t0 = time.perf_counter()
    problem = analysis.build_problem(
        uniq, demand_w, candidates, k=k, minutes=walk.threshold_minutes, source=source
    )
    build_s = time.perf_counter() - t0
    c0 = time.process_time()
    exact = rules.solve_mclp(problem, time_limit=120)
    milp_cpu = time.process_time() - c0
    greedy = rules.solve_greedy(problem)
    rows += [
        (
            f"siting: build {len(uniq):,} demand points × {len(candidates):,} candidates "
            f"({len(problem.pair_demand):,} pairs)",
            build_s,
            "s",
        ),
        (f"siting: MILP (HiGHS) K = {k}, status {exact.status}", exact.seconds, "s"),
        ("siting: MILP CPU time", milp_cpu, "s"),
        ("siting: MILP optimality gap", (exact.gap if math.isfinite(exact.gap) else float("nan")) * 100, "%"),
        ("siting: MILP need newly covered", exact.objective, "w"),
        ("siting: greedy (lazy, sparse)", greedy.seconds, "s"),
        ("siting: greedy need newly covered", greedy.objective, "w"),
        (
            "siting: greedy / MILP",
            greedy.objective / exact.objective * 100 if exact.objective else 100.0,
            "%",
        ),
    ]
    # baseline 1: dense NumPy greedy (every candidate's gain recomputed each round) on a sample of demand
    pick = np.sort(rng.choice(len(uniq), size=min(args.sample, len(uniq)), replace=False))
    keep = np.isin(problem.pair_demand, pick)
    pos = np.full(len(uniq), -1, dtype=np.int64)
    pos[pick] = np.arange(len(pick))
    sampled = rules.SitingProblem(
        weights=problem.weights[pick],
        pair_demand=pos[problem.pair_demand[keep]],
        pair_candidate=problem.pair_candidate[keep],
        n_candidates=problem.n_candidates,
        k=k,
    )
    dense = sampled.matrix().toarray().astype(bool)
    t0 = time.perf_counter()
    covered = np.zeros(dense.shape[0], dtype=bool)
    total = 0.0
    for _ in range(k):
        gains = (dense & ~covered[:, None]).T.astype(np.float64) @ sampled.weights
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        total += float(gains[j])
        covered |= dense[:, j]
    dense_s = time.perf_counter() - t0
    sampled_greedy = rules.solve_greedy(sampled)
    sampled_milp = rules.solve_mclp(sampled, time_limit=120)
    rows += [
        (f"baseline: dense NumPy greedy, {len(pick):,} sampled demand points × {n_cand:,}", dense_s, "s"),
        ("lazy sparse greedy on the same sample", sampled_greedy.seconds, "s"),
        ("MILP on the same sample", sampled_milp.seconds, "s"),
        ("sample: dense greedy − lazy greedy (need)", total - sampled_greedy.objective, "w"),
        ("sample: MILP − dense greedy (need)", sampled_milp.objective - total, "w"),
    ]
    # baseline 2: brute-force enumeration on a sample instance (20 most useful candidates, K = 3)
    top = np.argsort(-(problem.matrix().T @ problem.weights))[:20]
    sub_pairs = np.isin(problem.pair_candidate, top)
    remap = {int(j): n for n, j in enumerate(top)}
    small = rules.SitingProblem(
        weights=problem.weights,
        pair_demand=problem.pair_demand[sub_pairs],
        pair_candidate=np.array([remap[int(j)] for j in problem.pair_candidate[sub_pairs]], dtype=np.int64),
        n_candidates=len(top),
        k=3,
    )
    sub_dense = small.matrix().toarray().astype(bool)
    t0 = time.perf_counter()
    best = 0.0
    for combo in itertools.combinations(range(len(top)), 3):
        best = max(best, float(problem.weights[sub_dense[:, list(combo)].any(axis=1)].sum()))
    enum_s = time.perf_counter() - t0
    small_milp = rules.solve_mclp(small)
    rows += [
        ("baseline: enumeration (NumPy), 20 candidates K = 3", enum_s, "s"),
        ("MILP on the same enumeration sample", small_milp.seconds, "s"),
        ("enumeration sample: MILP − enumeration optimum", small_milp.objective - best, "w"),
    ]

    print(f"{'measure':<95} {'value':>12}")
    for name, value, unit in rows:
        print(f"{name:<95} {value:>11.3f} {unit}")
    result = {
        "scale": args.scale,
        "figures": {
            "coverage_s": cov_s,
            "coverage_cpu_s": cov_cpu,
            "brute_extrapolated_s": per_kind_brute_full * n_fac / len(facilities[kind]),
            "agree": agree,
            "milp_s": exact.seconds,
            "gap": exact.gap if math.isfinite(exact.gap) else None,
            "greedy_s": greedy.seconds,
            "dense_greedy_s": dense_s,
            "enumeration_s": enum_s,
            "small_milp_s": small_milp.seconds,
            "enumeration_gap": small_milp.objective - best,
            "elders": n_elders,
            "facilities": n_fac,
            "candidates": n_cand,
            "k": k,
        },
        "rows": [{"measure": n, "value": round(v, 4), "unit": u} for n, v, u in rows],
        "goals": {
            "coverage_under_5_s": cov_s < 5,
            "coverage_cpu_under_5_s": cov_cpu < 5,
            "siting_under_60_s": exact.seconds < 60,
            "gap_under_1_pct": (exact.gap if math.isfinite(exact.gap) else 1) < 0.01,
            "sample_equals_enumeration": abs(small_milp.objective - best) < 1e-6,
            "kdtree_equals_brute_force": agree == 1.0,
        },
    }
    out_path = Path(__file__).resolve().parent / "results" / f"spatial-{date.today().isoformat()}.json"  # noqa: DTZ011
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result["goals"]))
    print(f"wrote {out_path}")
    return result


def run(scale: float = 1.0) -> list[Any]:
    """The bench protocol (`bench/_protocol.py`): the goals of issue 14 as rows."""
    from bench._protocol import Row

    r = measure(["--scale", str(scale)])
    f, goals = r["figures"], r["goals"]
    return [
        Row(
            f"spatial coverage: {f['elders']:,} elders × {f['facilities']:,} facilities (CPU)",
            f["coverage_cpu_s"],
            f["brute_extrapolated_s"],
            "s",
            "< 5 s",
            goals["coverage_cpu_under_5_s"],
            note=f"wall {f['coverage_s']:.2f} s; baseline: brute-force NumPy extrapolated from a sample",
        ),
        Row(
            "spatial coverage: cKDTree = brute force on the sample",
            f["agree"] * 100,
            100.0,
            "%",
            "100 %",
            goals["kdtree_equals_brute_force"],
        ),
        Row(
            f"spatial siting: MILP {f['candidates']:,} candidates, K = {f['k']}",
            f["milp_s"],
            f["dense_greedy_s"],
            "s",
            "< 60 s, gap < 1 %",
            goals["siting_under_60_s"] and goals["gap_under_1_pct"],
            note="baseline: dense NumPy greedy on a demand sample",
        ),
        Row(
            "spatial siting: MILP − enumeration optimum (20 candidates, K = 3)",
            f["enumeration_gap"],
            0.0,
            "w",
            "= 0",
            goals["sample_equals_enumeration"],
            note=f"enumeration {f['enumeration_s']:.2f} s, MILP {f['small_milp_s']:.3f} s",
        ),
    ]


if __name__ == "__main__":
    measure(sys.argv[1:])
