"""What spatial planning contributes to plan monitoring (discovered by eldercare.planning.registry).

Definitions (also in planning/data/indicators.toml and docs/spatial.md):

- **Community** kinds follow the statistical division codes (统计用区划代码): digits 10–12 of a 12-digit code
  001–199 are urban residents' committees (居委会, "城市社区"), 200–399 village committees
  (村委会, "农村社区");
  a street (9 digits) with digits 7–9 in 400–599 is a development zone, farm or similar, not a 乡镇（街道）.
- A facility counts from `opened_on` (or always when unknown) until `closed_on`, while its status is operating
  (status is not versioned: a facility closed today does not count for past months either).
- WH03 `day_care_community_coverage` and WH05/JM04 `street_comprehensive_centre_coverage` are registered by
  the facilities module (eldercare/facilities/indicators.py), not here.
- `community_facility_coverage_urban` / `_rural` (SP02, SP03): communities with ≥ 1 operating community-level
  care facility (day care, home-care station, street complex, rural welfare home, canteen) located in them.
- `walk_circle_coverage` (SP01): elders present whose nearest operating facility of any kind in policy
  `spatial.walk` is within the walking threshold (straight line × detour at walking speed).
- `new_housing_facility_compliance` (WH04, JM01): developments delivered (交付) since the plan period start
  (2021-01-01, the start of both plans) whose care facility is handed over or in use with at
  least the required area, over all developments delivered.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from eldercare.core.models import Division, DivisionLevel
from eldercare.facilities.choices import FacilityKind
from eldercare.facilities.models import Facility
from eldercare.planning.registry import Measure, indicator_computation
from eldercare.spatial import analysis, selectors
from eldercare.spatial.choices import ACCEPTED_STATES
from eldercare.spatial.models import Development

PLAN_PERIOD_START = date(2021, 1, 1)
COMMUNITY_KINDS = (
    FacilityKind.DAY_CARE,
    FacilityKind.HOME_CARE_STATION,
    FacilityKind.STREET_COMPLEX,
    FacilityKind.RURAL_WELFARE_HOME,
    FacilityKind.CANTEEN,
)


def is_urban_community(code: str) -> bool:
    return len(code) == 12 and 1 <= int(code[9:12]) <= 199


def is_rural_community(code: str) -> bool:
    return len(code) == 12 and 200 <= int(code[9:12]) <= 399


def _facility_divisions(division_code: str, on: date, kinds: tuple[str, ...]) -> set[str]:
    return set(
        Facility.objects.filter(
            selectors.operating_facilities_q(on), kind__in=kinds, division__code__startswith=division_code
        ).values_list("division_id", flat=True)
    )


def _communities(division_code: str) -> list[str]:
    return list(
        Division.objects.filter(code__startswith=division_code, level=DivisionLevel.COMMUNITY).values_list(
            "code", flat=True
        )
    )


def _community_share(division_code: str, on: date, kinds: tuple[str, ...], urban: bool) -> dict[str, Measure]:
    have = {d[:12] for d in _facility_divisions(division_code, on, kinds) if len(d) == 12}
    test = is_urban_community if urban else is_rural_community
    return {c: Measure(1.0 if c in have else 0.0, 1.0) for c in _communities(division_code) if test(c)}


@indicator_computation("community_facility_coverage_urban", grouped=True)
def community_facility_coverage_urban(division_code: str, on: date) -> Mapping[str, Measure]:
    return _community_share(division_code, on, COMMUNITY_KINDS, urban=True)


@indicator_computation("community_facility_coverage_rural", grouped=True)
def community_facility_coverage_rural(division_code: str, on: date) -> Mapping[str, Measure]:
    return _community_share(division_code, on, COMMUNITY_KINDS, urban=False)


@indicator_computation("walk_circle_coverage", grouped=True)
def walk_circle_coverage(division_code: str, on: date) -> Mapping[str, Measure]:
    walk, _version = selectors.walk_policy(on)
    elders = selectors.elder_points(division_code, on)
    if not len(elders):
        return {}
    facilities = {k: v[0] for k, v in selectors.facility_points(division_code, list(walk.kinds), on).items()}
    out = analysis.coverage_of_points(elders, facilities, walk=walk)
    return {code: Measure(t.covered, t.elders) for code, t in out.areas["any"].items() if len(code) == 12}


@indicator_computation("new_housing_facility_compliance", grouped=True)
def new_housing_facility_compliance(division_code: str, on: date) -> Mapping[str, Measure]:
    out: dict[str, Measure] = {}
    rows = Development.objects.filter(
        division__code__startswith=division_code, delivered_on__gte=PLAN_PERIOD_START, delivered_on__lte=on
    ).values_list("division_id", "state", "provided_m2", "required_m2")
    for code, state, provided, required in rows:
        ok = state in ACCEPTED_STATES and provided + 1e-9 >= required
        out[code] = out.get(code, Measure(0.0, 0.0)) + Measure(1.0 if ok else 0.0, 1.0)
    return out
