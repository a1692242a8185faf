"""Reads of the facilities module: scoped lists and single objects, the bed and rating indicators, the
waitlist as the rules see it, and the public list (no personal data).

Indicator definitions (the planning module calls these; each returns plain numbers):

- 养老机构床位 (institution beds) on a date: beds in service that day in 养老机构 (`rules.INSTITUTION_KINDS`:
  institutions, 农村福利院, 特困供养服务机构) that are open that day, inside the division.
- 养老机构护理型床位占比 = nursing beds (护理型) / institution beds, both as above. Dementia beds (认知症) are
  counted separately and are not nursing beds (Wuhan counts them against their own target of 2,000).
- 养老机构等级评定覆盖率 = 养老机构 open on the date holding a published rating of 1–5 stars valid that day
  / 养老机构 open on the date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone

from eldercare.core.models import Division
from eldercare.core.scope import DataScope
from eldercare.core.selectors import policy_value
from eldercare.facilities import rules
from eldercare.facilities.choices import (
    OPEN_APPLICATION_STATUSES,
    BedState,
    FacilityKind,
    FacilityStatus,
    FilingStatus,
    MedicalForm,
    OfferStatus,
    Ownership,
    RatingStatus,
)
from eldercare.facilities.models import (
    Bed,
    Facility,
    Filing,
    Incident,
    Licence,
    MonthlyReport,
    Rating,
    RatingSheet,
    Residency,
    RiskAssessment,
    WaitlistApplication,
    WaitlistOffer,
    WaitlistPositionChange,
)
from eldercare.facilities.policy_keys import DEFAULT_SETTINGS


def facility_settings(on: date | None = None) -> dict[str, Any]:
    return {**DEFAULT_SETTINGS, **(policy_value("facilities.settings", on=on, default={}).value or {})}


def end_of_day(on: date) -> datetime:
    """The first instant of the next day, local time: counts 'on a date' are counts at its end."""
    return datetime.combine(on + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())


# ---- facilities -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FacilityFilter:
    kind: str = ""
    status: str = ""
    ownership: str = ""
    division_code: str = ""
    search: str = ""


def facility_list(*, scope: DataScope, filters: FacilityFilter | None = None) -> QuerySet[Facility]:
    """Facilities in scope with their bed counts (one query for the page, whatever its length)."""
    f = filters or FacilityFilter()
    qs = Facility.objects.for_scope(scope).select_related("division", "operator")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.ownership:
        qs = qs.filter(ownership=f.ownership)
    if f.division_code:
        qs = qs.filter(division__code__startswith=f.division_code)
    if f.search:
        qs = qs.filter(Q(name__icontains=f.search) | Q(address__icontains=f.search))
    return qs.annotate(beds_total=_bed_count(), beds_free=_bed_count(BedState.FREE)).order_by(
        "division_id", "name", "id"
    )


def _bed_count(state: str = "") -> Any:
    """Beds of the row's facility (a correlated subquery: computed for the rows returned only)."""
    beds = Bed.objects.filter(facility=OuterRef("pk"), retired_on__isnull=True)
    if state:
        beds = beds.filter(state=state)
    counted = beds.order_by().values("facility").annotate(n=Count("id")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def access_facility(*, scope: DataScope, facility_id: int) -> Facility:
    return get_object_or_404(
        Facility.objects.for_scope(scope).select_related("division", "operator"), pk=facility_id
    )


def filing_list(*, scope: DataScope, status: str = "") -> QuerySet[Filing]:
    qs = Filing.objects.for_scope(scope).select_related("facility", "facility__division")
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(document_count=Count("documents")).order_by("-id")


def access_filing(*, scope: DataScope, filing_id: int) -> Filing:
    return get_object_or_404(
        Filing.objects.for_scope(scope).select_related("facility").prefetch_related("documents"), pk=filing_id
    )


def pending_filings(*, scope: DataScope) -> QuerySet[Filing]:
    return filing_list(scope=scope, status=FilingStatus.SUBMITTED)


def licence_list(*, scope: DataScope, facility: Facility | None = None) -> QuerySet[Licence]:
    qs = Licence.objects.for_scope(scope).select_related("facility")
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.order_by("valid_until", "id")


def licences_expiring(*, scope: DataScope, today: date, within_days: int | None = None) -> QuerySet[Licence]:
    """Licences expired or expiring within the warning period (30 days by default, a policy value)."""
    days = within_days if within_days is not None else int(facility_settings(today)["licence_warning_days"])
    return licence_list(scope=scope).filter(
        valid_until__isnull=False, valid_until__lte=today + timedelta(days=days)
    )


# ---- beds and residents -------------------------------------------------------------------------------


def bed_list(*, scope: DataScope, facility: Facility) -> QuerySet[Bed]:
    """The facility's beds, each with its open residency (if any) prefetched: two queries."""
    open_stays = Residency.objects.filter(ended_at__isnull=True).select_related("elder")
    return (
        Bed.objects.for_scope(scope)
        .filter(facility=facility)
        .prefetch_related(Prefetch("residencies", queryset=open_stays, to_attr="open_residencies"))
        .order_by("building", "floor", "room", "number")
    )


def access_bed(*, scope: DataScope, bed_id: int) -> Bed:
    return get_object_or_404(Bed.objects.for_scope(scope).select_related("facility"), pk=bed_id)


def resident_list(
    *, scope: DataScope, facility: Facility | None = None, current: bool = True
) -> QuerySet[Residency]:
    qs = Residency.objects.for_scope(scope).select_related("elder", "bed", "facility")
    if facility is not None:
        qs = qs.filter(facility=facility)
    if current:
        qs = qs.filter(ended_at__isnull=True)
    return qs.order_by("-started_at", "-id")


def access_residency(*, scope: DataScope, residency_id: int) -> Residency:
    return get_object_or_404(
        Residency.objects.for_scope(scope).select_related("elder", "bed", "facility"), pk=residency_id
    )


def incident_list(*, scope: DataScope, facility: Facility | None = None) -> QuerySet[Incident]:
    qs = Incident.objects.for_scope(scope).select_related("facility", "elder")
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.order_by("-occurred_at", "-id")


def risk_assessment_list(*, scope: DataScope, facility: Facility | None = None) -> QuerySet[RiskAssessment]:
    qs = RiskAssessment.objects.for_scope(scope).select_related("facility", "elder")
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.order_by("-assessed_on", "-id")


def report_list(*, scope: DataScope, facility: Facility | None = None) -> QuerySet[MonthlyReport]:
    qs = MonthlyReport.objects.for_scope(scope).select_related("facility")
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.order_by("-month", "facility_id")


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def facility_month_figures(*, facility: Facility, month: date) -> dict[str, Any]:
    """The figures of a monthly report, from the live data: beds by type at the month's end,
    occupancy at its end, admissions, discharges and incidents during the month."""
    first, last = month_bounds(month)
    start, end = end_of_day(first - timedelta(days=1)), end_of_day(last)
    counts = _bed_counts(
        Bed.objects.filter(facility=facility), Residency.objects.filter(facility=facility), last
    )
    stays = Residency.objects.filter(facility=facility)
    return {
        "month": first.strftime("%Y-%m"),
        "beds": counts.as_dict(),
        "admissions": stays.filter(started_at__gte=start, started_at__lt=end).count(),
        "discharges": stays.filter(ended_at__gte=start, ended_at__lt=end).count(),
        "incidents": Incident.objects.filter(
            facility=facility, occurred_at__gte=start, occurred_at__lt=end
        ).count(),
    }


# ---- indicators: bed roll-ups ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BedCounts:
    """Beds in service on a date by type, and how many were occupied at the end of that day."""

    total: int = 0
    nursing: int = 0
    dementia: int = 0
    ordinary: int = 0
    occupied: int = 0

    @property
    def nursing_share(self) -> float | None:
        """养老机构护理型床位占比 = nursing beds / institution beds."""
        return rules.share(self.nursing, self.total)

    @property
    def occupancy(self) -> float | None:
        return rules.share(self.occupied, self.total)

    def __add__(self, other: BedCounts) -> BedCounts:
        return BedCounts(
            self.total + other.total,
            self.nursing + other.nursing,
            self.dementia + other.dementia,
            self.ordinary + other.ordinary,
            self.occupied + other.occupied,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "nursing": self.nursing,
            "dementia": self.dementia,
            "ordinary": self.ordinary,
            "occupied": self.occupied,
            "nursing_share": self.nursing_share,
        }


def _in_service_q(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}in_service_from__lte": on}) & (
        Q(**{f"{prefix}retired_on__isnull": True}) | Q(**{f"{prefix}retired_on__gt": on})
    )


