"""What the workforce register contributes to plan monitoring (discovered by eldercare.planning.registry).

Definitions (docs/indicators.md WH08, JM07–JM09), as of a date d (the month's last day):

- A worker is **in post on d** in a position when an `Employment` in that position started on or before d
  and has not ended (ended_on empty or after d); a worker holding two such posts counts once. Workers are
  counted in the employer's division. Social workers in institutions (WH08): employers of kind
  institution (养老机构).
- Elders: `registry.indicators.elders_on` (in the register on d). Institution beds: beds in use on d in
  operating institutions (`facilities.indicators.institution_beds_on`).
- JM09 每千名老年人配备社会工作者人数 = social workers in post ÷ elders × 1000 (summed, then divided).
- WH08 每千名老年人、每百张养老机构床位均拥有1名社会工作者: a district (or street) attains when social
  workers × 1000 ≥ elders and institution social workers × 100 ≥ institution beds, both with a positive
  denominator. The value of the city is attaining districts ÷ districts; of a district or a street, 100 or 0.
  The refresh sums grouped measures up the tree, so each street gives Measure(attains, 1) and each
  district Measure(attains − Σ its streets' attains, 1 − its streets): the district then sums to
  Measure(attains, 1) and the city to Measure(attaining districts, districts).
- JM07 养老服务人员培训人次: training records completed from 2021-01-01 (`CUMULATIVE_FROM`, the
  `cumulative_from` of data/indicators.toml) to d, passed, or of a course without an exam (签到完成), in
  the worker's division (the record's division); a person trained twice counts twice.
- JM08 养老护理职业技能培训机构: vocational training providers accredited on or before d and not closed
  (closed_on empty or after d), in the provider's division.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db.models import Count, Q, QuerySet

from eldercare.core.models import CODE_LENGTH, Division, DivisionLevel, OrganisationKind
from eldercare.facilities.indicators import institution_beds_on
from eldercare.planning.registry import Measure, indicator_computation, key_counts
from eldercare.registry.indicators import elders_on
from eldercare.workforce.choices import StaffCategory
from eldercare.workforce.models import Employment, TrainingProvider, TrainingRecord

CUMULATIVE_FROM = date(2021, 1, 1)
DISTRICT_LENGTH = CODE_LENGTH[DivisionLevel.COUNTY]
STREET_LENGTH = CODE_LENGTH[DivisionLevel.STREET]


def in_post(division_code: str, on: date) -> QuerySet[Employment]:
    return Employment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        started_on__lte=on,
        employer__division__code__startswith=division_code,
    )


def social_workers_on(division_code: str, on: date, *, institutions_only: bool = False) -> dict[str, int]:
    """Social workers in post on `on` per employer division."""
    qs = in_post(division_code, on).filter(position=StaffCategory.SOCIAL_WORKER)
    if institutions_only:
        qs = qs.filter(employer__kind=OrganisationKind.INSTITUTION)
    return dict(
        qs.values("employer__division_id")
        .annotate(n=Count("worker_id", distinct=True))
        .values_list("employer__division_id", "n")
        .order_by()
    )


@indicator_computation("social_workers_per_1000_elders", grouped=True)
def social_workers_per_1000_elders(division_code: str, on: date) -> dict[str, Measure]:
    """JM09: social workers in post on `on` (employer's division) over elders on `on` (community)."""
    workers, elders = social_workers_on(division_code, on), elders_on(division_code, on)
    return {code: Measure(workers.get(code, 0), elders.get(code, 0)) for code in {*workers, *elders}}


def _sum_by(values: Mapping[str, int], length: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for code, n in values.items():
        if len(code) >= length:
            out[code[:length]] = out.get(code[:length], 0) + n
    return out


@indicator_computation("social_worker_ratio_attainment", grouped=True)
def social_worker_ratio_attainment(division_code: str, on: date) -> dict[str, Measure]:
    """WH08: districts (and streets) with ≥ 1 social worker per 1,000 elders and per 100 institution beds
    (see the module docstring for how the measures add up)."""
    parts = (
        social_workers_on(division_code, on),
        social_workers_on(division_code, on, institutions_only=True),
        elders_on(division_code, on),
        institution_beds_on(division_code, on),
    )
    divisions = list(
        Division.objects.filter(
            code__startswith=division_code, level__in=[DivisionLevel.COUNTY, DivisionLevel.STREET]
        ).values_list("code", flat=True)
    )

    sums = {n: [_sum_by(p, n) for p in parts] for n in (DISTRICT_LENGTH, STREET_LENGTH)}

    def attains(code: str) -> int:
        workers, inst_workers, elders, beds = (s.get(code, 0) for s in sums[len(code)])
        return int(elders > 0 and beds > 0 and workers * 1000 >= elders and inst_workers * 100 >= beds)

    streets = {code: attains(code) for code in divisions if len(code) == STREET_LENGTH}
    out = {code: Measure(a, 1) for code, a in streets.items()}
    for district in (code for code in divisions if len(code) == DISTRICT_LENGTH):
        own = [a for code, a in streets.items() if code.startswith(district)]
        out[district] = Measure(attains(district) - sum(own), 1 - len(own))
    return out


def attendances(division_code: str, since: date, until: date) -> QuerySet[TrainingRecord]:
    """Training attendances completed in [since, until]: passed, or of a course without an exam."""
    return TrainingRecord.objects.filter(
        Q(passed=True) | Q(course__has_exam=False),
        completed_on__gte=since,
        completed_on__lte=until,
        worker__division__code__startswith=division_code,
    )


@indicator_computation("care_staff_training_attendances", grouped=True)
def care_staff_training_attendances(division_code: str, on: date) -> dict[str, Measure]:
    """JM07: attendances from 2021-01-01 to `on` (a running total; scale 0.0001 gives 万人次)."""
    return {
        code: Measure(n)
        for code, n in attendances(division_code, CUMULATIVE_FROM, on)
        .values("worker__division_id")
        .annotate(n=Count("id"))
        .values_list("worker__division_id", "n")
        .order_by()
    }


def accredited_providers(division_code: str, on: date) -> QuerySet[TrainingProvider]:
    return TrainingProvider.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on),
        is_vocational=True,
        accredited_on__lte=on,
        division__code__startswith=division_code,
    )


