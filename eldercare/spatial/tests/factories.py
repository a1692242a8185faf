"""Factories of the spatial tests: a hand-made street, its elders and facilities, policies, matrix samples."""

from __future__ import annotations

from datetime import date
from typing import Any

from eldercare.core.models import Division, DivisionLevel
from eldercare.core.tests.factories import DISTRICT, ElderFactory, OrganisationFactory, first_child
from eldercare.facilities.choices import FacilityStatus
from eldercare.facilities.models import Facility
from eldercare.registry.models import Elder
from eldercare.spatial.travel import KM_PER_DEG_LAT

KM = 1 / KM_PER_DEG_LAT  # one kilometre north, in degrees of latitude
ORIGIN = (113.08, 22.60)


def load_policies(code: str = "jiangmen") -> None:
    """Seed only the spatial policies of the city profile (the whole profile would switch on 2FA)."""
    from eldercare.core.models import CityProfile, PolicyVersion
    from eldercare.core.services import policy_set, read_profile_file

    data = read_profile_file(code)
    profile, _ = CityProfile.objects.get_or_create(
        code=code, defaults={"name": data["profile"]["name"], "division_id": data["profile"]["division"]}
    )
    for key, entry in data["policies"].items():
        if key.startswith("spatial.") and not PolicyVersion.objects.filter(profile=profile, key=key).exists():
            policy_set(
                profile=profile,
                key=key,
                value=entry["value"],
                valid_from=entry["valid_from"],
                actor=None,
                reason="seeded",
                source=entry.get("source", ""),
            )


def set_policy(key: str, value: Any, *, code: str = "jiangmen") -> None:
    """A newer version of one policy (tests supply inputs the profile leaves as a GAP)."""
    from eldercare.core.models import CityProfile
    from eldercare.core.services import policy_set

    policy_set(
        profile=CityProfile.objects.get(code=code),
        key=key,
        value=value,
        valid_from=date(2022, 1, 1),
        actor=None,
        reason="test input",
        source="test data, not a published figure",
    )


def home_street() -> Division:
    return first_child(DISTRICT)


def communities(n: int = 2) -> list[Division]:
    return list(
        Division.objects.filter(parent=home_street(), level=DivisionLevel.COMMUNITY).order_by("code")[:n]
    )


def elder_at(km_north: float, community: Division, *, born: date = date(1950, 1, 1), **fields: Any) -> Elder:
    return ElderFactory(
        residence_division=community, birth_date=born, lon=ORIGIN[0], lat=ORIGIN[1] + km_north * KM, **fields
    )


def facility_at(km_north: float, division: Division, *, kind: str = "day_care", **fields: Any) -> Facility:
    return Facility.objects.create(
        name=f"设施{kind}{km_north}",
        kind=kind,
        ownership="public",
        operator=OrganisationFactory(),
        division=division,
        status=fields.pop("status", FacilityStatus.OPERATING),
        opened_on=fields.pop("opened_on", date(2020, 1, 1)),
        lon=fields.pop("lon", ORIGIN[0]),
        lat=fields.pop("lat", ORIGIN[1] + km_north * KM),
        **fields,
    )


def hand_made_street() -> dict[str, Any]:
    """Two communities: A has a day-care centre at 0 km and elders at 0, 0.5, 0.8 km (one 80+); B's elders
    live at 0.9 and 2 km (one 80+). 15 minutes at 4.5 km/h with detour 1.3 reach 0.865 km."""
    load_policies()
    a, b = communities(2)
    facility_at(0, a)
    elders = [
        elder_at(0, a, born=date(1940, 1, 1)),
        elder_at(0.5, a),
        elder_at(0.8, a),
        elder_at(0.9, b, born=date(1935, 1, 1)),
        elder_at(2.0, b),
    ]
    return {"a": a, "b": b, "elders": elders, "street": home_street()}


def matrix_page_sample(url_name: str, user: Any) -> tuple[str, dict[str, Any]]:
    """(method, URL kwargs) of a spatial page for the permission matrix, inside the user's area."""
    from eldercare.spatial.models import SitingRun

    load_policies()
    street = home_street()
    if url_name == "spatial:siting_detail":
        run = SitingRun.objects.order_by("id").first() or SitingRun.objects.create(
            division=street, status="done", result={}
        )
        return "get", {"run_id": run.pk}
    if url_name == "spatial:export":
        return "get", {"table": "developments"}
    if url_name in {"spatial:coverage_queue", "spatial:siting_queue", "spatial:development_create"}:
        return "post", {}
    return "get", {}


def matrix_api_runs() -> dict[str, int]:
    """A finished coverage run and siting run on the home street (inside every allowed role's area)."""
    from eldercare.spatial.models import CoverageRun, SitingRun

    street = home_street()
    coverage = CoverageRun.objects.filter(division=street).first() or CoverageRun.objects.create(
        division=street, status="done", result={}
    )
    siting = SitingRun.objects.filter(division=street).first() or SitingRun.objects.create(
        division=street, status="done", result={}
    )
    return {"coverage_run": coverage.pk, "siting_run": siting.pk}