def _facility_open_q(on: date, prefix: str = "facility__") -> Q:
    return (Q(**{f"{prefix}opened_on__isnull": True}) | Q(**{f"{prefix}opened_on__lte": on})) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": on})
    )


def _institution_beds(division_code: str, on: date) -> QuerySet[Bed]:
    return Bed.objects.filter(
        _in_service_q(on),
        _facility_open_q(on),
        facility__division__code__startswith=division_code,
        facility__kind__in=rules.INSTITUTION_KINDS,
    )


def _occupied_q(on: date) -> Q:
    day_end = end_of_day(on)
    return Q(started_at__lt=day_end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=day_end))


def _type_counts(beds: QuerySet[Bed], group_by: list[str] | None = None) -> Any:
    aggregates = {
        "total": Count("id"),
        "nursing": Count("id", filter=Q(bed_type="nursing")),
        "dementia": Count("id", filter=Q(bed_type="dementia")),
        "ordinary": Count("id", filter=Q(bed_type="ordinary")),
    }
    if group_by:
        return beds.values(*group_by).annotate(**aggregates).order_by(*group_by)
    return beds.aggregate(**aggregates)


def _bed_counts(beds: QuerySet[Bed], stays: QuerySet[Residency], on: date) -> BedCounts:
    row = _type_counts(beds.filter(_in_service_q(on)))
    occupied = stays.filter(_occupied_q(on), bed__in=beds.filter(_in_service_q(on))).count()
    return BedCounts(row["total"], row["nursing"], row["dementia"], row["ordinary"], occupied)