@indicator_computation("care_training_providers", grouped=True)
def care_training_providers(division_code: str, on: date) -> dict[str, Measure]:
    """JM08: vocational care training providers accredited and open on `on`."""
    return {
        code: Measure(n)
        for code, n in accredited_providers(division_code, on)
        .values("division_id")
        .annotate(n=Count("id"))
        .values_list("division_id", "n")
        .order_by()
    }


# ---- key counts ----------------------------------------------------------------------------------------
STAFF_LABELS = {f"workforce.{c.value}": str(c.label) for c in StaffCategory}
STAFF_LABELS["workforce.total"] = "在岗养老服务人员"
STAFF_LABELS["workforce.training_providers"] = "养老护理职业技能培训机构"
STAFF_UNITS = {**dict.fromkeys(STAFF_LABELS, "人"), "workforce.training_providers": "家"}


@key_counts("workforce.staff", labels=STAFF_LABELS, units=STAFF_UNITS)
def staff_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    """Workers in post on the month's last day by position (employer's division), and training providers."""
    out: dict[str, dict[str, float]] = {key: {} for key in STAFF_LABELS}
    posts = in_post(division_code, end)
    for code, position, n in (
        posts.values_list("employer__division_id", "position")
        .annotate(n=Count("worker_id", distinct=True))
        .order_by()
    ):
        out[f"workforce.{position}"][code] = n
    for code, n in (
        posts.values("employer__division_id")
        .annotate(n=Count("worker_id", distinct=True))
        .values_list("employer__division_id", "n")
        .order_by()
    ):
        out["workforce.total"][code] = n
    for code, n in (
        accredited_providers(division_code, end)
        .values("division_id")
        .annotate(n=Count("id"))
        .values_list("division_id", "n")
        .order_by()
    ):
        out["workforce.training_providers"][code] = n
    return out


TRAINING_LABELS = {"workforce.trainings": "培训人次（当月，合格或签到完成）"}


@key_counts("workforce.training", labels=TRAINING_LABELS, units={"workforce.trainings": "人次"}, flow=True)
def training_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    """Training attendances completed in the month (the monthly increment of JM07)."""
    return {
        "workforce.trainings": dict(
            attendances(division_code, start, end)
            .values("worker__division_id")
            .annotate(n=Count("id"))
            .values_list("worker__division_id", "n")
            .order_by()
        )
    }
