"""The facilities part of the demo city: facilities in the numbers and shares of each city's plan
(scaled), beds by room with the plan's nursing and dementia shares, residents, star ratings, licences,
incidents and a small waitlist. Inputs and their sources: data/demo.toml."""

from __future__ import annotations

import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from eldercare.core.models import Division, DivisionLevel, Organisation, OrganisationKind
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.facilities import rules
from eldercare.facilities.choices import FacilityStatus, MedicalForm, Ownership, ProfitType, RatingStatus
from eldercare.facilities.models import (
    Bed,
    Facility,
    Filing,
    Incident,
    Licence,
    MonthlyReport,
    Rating,
    Residency,
    RiskAssessment,
    WaitlistApplication,
    WaitlistOffer,
    WaitlistPositionChange,
)
from eldercare.registry.models import Elder

DATA = Path(__file__).parent / "data" / "demo.toml"
DEMO_CREDIT_PREFIX = "DEMOFAC"
KIND_NAMES = {
    "institution": "养老院",
    "tekun_facility": "敬老院",
    "street_complex": "街道养老服务综合体",
    "day_care": "社区日间照料中心",
    "rural_day_care": "农村互助照料中心",
    "home_care_station": "居家养老服务站",
    "canteen": "长者食堂",
    "rural_welfare_home": "农村福利院",
}


@demo_reset
def facilities_demo_reset(city_code: str) -> None:
    """Remove the city's facility rows (residencies and applications refer to its elders)."""
    facilities = Facility.objects.filter(division__code__startswith=city_code)
    WaitlistPositionChange.objects.filter(application__facility__in=facilities).delete()
    WaitlistOffer.objects.filter(application__facility__in=facilities).delete()
    Residency.objects.filter(facility__in=facilities).update(application=None)
    WaitlistApplication.objects.filter(facility__in=facilities).delete()
    for model in (Incident, RiskAssessment, Residency, MonthlyReport, Rating, Licence, Filing, Bed):
        model.objects.filter(facility__in=facilities).delete()
    facilities.delete()
    Organisation.objects.filter(
        division__code__startswith=city_code, credit_code__startswith=DEMO_CREDIT_PREFIX
    ).delete()


def _scaled(n: float, scale: float) -> int:
    return max(1, round(n * scale)) if n else 0


@demo_step(order=40)
def facilities_demo(ctx: DemoContext) -> None:
    inputs = tomllib.loads(DATA.read_text(encoding="utf-8"))[ctx.city_key]
    rng = ctx.rng("facilities")
    communities = list(
        Division.objects.filter(code__startswith=ctx.city_code, level=DivisionLevel.COMMUNITY)
        .order_by("code")
        .values_list("code", "lon", "lat")
    )
    if not communities:
        return
    home_org = Organisation.objects.filter(
        kind=OrganisationKind.INSTITUTION,
        division__code__startswith=ctx.city_code,
        name__endswith="社会福利中心",
    ).first()
    plan: list[tuple[str, str]] = []  # (model kind, label kind)
    for label_kind, count in inputs["kinds"].items():
        model_kind = "day_care" if label_kind == "rural_day_care" else label_kind
        plan += [(model_kind, label_kind)] * _scaled(count, ctx.scale)
    rng.shuffle(plan)
    institutions = [i for i, (k, _l) in enumerate(plan) if k in rules.INSTITUTION_KINDS]
    if home_org is not None and institutions:  # the demo operator account runs the first institution
        plan.insert(0, plan.pop(institutions[0]))
        institutions = [i for i, (k, _l) in enumerate(plan) if k in rules.INSTITUTION_KINDS]
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"演示运营机构{n}",
                kind=OrganisationKind.INSTITUTION,
                division_id=rng.choice(communities)[0],
                credit_code=f"{DEMO_CREDIT_PREFIX}{ctx.seed % 100:02d}{n:09d}",
            )
            for n in range(len(plan))
        ]
    )
    opened = ctx.today - timedelta(days=3650)
    facilities = []
    for n, ((kind, label), org) in enumerate(zip(plan, orgs, strict=True)):
        code, lon, lat = rng.choice(communities)
        public = kind == "tekun_facility" or rng.random() < float(inputs["public_share"])
        facilities.append(
            Facility(
                name=f"{KIND_NAMES[label]}{n + 1:04d}",
                kind=kind,
                ownership=(
                    rng.choice([Ownership.PUBLIC, Ownership.PUBLIC_PRIVATE]) if public else Ownership.PRIVATE
                ),
                profit_type=ProfitType.NON_PROFIT if public or rng.random() < 0.5 else ProfitType.FOR_PROFIT,
                operator=home_org if n == 0 and home_org is not None else org,
                division_id=code,
                address=f"演示路{rng.randint(1, 999)}号",
                lon=(lon or 0) + rng.uniform(-0.004, 0.004) if lon else None,
                lat=(lat or 0) + rng.uniform(-0.004, 0.004) if lat else None,
                opened_on=opened + timedelta(days=rng.randint(0, 3000)),
                status=FacilityStatus.OPERATING,
                medical_form=(
                    MedicalForm.ONSITE_CLINIC
                    if kind in rules.INSTITUTION_KINDS
                    and rng.random() < float(inputs["medical_onsite_share"])
                    else MedicalForm.HOSPITAL_AGREEMENT
                    if kind in rules.INSTITUTION_KINDS
                    else MedicalForm.NONE
                ),
                insurance_designated=rng.random() < 0.2,
                filing_no=f"{code[:6]}-DEMO-{n + 1:05d}",
                publicly_listed=True,
                publish_free_beds=rng.random() < 0.7,
                price_min_fen=rng.choice([150000, 200000, 250000]),
                price_max_fen=rng.choice([400000, 600000, 800000]),
                contact_phone=f"0{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
            )
        )
    facilities = Facility.objects.bulk_create(facilities, batch_size=2000)
    inst = [f for f in facilities if f.kind in rules.INSTITUTION_KINDS]
    others = [f for f in facilities if f.kind in ("street_complex", "day_care")]
    beds = _beds(ctx, rng, inst, _scaled(inputs["institution_beds"], ctx.scale), inputs, institutions=True)
    beds += _beds(ctx, rng, others, _scaled(inputs["other_beds"], ctx.scale), inputs, institutions=False)
    Bed.objects.bulk_create(beds, batch_size=5000)
    occupied = _residents(ctx, rng, float(inputs["occupancy"]))
    _ratings(ctx, rng, inst, inputs["rated"])
    _licences(ctx, rng, inst)
    ctx.notes.append(
        f"facilities: {len(facilities)} facilities ({len(inst)} institutions), {len(beds)} beds, "
        f"{occupied} residents; {inputs['source']}"
    )


