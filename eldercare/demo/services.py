"""The synthetic demo city (演示城市): elders on the real divisions, organisations and one account per role.

Reproducible: the same city, scale, seed and date give the same people. Inputs and their sources
(and the labelled assumptions) are in `demo/data/cities.toml`.
"""

from __future__ import annotations

import json
import random
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from shapely.geometry import shape

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.accounts.services import user_create
from eldercare.core.exceptions import DomainError
from eldercare.core.ids import make_resident_id
from eldercare.core.models import CityProfile, Division, DivisionLevel, Organisation, OrganisationKind
from eldercare.core.selectors import policy_value
from eldercare.core.services import (
    DATA_DIR,
    divisions_import,
    policy_set,
    profile_load,
    read_division_rows,
    shipped_division_files,
)
from eldercare.demo import rules
from eldercare.demo.steps import DemoContext, registered_resets, registered_steps
from eldercare.registry.models import Elder
from eldercare.registry.services import elder_build, elders_bulk_insert

DEMO_DATA = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "Demo-Eldercare-2025"  # noqa: S105 - printed for the demo; never used in production
BATCH = 20_000
JITTER_DEGREES = 0.004  # about 400 m around the community point


@dataclass
class DemoReport:
    city: str
    elders: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, bound to)
    assumptions: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # app steps that ran (see demo/steps.py)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of the elders and of each step
    notes: list[str] = field(default_factory=list)


def load_inputs() -> dict[str, Any]:
    with (DEMO_DATA / "cities.toml").open("rb") as handle:
        cities = tomllib.load(handle)
    with (DEMO_DATA / "names.toml").open("rb") as handle:
        cities["names"] = tomllib.load(handle)
    return cities


def district_targets(city: dict[str, Any], districts: dict[str, int], total: int) -> dict[str, int]:
    """Elders per district: known counts first, the rest by the city's stated weights."""
    if "district_population" in city:
        return rules.allocate(
            total, {c: float(p) for c, p in city["district_population"].items() if c in districts}
        )
    known = {c: n for c, n in city.get("district_elders", {}).items() if c in districts}
    scale = total / city["elders"]
    fixed = {c: round(n * scale) for c, n in known.items()}
    rest = rules.allocate(
        total - sum(fixed.values()), {c: float(n) for c, n in districts.items() if c not in fixed}
    )
    return {**rest, **fixed}


def _district_polygons(city_code: str) -> dict[str, Any]:
    path = DATA_DIR / "geo" / f"{city_code}.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    polygons = {f["properties"]["code"]: shape(f["geometry"]) for f in features}
    for polygon in polygons.values():
        shapely.prepare(polygon)
    return polygons


def ensure_reference_data(*, city_code: str, profile_code: str) -> CityProfile:
    """Divisions and the city profile, loaded if missing (the same code `load_divisions` runs)."""
    if not Division.objects.filter(parent__code__startswith=city_code, level=DivisionLevel.STREET).exists():
        for path in shipped_division_files(cities=[city_code]):
            report = divisions_import(rows=read_division_rows(path), source=path.name)
            if report.errors:
                raise DomainError("divisions_invalid", f"{path.name} has bad rows", report.errors[:10])
    profile, _ = profile_load(code=profile_code)
    return profile