def bed_counts(division_code: str, on_date: date) -> BedCounts:
    """Institution beds by type in the division (any level: city, district, street …) on a date. Two
    queries. For the indicators 养老机构护理型床位占比 (`.nursing_share`) and the dementia-bed count."""
    beds = _institution_beds(division_code, on_date)
    row = _type_counts(beds)
    occupied = Residency.objects.filter(_occupied_q(on_date), bed__in=beds).count()
    return BedCounts(row["total"], row["nursing"], row["dementia"], row["ordinary"], occupied)


def _occupied_by(beds: QuerySet[Bed], on: date, key: Any) -> dict[Any, int]:
    rows = (
        Residency.objects.filter(_occupied_q(on), bed__in=beds)
        .annotate(k=key)
        .values("k")
        .annotate(n=Count("id"))
        .values_list("k", "n")
    )
    return dict(rows)


def bed_counts_by_child_division(division_code: str, on_date: date) -> list[tuple[Division, BedCounts]]:
    """The roll-up one level down (city → districts, district → streets …); three queries. The sum of
    the children equals `bed_counts(division_code, on_date)`: every facility sits in exactly one child."""
    children = list(Division.objects.filter(parent_id=division_code).order_by("code"))
    if not children:
        return []
    length = len(children[0].code)
    key = Substr("facility__division_id", 1, length)
    beds = _institution_beds(division_code, on_date)
    rows = {r["child"]: r for r in _type_counts(beds.annotate(child=key), ["child"])}
    occupied = _occupied_by(beds, on_date, Substr("bed__facility__division_id", 1, length))
    out = []
    for child in children:
        r = rows.get(child.code)
        counts = (
            BedCounts(r["total"], r["nursing"], r["dementia"], r["ordinary"], occupied.get(child.code, 0))
            if r
            else BedCounts()
        )
        out.append((child, counts))
    return out


def bed_counts_by_facility(division_code: str, on_date: date) -> dict[int, BedCounts]:
    """Institution → counts, for every institution in the division (two queries)."""
    beds = _institution_beds(division_code, on_date)
    occupied = dict(
        Residency.objects.filter(_occupied_q(on_date), bed__in=beds)
        .values("facility_id")
        .annotate(n=Count("id"))
        .values_list("facility_id", "n")
    )
    return {
        r["facility_id"]: BedCounts(
            r["total"], r["nursing"], r["dementia"], r["ordinary"], occupied.get(r["facility_id"], 0)
        )
        for r in _type_counts(beds, ["facility_id"])
    }


def bed_counts_by_room(facility_id: int, on_date: date) -> dict[tuple[str, str, str], BedCounts]:
    """(building, floor, room) → counts for one facility (two queries)."""
    beds = Bed.objects.filter(_in_service_q(on_date), facility_id=facility_id)
    occupied: dict[tuple[str, str, str], int] = defaultdict(int)
    for b, f, r in Residency.objects.filter(_occupied_q(on_date), bed__in=beds).values_list(
        "bed__building", "bed__floor", "bed__room"
    ):
        occupied[(b, f, r)] += 1
    return {
        (r["building"], r["floor"], r["room"]): BedCounts(
            r["total"],
            r["nursing"],
            r["dementia"],
            r["ordinary"],
            occupied[(r["building"], r["floor"], r["room"])],
        )
        for r in _type_counts(beds, ["building", "floor", "room"])
    }