def _beds(
    ctx: DemoContext,
    rng: Any,
    facilities: list[Facility],
    total: int,
    inputs: dict[str, Any],
    *,
    institutions: bool,
) -> list[Bed]:
    if not facilities or not total:
        return []
    weights = [rng.uniform(0.3, 1.7) for _ in facilities]
    scale = total / sum(weights)
    counts = [max(1, round(w * scale)) for w in weights]
    dementia_left = _scaled(inputs["dementia_beds"], ctx.scale) if institutions else 0
    out = []
    start = ctx.today - timedelta(days=365)
    for facility, count in zip(facilities, counts, strict=True):
        nursing = round(count * float(inputs["nursing_share"])) if institutions else 0
        dementia = min(dementia_left, max(0, round(count * 0.04))) if institutions else 0
        dementia_left -= dementia
        types = ["nursing"] * nursing + ["dementia"] * dementia
        types += ["ordinary"] * (count - len(types))
        for i, bed_type in enumerate(types[:count]):
            out.append(
                Bed(
                    facility=facility,
                    building=str(1 + i // 120),
                    floor=str(1 + (i // 30) % 4),
                    room=f"{1 + (i // 30) % 4}{(i % 30) // 3 + 1:02d}",
                    number=str(i % 3 + 1),
                    bed_type=bed_type,
                    in_service_from=start,
                )
            )
    return out


def _residents(ctx: DemoContext, rng: Any, occupancy: float) -> int:
    """Fill a share of institution beds with the city's oldest active elders (status in_institution)."""
    beds = list(
        Bed.objects.filter(
            facility__division__code__startswith=ctx.city_code, facility__kind__in=rules.INSTITUTION_KINDS
        )
        .order_by("id")
        .values_list("id", "facility_id")
    )
    chosen = [b for b in beds if rng.random() < occupancy]
    elders = list(
        Elder.objects.filter(residence_division__code__startswith=ctx.city_code, status="active")
        .order_by("birth_date", "id")
        .values_list("id", flat=True)[: len(chosen)]
    )
    tz = timezone.get_current_timezone()
    stays = [
        Residency(
            facility_id=facility_id,
            bed_id=bed_id,
            elder_id=elder_id,
            started_at=datetime.combine(ctx.today - timedelta(days=rng.randint(1, 900)), time(10), tzinfo=tz),
            admission_note="demo",
        )
        for (bed_id, facility_id), elder_id in zip(chosen, elders, strict=False)
    ]
    Residency.objects.bulk_create(stays, batch_size=5000)
    Bed.objects.filter(pk__in=[s.bed_id for s in stays]).update(state="occupied")
    Elder.objects.filter(pk__in=[s.elder_id for s in stays]).update(status="in_institution")
    return len(stays)


def _ratings(ctx: DemoContext, rng: Any, institutions: list[Facility], rated: dict[str, int]) -> None:
    from eldercare.facilities.services import rating_sheets_load

    sheet = rating_sheets_load()
    thresholds = {lv["stars"]: lv["min_total"] for lv in sheet.definition["levels"]}
    pool = list(institutions)
    rng.shuffle(pool)
    rows = []
    for stars_text, count in sorted(rated.items(), reverse=True):
        stars = int(stars_text)
        for _ in range(_scaled(count, ctx.scale)):
            if not pool:
                break
            facility = pool.pop()
            start = ctx.today - timedelta(days=rng.randint(30, 900))
            total = thresholds[stars] + rng.randint(0, 40)
            rows.append(
                Rating(
                    facility=facility,
                    sheet=sheet,
                    status=RatingStatus.PUBLISHED,
                    self_total=min(1000, total + 20),
                    self_stars=stars,
                    review_total=total,
                    stars=stars,
                    reasons=[f"demo: level {stars}"],
                    reviewed_by="inspector",
                    published_at=timezone.now(),
                    valid_from=start,
                    valid_until=start.replace(year=start.year + 3) - timedelta(days=1),
                )
            )
    Rating.objects.bulk_create(rows, batch_size=2000)


def _licences(ctx: DemoContext, rng: Any, institutions: list[Facility]) -> None:
    rows = []
    for facility in institutions:
        for kind in ("fire_safety", "food"):
            start = ctx.today - timedelta(days=rng.randint(100, 1000))
            rows.append(
                Licence(
                    facility=facility,
                    kind=kind,
                    number=f"{kind[:2].upper()}-{facility.pk}",
                    issued_by="演示发证机关",
                    valid_from=start,
                    valid_until=ctx.today + timedelta(days=rng.randint(-20, 1000)),
                )
            )
    Licence.objects.bulk_create(rows, batch_size=2000)
