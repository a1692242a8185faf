"""What the facility register contributes to plan monitoring (discovered by eldercare.planning.registry).

Definitions (docs/indicators.md, WH01–WH03, WH05, WH09, WH10, JM02–JM04), all as of a date d (the month's
last day, today for the current month), each a grouped computation keyed by division codes:

- A facility **operates on d** when it opened on or before d (or has no opening date) and is operating
  now, or was closed after d (closed_on > d). Suspension is not dated and is taken as recorded now.
- A bed is **in use on d** when in_service_from ≤ d and it is not retired (retired_on empty or after d):
  a bed retired on the month's last day no longer counts for that month.
- A rating is **valid on d** when it is published with 1–5 stars and valid_from ≤ d ≤ valid_until (an
  empty valid_until has no end): a rating expiring on the month's last day still counts for that month.
- Facilities and beds are counted in the facility's division (its community).
- WH02 (GB 38600 basic norms): inspections are of the operating organisation (supervision.Inspection);
  an institution meets the norms when the latest done `gb38600` inspection of its operator conducted on
  or before d passed. Never inspected: in the denominator, not in the numerator.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel
from eldercare.facilities.choices import BedState, BedType, FacilityKind, FacilityStatus, RatingStatus
from eldercare.facilities.models import Bed, Facility, Rating
from eldercare.planning import rules as planning_rules
from eldercare.planning.exchange.datasets import export_dataset
from eldercare.planning.registry import Measure, indicator_computation, key_counts

# WH10: beds of 养老服务机构 (institutions, street complexes, 特困供养 facilities, rural welfare homes).
CARE_BED_KINDS = (
    FacilityKind.INSTITUTION,
    FacilityKind.STREET_COMPLEX,
    FacilityKind.TEKUN_FACILITY,
    FacilityKind.RURAL_WELFARE_HOME,
)
BASIC_NORMS_CHECKLIST = "gb38600"
URBAN_COMMUNITY_SUFFIXES = (1, 399)  # 居委会: digits 10–12 of a community code
EXCLUDED_STREET_SUFFIXES = (400, 599)  # 开发区、农场 … : digits 7–9 of a street code


def operating_q(on: date, prefix: str = "") -> Q:
    """Facilities operating on `on` (see the module docstring); `prefix` for lookups through a relation."""
    p = f"{prefix}__" if prefix else ""
    opened = Q(**{f"{p}opened_on__isnull": True}) | Q(**{f"{p}opened_on__lte": on})
    running = Q(**{f"{p}status": FacilityStatus.OPERATING}) | Q(
        **{f"{p}status": FacilityStatus.CLOSED, f"{p}closed_on__gt": on}
    )
    return opened & running


def beds_in_use_q(on: date) -> Q:
    return Q(in_service_from__lte=on) & (Q(retired_on__isnull=True) | Q(retired_on__gt=on))


def valid_rating_q(on: date) -> Q:
    return Q(status=RatingStatus.PUBLISHED, stars__gte=1, stars__lte=5, valid_from__lte=on) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def operating_facilities(division_code: str, on: date, *kinds: str) -> QuerySet[Facility]:
    return Facility.objects.filter(
        operating_q(on), kind__in=list(kinds), division__code__startswith=division_code
    )


def beds_in_use(division_code: str, on: date, *kinds: str) -> QuerySet[Bed]:
    """Beds in use on `on` in facilities of `kinds` operating on `on`."""
    return Bed.objects.filter(
        beds_in_use_q(on),
        operating_q(on, "facility"),
        facility__kind__in=list(kinds),
        facility__division__code__startswith=division_code,
    )


def institution_beds_on(division_code: str, on: date) -> dict[str, int]:
    """Institution (养老机构) beds in use on `on` per division: the denominator of WH01 and WH08."""
    return dict(
        beds_in_use(division_code, on, FacilityKind.INSTITUTION)
        .values("facility__division_id")
        .annotate(n=Count("id"))
        .values_list("facility__division_id", "n")
        .order_by()
    )


def _suffix_in(code: str, start: int, bounds: tuple[int, int]) -> bool:
    tail = code[start : start + 3]
    return tail.isdigit() and bounds[0] <= int(tail) <= bounds[1]


# ---- plan indicators -----------------------------------------------------------------------------------
@indicator_computation("nursing_bed_share", grouped=True)
def nursing_bed_share(division_code: str, on: date) -> dict[str, Measure]:
    """WH01/JM02: nursing beds ÷ all beds in use on `on` in operating institutions (dementia beds count in
    the denominator only)."""
    rows = (
        beds_in_use(division_code, on, FacilityKind.INSTITUTION)
        .values("facility__division_id")
        .annotate(n=Count("id"), nursing=Count("id", filter=Q(bed_type=BedType.NURSING)))
        .order_by()
    )
    return {r["facility__division_id"]: Measure(r["nursing"], r["n"]) for r in rows}


@indicator_computation("care_facility_beds", grouped=True)
def care_facility_beds(division_code: str, on: date) -> dict[str, Measure]:
    """WH10: beds in use on `on` in operating institutions, street complexes, 特困 facilities and rural
    welfare homes (a count)."""
    rows = (
        beds_in_use(division_code, on, *CARE_BED_KINDS)
        .values("facility__division_id")
        .annotate(n=Count("id"))
        .values_list("facility__division_id", "n")
        .order_by()
    )
    return {code: Measure(n) for code, n in rows}


@indicator_computation("institution_rating_coverage", grouped=True)
def institution_rating_coverage(division_code: str, on: date) -> dict[str, Measure]:
    """WH09: operating institutions holding a rating valid on `on` ÷ operating institutions."""
    rated = Rating.objects.filter(valid_rating_q(on), facility_id=OuterRef("pk"))
    rows = (
        operating_facilities(division_code, on, FacilityKind.INSTITUTION)
        .annotate(rated=Exists(rated))
        .values("division_id")
        .annotate(n=Count("id"), rated_n=Count("id", filter=Q(rated=True)))
        .order_by()
    )
    return {r["division_id"]: Measure(r["rated_n"], r["n"]) for r in rows}


@indicator_computation("institutions_meeting_basic_standard", grouped=True)
def institutions_meeting_basic_standard(division_code: str, on: date) -> dict[str, Measure]:
    """WH02: operating institutions whose operator's latest GB 38600 inspection up to `on` passed ÷
    operating institutions (two queries)."""
    from eldercare.supervision.choices import InspectionStatus
    from eldercare.supervision.models import Inspection

    institutions = list(
        operating_facilities(division_code, on, FacilityKind.INSTITUTION).values_list(
            "division_id", "operator_id"
        )
    )
    latest: dict[int, bool] = {}
    for org_id, passed in (
        Inspection.objects.filter(
            organisation_id__in={org for _code, org in institutions},
            status=InspectionStatus.DONE,
            checklist__code=BASIC_NORMS_CHECKLIST,
            conducted_on__lte=on,
        )
        .order_by("organisation_id", "-conducted_on", "-id")
        .values_list("organisation_id", "passed")
    ):
        latest.setdefault(org_id, bool(passed))
    out: dict[str, Measure] = {}
    for code, org_id in institutions:
        out[code] = out.get(code, Measure(0, 0)) + Measure(1 if latest.get(org_id) else 0, 1)
    return out


@indicator_computation("day_care_community_coverage", grouped=True)
def day_care_community_coverage(division_code: str, on: date) -> dict[str, Measure]:
    """WH03: urban communities (居委会, digits 10–12 in 001–399) with at least one day-care centre operating
    on `on` ÷ all urban communities. Measure(covered 0/1, 1) per community."""
    communities = [
        code
        for code in Division.objects.filter(
            code__startswith=division_code, level=DivisionLevel.COMMUNITY
        ).values_list("code", flat=True)
        if _suffix_in(code, 9, URBAN_COMMUNITY_SUFFIXES)
    ]
    covered = set(
        operating_facilities(division_code, on, FacilityKind.DAY_CARE).values_list("division_id", flat=True)
    )
    return {code: Measure(1 if code in covered else 0, 1) for code in communities}


@indicator_computation("street_comprehensive_centre_coverage", grouped=True)
def street_comprehensive_centre_coverage(division_code: str, on: date) -> dict[str, Measure]:
    """WH05/JM04: streets and towns (digits 7–9 not in 400–599) with at least one street complex operating
    on `on` (in the street or one of its communities) ÷ all such streets. Measure(0/1, 1) per street."""
    length = CODE_LENGTH[DivisionLevel.STREET]
    streets = [
        code
        for code in Division.objects.filter(
            code__startswith=division_code, level=DivisionLevel.STREET
        ).values_list("code", flat=True)
        if not _suffix_in(code, 6, EXCLUDED_STREET_SUFFIXES)
    ]
    covered = {
        code[:length]
        for code in operating_facilities(division_code, on, FacilityKind.STREET_COMPLEX).values_list(
            "division_id", flat=True
        )
    }
    return {code: Measure(1 if code in covered else 0, 1) for code in streets}


@indicator_computation("county_tekun_facility_3star", grouped=True)
def county_tekun_facility_3star(division_code: str, on: date) -> dict[str, Measure]:
    """JM03: counties (县、市、区) with at least one 特困 facility operating on `on` and holding a valid
    rating of 3 stars or more ÷ all counties. Measure(0/1, 1) per county (no street value)."""
    length = CODE_LENGTH[DivisionLevel.COUNTY]
    counties = Division.objects.filter(
        code__startswith=division_code, level=DivisionLevel.COUNTY
    ).values_list("code", flat=True)
    three_star = Rating.objects.filter(valid_rating_q(on), stars__gte=3, facility_id=OuterRef("pk"))
    covered = {
        code[:length]
        for code in operating_facilities(division_code, on, FacilityKind.TEKUN_FACILITY)
        .filter(Exists(three_star))
        .values_list("division_id", flat=True)
    }
    return {code: Measure(1 if code in covered else 0, 1) for code in counties}


# ---- key counts ----------------------------------------------------------------------------------------
FACILITY_LABELS = {f"facilities.{kind.value}": str(kind.label) for kind in FacilityKind}
BED_LABELS = {
    "beds.total": "在用床位（各类设施）",
    "beds.nursing": "护理型床位",
    "beds.dementia": "认知症床位",
    "beds.ordinary": "普通床位",
    "beds.occupied": "已入住床位",
}
LABELS = {**FACILITY_LABELS, **BED_LABELS}
UNITS = {**dict.fromkeys(FACILITY_LABELS, "家"), **dict.fromkeys(BED_LABELS, "张")}


@key_counts("facilities.register", labels=LABELS, units=UNITS)
def facility_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    """Facilities operating on the month's last day by kind, and their beds in use by type (by the
    facility's division). `beds.occupied` is the bed's current state (not dated)."""
    out: dict[str, dict[str, float]] = {key: {} for key in LABELS}
    for code, kind, n in (
        Facility.objects.filter(operating_q(end), division__code__startswith=division_code)
        .values_list("division_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[f"facilities.{kind}"][code] = n
    rows = (
        Bed.objects.filter(
            beds_in_use_q(end),
            operating_q(end, "facility"),
            facility__division__code__startswith=division_code,
        )
        .values("facility__division_id")
        .annotate(
            total=Count("id"),
            nursing=Count("id", filter=Q(bed_type=BedType.NURSING)),
            dementia=Count("id", filter=Q(bed_type=BedType.DEMENTIA)),
            ordinary=Count("id", filter=Q(bed_type=BedType.ORDINARY)),
            occupied=Count("id", filter=Q(state=BedState.OCCUPIED)),
        )
        .order_by()
    )
    for row in rows:
        values: dict[str, Any] = dict(row)
        code = values.pop("facility__division_id")
        for name, value in values.items():
            out[f"beds.{name}"][code] = value
    return out


# ---- export data sets ----------------------------------------------------------------------------------
@export_dataset(
    "institutions",
    schema_version="1.0",
    title="养老服务设施 Care facilities",
    columns=[
        "facility_id",
        "name",
        "kind",
        "division_code",
        "ownership",
        "profit_type",
        "operator_credit_code",
        "status",
        "opened_on",
        "closed_on",
        "capacity",
        "beds_in_use",
        "nursing_beds",
        "rating_stars",
        "medical_form",
        "filing_no",
    ],
)
def institution_rows(division_code: str, month: date) -> Iterator[dict[str, Any]]:
    """Facilities operating on the month's last day, with beds in use and the rating valid that day."""
    end = planning_rules.month_end(month)
    beds: dict[int, tuple[int, int]] = {
        r["facility_id"]: (r["n"], r["nursing"])
        for r in Bed.objects.filter(beds_in_use_q(end), facility__division__code__startswith=division_code)
        .values("facility_id")
        .annotate(n=Count("id"), nursing=Count("id", filter=Q(bed_type=BedType.NURSING)))
        .order_by()
    }
    stars: dict[int, int] = {}
    for facility_id, n in (
        Rating.objects.filter(valid_rating_q(end), facility__division__code__startswith=division_code)
        .order_by("facility_id", "-valid_from", "-id")
        .values_list("facility_id", "stars")
    ):
        stars.setdefault(facility_id, n)
    qs = (
        Facility.objects.filter(operating_q(end), division__code__startswith=division_code)
        .select_related("operator")
        .order_by("division_id", "id")
    )
    for f in qs:
        n, nursing = beds.get(f.pk, (0, 0))
        yield {
            "facility_id": f.pk,
            "name": f.name,
            "kind": f.kind,
            "division_code": f.division_id,
            "ownership": f.ownership,
            "profit_type": f.profit_type,
            "operator_credit_code": f.operator.credit_code,
            "status": f.status,
            "opened_on": f.opened_on.isoformat() if f.opened_on else "",
            "closed_on": f.closed_on.isoformat() if f.closed_on else "",
            "capacity": f.capacity,
            "beds_in_use": n,
            "nursing_beds": nursing,
            "rating_stars": stars.get(f.pk, 0),
            "medical_form": f.medical_form,
            "filing_no": f.filing_no,
        }


@export_dataset(
    "beds",
    schema_version="1.0",
    title="床位（按设施、类型）Beds by facility and type",
    columns=["facility_id", "facility_kind", "division_code", "bed_type", "beds_in_use", "occupied"],
)
def bed_rows(division_code: str, month: date) -> Iterator[dict[str, Any]]:
    """Beds in use on the month's last day in operating facilities, per facility and bed type."""
    end = planning_rules.month_end(month)
    rows = (
        Bed.objects.filter(
            beds_in_use_q(end),
            operating_q(end, "facility"),
            facility__division__code__startswith=division_code,
        )
        .values("facility_id", "facility__kind", "facility__division_id", "bed_type")
        .annotate(n=Count("id"), occupied=Count("id", filter=Q(state=BedState.OCCUPIED)))
        .order_by("facility__division_id", "facility_id", "bed_type")
    )
    for r in rows:
        yield {
            "facility_id": r["facility_id"],
            "facility_kind": r["facility__kind"],
            "division_code": r["facility__division_id"],
            "bed_type": r["bed_type"],
            "beds_in_use": r["n"],
            "occupied": r["occupied"],
        }
