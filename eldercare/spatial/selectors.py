"""Reads of spatial planning: the arrays the engine needs, stored runs, the 配套建设 register, the forecast.

Positions: an elder's own coordinates when recorded, else the centroid of the community of residence
(`core.Division.lon/lat`, see core/data/README.md for where they come from); a facility's own coordinates,
else its division's centroid. Facilities of the whole city count for every elder (a border does not stop
a walk).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel
from eldercare.core.scope import DataScope
from eldercare.core.selectors import policy_value
from eldercare.facilities.choices import FacilityStatus
from eldercare.facilities.models import Bed, Facility
from eldercare.planning.selectors import access_dashboard_division
from eldercare.registry.choices import LivingSituation
from eldercare.registry.indicators import elders_present
from eldercare.spatial import rules
from eldercare.spatial.choices import ACCEPTED_STATES
from eldercare.spatial.models import CoverageArea, CoverageRun, Development, SitingRun
from eldercare.spatial.policy_keys import ForecastPolicy, HousingPolicy, NeedWeightsPolicy, WalkPolicy

CITY_LEN = CODE_LENGTH[DivisionLevel.CITY]


def walk_policy(on: date | None = None) -> tuple[WalkPolicy, int]:
    pv = policy_value("spatial.walk", on=on, default=WalkPolicy().model_dump())
    return WalkPolicy.model_validate(pv.value), pv.version_id


def need_weights(on: date | None = None) -> tuple[rules.NeedWeights, int]:
    pv = policy_value("spatial.need_weights", on=on, default=NeedWeightsPolicy().model_dump())
    p = NeedWeightsPolicy.model_validate(pv.value)
    weights = rules.NeedWeights(
        base=p.base,
        by_disability_level={int(k): v for k, v in p.by_disability_level.items()},
        aged80=p.aged80,
        living_alone=p.living_alone,
    )
    return weights, pv.version_id


def housing_policy(on: date | None = None) -> tuple[HousingPolicy, int]:
    pv = policy_value("spatial.housing", on=on)
    return HousingPolicy.model_validate(pv.value), pv.version


def forecast_policy(on: date | None = None) -> tuple[ForecastPolicy, int]:
    pv = policy_value("spatial.forecast", on=on, default=ForecastPolicy().model_dump())
    return ForecastPolicy.model_validate(pv.value), pv.version_id


def access_division(*, scope: DataScope, code: str) -> Division:
    """A city, district or street inside the caller's scope, else 404 (the dashboards' rule)."""
    return access_dashboard_division(scope=scope, code=code)


# ---- arrays for the engine ---------------------------------------------------------------------


@dataclass
class ElderPoints:
    """One row per elder: community code index, position, age, disability level (−1: not assessed), alone."""

    communities: list[str]
    community_index: np.ndarray
    points: np.ndarray  # (n, 2) lon, lat
    age: np.ndarray
    level: np.ndarray
    alone: np.ndarray
    centroids: dict[str, tuple[float, float]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.community_index)


def community_centroids(code: str) -> dict[str, tuple[float, float]]:
    rows = Division.objects.filter(
        code__startswith=code, level=DivisionLevel.COMMUNITY, lon__isnull=False, lat__isnull=False
    ).values_list("code", "lon", "lat")
    return {c: (float(lon or 0), float(lat or 0)) for c, lon, lat in rows}


def disability_levels(elders: QuerySet[Any]) -> dict[int, int]:
    """Published, not superseded ability level per elder (the highest if several are current)."""
    from eldercare.assessment.choices import AssessmentStatus
    from eldercare.assessment.models import CURRENT_PURPOSES, Assessment

    rows = Assessment.objects.filter(
        status=AssessmentStatus.PUBLISHED,
        purpose__in=list(CURRENT_PURPOSES),
        superseded_by__isnull=True,
        level__isnull=False,
        elder__in=elders.values("id"),
    ).values_list("elder_id", "level")
    out: dict[int, int] = {}
    for elder_id, level in rows:
        if level is not None:
            out[elder_id] = max(int(level), out.get(elder_id, -1))
    return out


def elder_points(code: str, on: date) -> ElderPoints:
    """Elders present on `on` under `code` (two queries: elders, assessments); without a position nor a
    community centroid an elder is left out."""
    centroids = community_centroids(code)
    qs = elders_present(code, on)
    levels = disability_levels(qs)
    rows = qs.values_list("id", "residence_division_id", "lon", "lat", "birth_date", "living_situation")
    communities: dict[str, int] = {}
    idx, xs, ys, ages, lv, alone = [], [], [], [], [], []
    for elder_id, community, lon, lat, birth, living in rows.iterator(chunk_size=20000):
        if lon is None or lat is None:
            c = centroids.get(community)
            if c is None:
                continue
            lon, lat = c
        idx.append(communities.setdefault(community, len(communities)))
        xs.append(lon)
        ys.append(lat)
        ages.append(on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)))
        lv.append(levels.get(elder_id, -1))
        alone.append(living == LivingSituation.ALONE)
    return ElderPoints(
        communities=list(communities),
        community_index=np.asarray(idx, dtype=np.int64),
        points=np.c_[np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)].reshape(-1, 2),
        age=np.asarray(ages, dtype=np.int64),
        level=np.asarray(lv, dtype=np.int64),
        alone=np.asarray(alone, dtype=bool),
        centroids=centroids,
    )


def operating_facilities_q(on: date) -> Q:
    return (
        Q(status=FacilityStatus.OPERATING)
        & (Q(opened_on__isnull=True) | Q(opened_on__lte=on))
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    )


def facility_points(
    code: str, kinds: list[str], on: date
) -> dict[str, tuple[np.ndarray, list[dict[str, Any]]]]:
    """Operating facilities of the city holding `code`, by kind: (positions, [{id, name, division}])."""
    city = code[:CITY_LEN]
    rows = (
        Facility.objects.filter(operating_facilities_q(on), division__code__startswith=city, kind__in=kinds)
        .values_list("id", "name", "kind", "division_id", "lon", "lat", "division__lon", "division__lat")
        .order_by("id")
    )
    out: dict[str, tuple[list[tuple[float, float]], list[dict[str, Any]]]] = {k: ([], []) for k in kinds}
    for fid, name, kind, division, lon, lat, dlon, dlat in rows:
        if lon is None or lat is None:
            lon, lat = dlon, dlat
        if lon is None or lat is None:
            continue
        out[kind][0].append((lon, lat))
        out[kind][1].append({"id": fid, "name": name, "division": division})
    return {k: (np.asarray(p, dtype=np.float64).reshape(-1, 2), meta) for k, (p, meta) in out.items()}


# ---- stored runs -------------------------------------------------------------------------------


def coverage_runs(*, scope: DataScope) -> QuerySet[CoverageRun]:
    return CoverageRun.objects.for_scope(scope).select_related("division")


def access_coverage_run(*, scope: DataScope, run_id: int) -> CoverageRun:
    run = coverage_runs(scope=scope).filter(pk=run_id).first()
    if run is None:
        raise Http404("No such coverage run.")
    return run


def latest_coverage(*, scope: DataScope, code: str) -> CoverageRun | None:
    """The newest finished run over `code` or one of its ancestors (a city run serves its districts)."""
    ancestors = [code[:n] for n in CODE_LENGTH.values() if n <= len(code)]
    return (
        coverage_runs(scope=DataScope.everything())
        .filter(status="done", division_id__in=ancestors)
        .order_by("-finished_at", "-id")
        .first()
    )


def coverage_children(*, scope: DataScope, run: CoverageRun, code: str, kind: str) -> list[CoverageArea]:
    """Rows of the areas one level below `code` (and `code` itself first) for one kind, inside scope."""
    child_level = {4: DivisionLevel.COUNTY, 6: DivisionLevel.STREET}.get(len(code), DivisionLevel.COMMUNITY)
    rows = (
        CoverageArea.objects.for_scope(scope)
        .filter(run=run, kind=kind, division__code__startswith=code)
        .filter(Q(division_id=code) | Q(level=child_level))
        .select_related("division")
        .order_by("division_id")
    )
    return list(rows)


def siting_runs(*, scope: DataScope) -> QuerySet[SitingRun]:
    return SitingRun.objects.for_scope(scope).select_related("division")


def access_siting_run(*, scope: DataScope, run_id: int) -> SitingRun:
    run = siting_runs(scope=scope).filter(pk=run_id).first()
    if run is None:
        raise Http404("No such siting run.")
    return run


# ---- 配套建设 ------------------------------------------------------------------------------------


def developments(*, scope: DataScope, code: str | None = None) -> QuerySet[Development]:
    qs = Development.objects.for_scope(scope).select_related("division")
    if code:
        qs = qs.filter(division__code__startswith=code)
    return qs


def shortfalls(*, scope: DataScope, code: str | None = None) -> list[Development]:
    """Developments whose facility is short of the required area or not yet handed over."""
    return [
        d
        for d in developments(scope=scope, code=code)
        if d.provided_m2 + 1e-9 < d.required_m2 or d.state not in ACCEPTED_STATES
    ]


# ---- forecast ----------------------------------------------------------------------------------


def population_by_band(code: str, on: date) -> dict[str, list[float]]:
    """Elders present on `on` per district under `code`, by band (one query)."""
    rows = (
        elders_present(code, on)
        .annotate(district=Substr("residence_division_id", 1, CODE_LENGTH[DivisionLevel.COUNTY]))
        .values_list("district", "birth_date")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[str, list[float]] = {}
    for district, birth, n in rows:
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        band = int(rules.band_of_age(np.array([age]))[0])
        if band < 0:
            continue
        out.setdefault(district, [0.0] * len(rules.BANDS))[band] += n
    return out


def beds_by_district(code: str, on: date) -> dict[str, int]:
    rows = (
        Bed.objects.filter(
            facility__division__code__startswith=code,
            in_service_from__lte=on,
        )
        .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=on))
        .values_list("facility__division_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[str, int] = {}
    for division, n in rows:
        key = division[: CODE_LENGTH[DivisionLevel.COUNTY]]
        out[key] = out.get(key, 0) + n
    return out


def planned_beds_by_district(code: str) -> dict[str, int]:
    """Beds of the plan's key projects not yet opened (planning.Project), by district."""
    from eldercare.planning.choices import ProjectStage
    from eldercare.planning.models import Project

    rows = (
        Project.objects.filter(division__code__startswith=code[:CITY_LEN], planned_beds__isnull=False)
        .exclude(stage=ProjectStage.OPENED)
        .values_list("division_id")
        .annotate(n=Sum("planned_beds"))
        .order_by()
    )
    out: dict[str, int] = {}
    for division, n in rows:
        if len(division) < CODE_LENGTH[DivisionLevel.COUNTY] or not division.startswith(code):
            continue
        key = division[: CODE_LENGTH[DivisionLevel.COUNTY]]
        out[key] = out.get(key, 0) + int(n or 0)
    return out