def occupancy_series(*, facility_id: int, start: date, end: date) -> list[tuple[date, int, int]]:
    """(day, occupied, beds) for each day from start to end: occupancy over time (two queries)."""
    beds = list(Bed.objects.filter(facility_id=facility_id).values_list("in_service_from", "retired_on"))
    stays = list(
        Residency.objects.filter(facility_id=facility_id, started_at__lt=end_of_day(end))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end_of_day(start)))
        .values_list("started_at", "ended_at")
    )
    out = []
    day = start
    while day <= end:
        day_end = end_of_day(day)
        n_beds = sum(1 for f, r in beds if f <= day and (r is None or r > day))
        n_occ = sum(1 for s, e in stays if s < day_end and (e is None or e >= day_end))
        out.append((day, n_occ, n_beds))
        day += timedelta(days=1)
    return out


@dataclass(frozen=True, slots=True)
class Coverage:
    rated: int
    institutions: int

    @property
    def share(self) -> float | None:
        return rules.share(self.rated, self.institutions)


def _open_institutions(division_code: str, on: date) -> QuerySet[Facility]:
    return Facility.objects.filter(
        _facility_open_q(on, prefix=""),
        division__code__startswith=division_code,
        kind__in=rules.INSTITUTION_KINDS,
    ).exclude(status__in=[FacilityStatus.PLANNED, FacilityStatus.CLOSED])


def _valid_rating_q(on: date) -> Q:
    return Q(status=RatingStatus.PUBLISHED, stars__gte=1, valid_from__lte=on, valid_until__gte=on)


def rating_coverage(division_code: str, on_date: date | None = None) -> Coverage:
    """养老机构等级评定覆盖率 (Wuhan WH09, target > 60%): institutions with a valid published level / open
    institutions. One query."""
    on = on_date or timezone.localdate()
    rated = Rating.objects.filter(_valid_rating_q(on), facility=OuterRef("pk"))
    row = _open_institutions(division_code, on).aggregate(
        institutions=Count("id"), rated=Count("id", filter=Q(Exists(rated)))
    )
    return Coverage(rated=row["rated"], institutions=row["institutions"])