def generate_elders(*, city_key: str, scale: float, seed: int, today: date, actor: Any = None) -> int:
    inputs = load_inputs()
    city = inputs["cities"][city_key]
    city_code = city["division"]
    communities = list(
        Division.objects.filter(code__startswith=city_code, level=DivisionLevel.COMMUNITY)
        .exclude(name__contains="虚拟")
        .order_by("code")
        .values_list("code", "name", "lon", "lat", "parent__name")
    )
    by_district: dict[str, list[tuple[str, str, float, float, str]]] = defaultdict(list)
    for row in communities:
        by_district[row[0][:6]].append(row)  # type: ignore[arg-type]
    targets = district_targets(
        city, {d: len(rows) for d, rows in by_district.items()}, round(city["elders"] * scale)
    )
    band_cfg = inputs["age_bands"]
    sampler = rules.AgeSampler(
        rules.calibrate_bands(
            band_cfg["bands"],
            share_80_plus=band_cfg["share_80_plus"],
            share_90_plus=band_cfg["share_90_plus"],
        )
    )
    names = inputs["names"]
    surnames = [(s, float(w)) for s, w in names["surnames"]]
    living, economic = inputs["living"], inputs["economic"]
    polygons = _district_polygons(city_code)
    used_ids: set[str] = set()
    created = 0
    for district_code in sorted(targets):
        rng = random.Random(f"{seed}:{city_code}:{district_code}")
        rows = by_district[district_code]
        weights = {row[0]: rng.uniform(0.5, 1.5) for row in rows}
        per_community = rules.allocate(targets[district_code], weights)
        batch: list[Elder] = []
        for code, name, lon, lat, street_name in rows:
            rural = name.endswith("村委会") or name.endswith("村")
            for n in range(per_community[code]):
                age, sex = sampler.draw(rng)
                birth = rules.birth_date_for_age(rng, today=today, age=age)
                while True:
                    sequence = rng.randrange(0, 1000)
                    if (sequence % 2 == 1) != (sex == "M"):
                        sequence = (sequence + 1) % 1000
                    number = make_resident_id(district_code, birth, sequence)
                    if number not in used_ids:
                        used_ids.add(number)
                        break
                batch.append(
                    elder_build(
                        name=rules.chinese_name(
                            rng, surnames=surnames, given=names["male" if sex == "M" else "female"]
                        ),
                        id_number=number,
                        sex=sex,
                        birth_date=birth,
                        residence_division_id=code,
                        phone=rules.mobile_number(rng) if rng.random() < 0.7 else "",
                        address=f"{street_name}{name.removesuffix('居委会').removesuffix('委会')}{n + 1}号",
                        living_situation=rules.living_situation(
                            rng,
                            rural=rural,
                            alone=living["alone"],
                            empty_nest=living["empty_nest"],
                            left_behind_rural=living["left_behind_rural"],
                        ),
                        economic_status=rules.economic_status(
                            rng, tekun=economic["tekun"], dibao=economic["dibao"], dibian=economic["dibian"]
                        ),
                        lon=lon + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES),
                        lat=lat + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES),
                    )
                )
                if len(batch) >= BATCH:
                    created += _insert(batch, polygons[district_code], rows, actor, district_code)
                    batch = []
        if batch:
            created += _insert(batch, polygons[district_code], rows, actor, district_code)
    return created


def _insert(batch: list[Elder], polygon: Any, rows: list[Any], actor: Any, district_code: str) -> int:
    """Keep jittered points inside the district: a point that fell outside goes back to its community."""
    xs = np.array([e.lon for e in batch])
    ys = np.array([e.lat for e in batch])
    inside = shapely.contains_xy(polygon, xs, ys)
    if not inside.all():
        centre = {row[0]: (row[2], row[3]) for row in rows}
        for elder, ok in zip(batch, inside, strict=True):
            if not ok:
                elder.lon, elder.lat = centre[elder.residence_division_id]
    return elders_bulk_insert(elders=batch, actor=actor, source="demo_city", division_code=district_code)


def _first_child(code: str) -> Division:
    child = Division.objects.filter(parent_id=code).exclude(name__contains="虚拟").order_by("code").first()
    if child is None:
        raise DomainError("demo_division_missing", f"{code} has no subdivisions loaded.")
    return child