def facility_counts(division_code: str, on_date: date | None = None) -> dict[str, int]:
    """Open facilities by kind in the division (one query)."""
    on = on_date or timezone.localdate()
    rows = (
        Facility.objects.filter(_facility_open_q(on, prefix=""), division__code__startswith=division_code)
        .exclude(status__in=[FacilityStatus.PLANNED, FacilityStatus.CLOSED])
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return dict(rows)


def current_stars(facility_ids: list[int], on: date) -> dict[int, int]:
    """facility id → stars of its valid published rating (one query)."""
    rows = (
        Rating.objects.filter(_valid_rating_q(on), facility_id__in=facility_ids)
        .order_by("facility_id", "-published_at")
        .values_list("facility_id", "stars")
    )
    out: dict[int, int] = {}
    for fid, stars in rows:
        out.setdefault(fid, stars)
    return out


# ---- star rating ----------------------------------------------------------------------------------------


def current_sheet(code: str = "GBT37276") -> RatingSheet | None:
    return RatingSheet.objects.filter(code=code).order_by("-version").first()


def sheet_definition(sheet: RatingSheet) -> rules.Sheet:
    return rules.sheet_from_definition(sheet.code, sheet.version, sheet.definition)


def rating_list(*, scope: DataScope, status: str = "") -> QuerySet[Rating]:
    qs = Rating.objects.for_scope(scope).select_related("facility", "sheet")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def access_rating(*, scope: DataScope, rating_id: int) -> Rating:
    return get_object_or_404(
        Rating.objects.for_scope(scope).select_related("facility", "sheet"), pk=rating_id
    )


# ---- waitlist -------------------------------------------------------------------------------------------


def entry_of(application: WaitlistApplication) -> rules.Entry:
    return rules.Entry(
        application_id=application.pk,
        rank=application.priority_rank,
        applied_at=application.applied_at,
        bypass=application.bypass,
        wanted_bed=application.wanted_bed,
    )


def waitlist_entries(facility_id: int, *, statuses: tuple[str, ...] = ("waiting",)) -> list[rules.Entry]:
    """The open applications of one facility as the rules see them (one query)."""
    rows = WaitlistApplication.objects.filter(facility_id=facility_id, status__in=statuses).values_list(
        "id", "priority_rank", "applied_at", "bypass", "wanted_bed"
    )
    return [rules.Entry(i, r, a, b, w) for i, r, a, b, w in rows]


def waitlist_position(application: WaitlistApplication) -> rules.Position | None:
    """The live position of a waiting (or offered) application, with the reasons (one query)."""
    if application.status not in OPEN_APPLICATION_STATUSES:
        return None
    entries = waitlist_entries(application.facility_id, statuses=tuple(OPEN_APPLICATION_STATUSES))
    return rules.waitlist_position(application.pk, entries)


def application_list(
    *, scope: DataScope, facility: Facility | None = None, open_only: bool = True
) -> QuerySet[WaitlistApplication]:
    qs = WaitlistApplication.objects.for_scope(scope).select_related("facility", "elder")
    if facility is not None:
        qs = qs.filter(facility=facility)
    if open_only:
        qs = qs.filter(status__in=OPEN_APPLICATION_STATUSES)
    return qs.order_by("facility_id", "position", "id")


def access_application(*, scope: DataScope, application_id: int) -> WaitlistApplication:
    return get_object_or_404(
        WaitlistApplication.objects.for_scope(scope).select_related("facility", "elder"), pk=application_id
    )


def position_history(application: WaitlistApplication) -> QuerySet[WaitlistPositionChange]:
    return application.changes.order_by("at", "id")


def offer_list(*, scope: DataScope, pending_only: bool = False) -> QuerySet[WaitlistOffer]:
    qs = WaitlistOffer.objects.for_scope(scope).select_related(
        "application__elder", "application__facility", "bed"
    )
    if pending_only:
        qs = qs.filter(status=OfferStatus.PENDING)
    return qs.order_by("-offered_at", "-id")


def access_offer(*, scope: DataScope, offer_id: int) -> WaitlistOffer:
    return get_object_or_404(
        WaitlistOffer.objects.for_scope(scope).select_related(
            "application__elder", "application__facility", "bed"
        ),
        pk=offer_id,
    )


# ---- the public list (no personal data) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicFacility:
    id: int
    name: str
    kind: str
    kind_label: str
    ownership_label: str
    district: str
    address: str
    lon: float | None
    lat: float | None
    beds: int
    free_beds: int | None  # only when the operator publishes it
    stars: int
    price_min_yuan: int | None
    price_max_yuan: int | None
    contact_phone: str
    medical_form_label: str
    insurance_designated: bool


def public_facilities(
    *, division_code: str = "", kind: str = "", on: date | None = None
) -> list[PublicFacility]:
    """Publicly listed, open facilities with beds, free beds (if published) and stars. Three queries."""
    today = on or timezone.localdate()
    qs = (
        Facility.objects.filter(publicly_listed=True)
        .exclude(status__in=[FacilityStatus.PLANNED, FacilityStatus.CLOSED])
        .annotate(beds_total=_bed_count(), beds_free=_bed_count(BedState.FREE))
        .order_by("division_id", "name", "id")
    )
    if division_code:
        qs = qs.filter(division__code__startswith=division_code)
    if kind:
        qs = qs.filter(kind=kind)
    rows = list(qs)
    districts = dict(
        Division.objects.filter(code__in={f.division_id[:6] for f in rows}).values_list("code", "name")
    )
    stars = current_stars([f.pk for f in rows], today)
    # labels translated once per call (get_FOO_display per row hashes lazy strings: seconds at city scale)
    kinds = {k: str(v) for k, v in FacilityKind.choices}
    ownerships = {k: str(v) for k, v in Ownership.choices}
    medical = {k: str(v) for k, v in MedicalForm.choices}
    return [
        PublicFacility(
            id=f.pk,
            name=f.name,
            kind=f.kind,
            kind_label=kinds.get(f.kind, f.kind),
            ownership_label=ownerships.get(f.ownership, f.ownership),
            district=districts.get(f.division_id[:6], ""),
            address=f.address,
            lon=f.lon,
            lat=f.lat,
            beds=f.beds_total,
            free_beds=f.beds_free if f.publish_free_beds else None,
            stars=stars.get(f.pk, 0),
            price_min_yuan=f.price_min_fen // 100 if f.price_min_fen is not None else None,
            price_max_yuan=f.price_max_fen // 100 if f.price_max_fen is not None else None,
            contact_phone=f.contact_phone,
            medical_form_label=medical.get(f.medical_form, f.medical_form),
            insurance_designated=f.insurance_designated,
        )
        for f in rows
    ]