def create_demo_accounts(
    *, city_key: str, profile: CityProfile, actor: Any = None
) -> list[tuple[str, str, str]]:
    """One account per role, bound inside the demo district; existing ones are left as they are."""
    city = load_inputs()["cities"][city_key]
    district = Division.objects.get(code=city["demo_district"])
    street = _first_child(district.code)
    community = _first_child(street.code)
    city_division = profile.division
    organisations = {
        kind: Organisation.objects.get_or_create(name=name, kind=kind, defaults={"division": division})[0]
        for kind, name, division in [
            (OrganisationKind.INSTITUTION, f"{district.name}社会福利中心", street),
            (OrganisationKind.PROVIDER, f"{district.name}颐康居家养老服务中心", street),
        ]
    }
    plan: list[tuple[str, str, Division | None, Organisation | None, str]] = [
        ("city_admin", Role.CITY_ADMIN, city_division, None, "市民政局 管理员"),
        ("district_officer", Role.DISTRICT_OFFICER, district, None, f"{district.name}民政局 科员"),
        ("street_officer", Role.STREET_OFFICER, street, None, f"{street.name} 社会事务办"),
        ("community_worker", Role.COMMUNITY_WORKER, community, None, f"{community.name} 社工"),
        ("assessor", Role.ASSESSOR, district, None, "评估员 李评"),
        (
            "institution_operator",
            Role.INSTITUTION_OPERATOR,
            None,
            organisations[OrganisationKind.INSTITUTION],
            "机构 院长",
        ),
        (
            "provider_manager",
            Role.PROVIDER_MANAGER,
            None,
            organisations[OrganisationKind.PROVIDER],
            "服务商 经理",
        ),
        (
            "provider_worker",
            Role.PROVIDER_WORKER,
            None,
            organisations[OrganisationKind.PROVIDER],
            "护理员 王护",
        ),
        ("emergency_operator", Role.EMERGENCY_OPERATOR, city_division, None, "平安通 坐席"),
        ("volunteer", Role.VOLUNTEER, None, None, "志愿者 张志"),
        ("inspector", Role.INSPECTOR, city_division, None, "监督员 赵督"),
        ("elder", Role.ELDER, None, None, "老人 陈伯"),
        ("family", Role.FAMILY, None, None, "家属 陈女士"),
    ]
    accounts = []
    for username, role, division, organisation, display in plan:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                display_name=display,
                division=division,
                organisation=organisation,
                actor=actor,
            )
        bound = division.name if division else organisation.name if organisation else "—"
        accounts.append((username, str(Role(role).label), bound))
    return accounts


def relax_two_factor_for_demo(*, profile: CityProfile, today: date, actor: Any = None) -> None:
    """Demo accounts sign in with a password only; the change is a normal, audited policy version."""
    if policy_value("security.require_2fa_roles", on=today, profile_code=profile.code, default=[]).value:
        policy_set(
            profile=profile,
            key="security.require_2fa_roles",
            value=[],
            valid_from=today,
            actor=actor,
            reason="Demo city: two-factor sign-in off so that the demo accounts can sign in.",
        )


def build_demo_city(
    *, city_key: str, scale: float, seed: int, today: date, reset: bool = False, actor: Any = None
) -> DemoReport:
    inputs = load_inputs()
    if city_key not in inputs["cities"]:
        raise DomainError("demo_city_unknown", f"Unknown demo city {city_key!r}.", sorted(inputs["cities"]))
    city_code = inputs["cities"][city_key]["division"]
    with transaction.atomic():
        profile = ensure_reference_data(city_code=city_code, profile_code=city_key)
    existing = Elder.objects.filter(residence_division__code__startswith=city_code)
    if existing.exists():
        if not reset:
            raise DomainError("demo_city_exists", "This city already has elders; use --reset to rebuild it.")
        # Apps that refer to elders delete their own rows first (`@demo_reset`); then a raw delete is fast.
        with transaction.atomic():
            for reset_app in registered_resets():
                reset_app(city_code)
            existing._raw_delete(existing.db)
    report = DemoReport(city=city_key)
    started = time.perf_counter()
    report.elders = generate_elders(city_key=city_key, scale=scale, seed=seed, today=today, actor=actor)
    report.seconds["elders"] = time.perf_counter() - started
    with transaction.atomic():
        report.accounts = create_demo_accounts(city_key=city_key, profile=profile, actor=actor)
        if profile.code == _installation_profile():
            relax_two_factor_for_demo(profile=profile, today=today, actor=actor)
    ctx = DemoContext(
        city_key=city_key, city_code=city_code, scale=scale, seed=seed, today=today, actor=actor
    )
    for _order, name, step in registered_steps():
        started = time.perf_counter()
        with transaction.atomic():
            step(ctx)
        report.steps.append(name)
        report.seconds[name] = time.perf_counter() - started
    report.notes = ctx.notes
    report.assumptions = [
        inputs["living"]["source"],
        inputs["economic"]["source"],
        inputs["cities"][city_key]["district_source"],
    ]
    return report


def _installation_profile() -> str:
    from django.conf import settings

    return str(settings.CITY_PROFILE)
