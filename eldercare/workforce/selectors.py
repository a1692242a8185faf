"""Reads of the workforce registry, always given a scope; plus the platform-wide blacklist check and the
plan-indicator selectors (培训人次, 培训机构, 社会工作者配备)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from eldercare.core.ids import normalise_id_number
from eldercare.core.models import Organisation, OrganisationKind
from eldercare.core.scope import DataScope
from eldercare.core.selectors import policy_value
from eldercare.workforce import facilities_link, rules
from eldercare.workforce.choices import ListingStatus, StaffCategory
from eldercare.workforce.models import (
    Appeal,
    CreditRecord,
    Employment,
    PunishmentListing,
    TrainingCourse,
    TrainingProvider,
    TrainingRecord,
    Worker,
)
from eldercare.workforce.policy_keys import DEFAULTS


def hash_id_number(number: str) -> str:
    """The registry's keyed hash of an ID number, so the same person matches across apps."""
    from eldercare.registry.services import id_number_hash as registry_hash

    return registry_hash(normalise_id_number(number))


# --- the joint-punishment list (联合惩戒), platform-wide -------------------------------------------------


def listings_in_force(*, id_number_hash: str, on: date | None = None) -> QuerySet[PunishmentListing]:
    """Listings of the person binding on `on` (today): active, started, not yet ended. Unscoped: callers
    learn only that a person is listed, which every hiring and assignment check must know."""
    on = on or timezone.localdate()
    return PunishmentListing.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on),
        id_number_hash=id_number_hash,
        status=ListingStatus.ACTIVE,
        starts_on__lte=on,
    ).order_by("starts_on", "id")


def worker_is_blacklisted(
    *,
    worker: Worker | None = None,
    id_number: str | None = None,
    id_number_hash: str | None = None,
    on: date | None = None,
) -> bool:
    """True when the person is on the joint-punishment list (联合惩戒名单) on `on` (today).

    The one check every part of the platform uses before hiring a person or assigning them an order
    (institutions via `services.employment_start`, home care via `homecare.worker_may_be_assigned`).
    Give the worker, the plain ID number, or its lookup hash (`registry.services.id_number_hash`); the
    match is by the ID-number hash, so a person is refused under any record. One indexed query.
    """
    hashed = _hash_of(worker=worker, id_number=id_number, id_number_hash=id_number_hash)
    return listings_in_force(id_number_hash=hashed, on=on).exists()


def _hash_of(*, worker: Worker | None, id_number: str | None, id_number_hash: str | None) -> str:
    if worker is not None:
        return worker.id_number_hash
    if id_number_hash:
        return id_number_hash
    if id_number:
        return hash_id_number(id_number)
    raise ValueError("Give a worker, an ID number or an ID-number hash.")


def listing_list(*, scope: DataScope, status: str = "") -> QuerySet[PunishmentListing]:
    qs = PunishmentListing.objects.for_scope(scope).select_related("worker", "division")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_on", "-id")


def access_listing(*, scope: DataScope, listing_id: int) -> PunishmentListing:
    listing = listing_list(scope=scope).filter(pk=listing_id).first()
    if listing is None:
        raise Http404("No such listing.")
    return listing


def appeal_list(*, scope: DataScope, status: str = "") -> QuerySet[Appeal]:
    qs = Appeal.objects.for_scope(scope).select_related("listing__worker")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_on", "-id")


def access_appeal(*, scope: DataScope, appeal_id: int) -> Appeal:
    appeal = appeal_list(scope=scope).filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404("No such appeal.")
    return appeal


# --- workers ---------------------------------------------------------------------------------------------


def worker_list(
    *,
    scope: DataScope,
    search: str = "",
    category: str = "",
    skill_level: int | None = None,
    listed: bool | None = None,
    on: date | None = None,
) -> QuerySet[Worker]:
    """Workers in scope; `listed=True` keeps only those on the joint-punishment list today."""
    on = on or timezone.localdate()
    qs = Worker.objects.for_scope(scope).select_related("division", "current_employer")
    if search:
        qs = qs.filter(name__contains=search)
    if category:
        qs = qs.filter(category=category)
    if skill_level is not None:
        qs = qs.filter(skill_level=skill_level)
    if listed is not None:
        in_force = PunishmentListing.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=on), status=ListingStatus.ACTIVE, starts_on__lte=on
        ).values("id_number_hash")
        qs = qs.filter(id_number_hash__in=in_force) if listed else qs.exclude(id_number_hash__in=in_force)
    return qs.order_by("id")


def access_worker(*, scope: DataScope, worker_id: int) -> Worker:
    """One worker in scope; out of scope looks like missing (404)."""
    worker = worker_list(scope=scope).filter(pk=worker_id).first()
    if worker is None:
        raise Http404("No such worker.")
    return worker


def worker_history(worker: Worker) -> dict[str, object]:
    """Everything the registry holds about one worker (可查询、可追溯), across employers."""
    credit = list(CreditRecord.objects.filter(worker=worker).order_by("-recorded_on", "-id"))
    return {
        "employments": list(Employment.objects.filter(worker=worker).select_related("employer")),
        "certificates": list(worker.certificates.order_by("-issued_on", "id")),
        "trainings": list(
            TrainingRecord.objects.filter(worker=worker).select_related("course__provider")[:200]
        ),
        "rewards": list(worker.rewards.order_by("-granted_on", "id")),
        "credit": credit,
        "credit_balance": rules.credit_balance((c.direction, c.points) for c in credit),
        "listings": list(PunishmentListing.objects.filter(id_number_hash=worker.id_number_hash)),
        "listed": worker_is_blacklisted(worker=worker),
    }


def employment_list(*, scope: DataScope, current_only: bool = True) -> QuerySet[Employment]:
    qs = Employment.objects.for_scope(scope).select_related("worker", "employer")
    if current_only:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("employer_id", "-started_on", "id")


def access_employment(*, scope: DataScope, employment_id: int) -> Employment:
    employment = employment_list(scope=scope, current_only=False).filter(pk=employment_id).first()
    if employment is None:
        raise Http404("No such employment.")
    return employment


def skill_level_shares(*, scope: DataScope) -> list[dict[str, object]]:
    """Care workers by skill level (None: not certified), with their share."""
    rows = (
        Worker.objects.for_scope(scope)
        .filter(category=StaffCategory.NURSING_WORKER)
        .values("skill_level")
        .annotate(n=Count("id"))
        .order_by("skill_level")
    )
    total = sum(r["n"] for r in rows) or 1
    return [{"level": r["skill_level"], "count": r["n"], "share": round(r["n"] / total, 4)} for r in rows]


# --- training --------------------------------------------------------------------------------------------


def training_provider_list(*, scope: DataScope) -> QuerySet[TrainingProvider]:
    return (
        TrainingProvider.objects.for_scope(scope)
        .select_related("division")
        .annotate(course_count=Count("courses"))
        .order_by("name", "id")
    )


def access_training_provider(*, scope: DataScope, provider_id: int) -> TrainingProvider:
    provider = TrainingProvider.objects.for_scope(scope).filter(pk=provider_id).first()
    if provider is None:
        raise Http404("No such training provider.")
    return provider


def course_list(*, scope: DataScope) -> QuerySet[TrainingCourse]:
    return (
        TrainingCourse.objects.for_scope(scope)
        .select_related("provider")
        .annotate(attendances=Count("records"))
        .order_by("-starts_on", "id")
    )


def access_course(*, scope: DataScope, course_id: int) -> TrainingCourse:
    course = TrainingCourse.objects.for_scope(scope).select_related("provider").filter(pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    return course


# --- plan indicators -------------------------------------------------------------------------------------


def training_attendances(*, scope: DataScope, until: date, since: date | None = None) -> int:
    """养老服务人员培训人次 (Jiangmen indicator, cumulative): training records completed by `until`,
    optionally from `since`. One record is one person-attendance (人次)."""
    qs = TrainingRecord.objects.for_scope(scope).filter(completed_on__lte=until)
    if since is not None:
        qs = qs.filter(completed_on__gte=since)
    return qs.count()


def vocational_training_provider_count(*, scope: DataScope, on: date) -> int:
    """养老护理职业技能培训机构 (Jiangmen indicator): vocational providers accredited and open on `on`."""
    return (
        TrainingProvider.objects.for_scope(scope)
        .filter(is_vocational=True, accredited_on__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .count()
    )


def employed_social_workers(*, division_code: str, on: date) -> int:
    """Social workers employed on `on` by an organisation in the division (each person counted once)."""
    return (
        Employment.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on),
            position=StaffCategory.SOCIAL_WORKER,
            started_on__lte=on,
            employer__division__code__startswith=division_code,
        )
        .values("worker_id")
        .distinct()
        .count()
    )


def elder_count(*, division_code: str) -> int:
    from eldercare.registry.choices import ElderStatus
    from eldercare.registry.models import Elder

    return (
        Elder.objects.for_scope(DataScope(division_codes=(division_code,)))
        .filter(status__in=[ElderStatus.ACTIVE, ElderStatus.IN_INSTITUTION])
        .count()
    )


def institution_bed_total(*, division_code: str) -> int | None:
    """Beds of institutions under the division, read through `facilities_link` (None until linked)."""
    beds = facilities_link.institution_beds(division_code=division_code)
    return None if beds is None else sum(beds.values())


def social_worker_ratio(*, division_code: str, on: date | None = None) -> rules.SocialWorkerRatio:
    """每千名老年人配备社会工作者人数 (Jiangmen JM09, Wuhan 指标8 with per-100-beds): the ratio in a division.
    The per-bed ratio is None until bed counts are linked from the facilities app."""
    on = on or timezone.localdate()
    targets = (
        policy_value(
            "workforce.social_worker_targets", on=on, default=DEFAULTS["workforce.social_worker_targets"]
        ).value
        or {}
    )
    return rules.social_worker_ratio(
        social_workers=employed_social_workers(division_code=division_code, on=on),
        elders=elder_count(division_code=division_code),
        beds=institution_bed_total(division_code=division_code),
        target_per_1000_elders=targets.get("per_1000_elders"),
        target_per_100_beds=targets.get("per_100_beds"),
    )


@dataclass(frozen=True, slots=True)
class InstitutionStaffing:
    organisation: Organisation
    care_workers: int
    social_workers: int
    beds: int | None
    result: rules.StaffingResult | None  # None: residents by care level not known yet


def staffing_by_institution(*, scope: DataScope, on: date | None = None) -> list[InstitutionStaffing]:
    """Staffing of each institution in scope against `workforce.staffing_ratios`, shortfalls first.
    Residents and beds come through `facilities_link` and are unknown (None) until it is linked."""
    on = on or timezone.localdate()
    ratios = (
        policy_value("workforce.staffing_ratios", on=on, default=DEFAULTS["workforce.staffing_ratios"]).value
        or {}
    )
    per_worker = ratios.get("residents_per_worker", {})
    institutions = list(
        Organisation.objects.for_scope(scope).filter(kind=OrganisationKind.INSTITUTION, is_active=True)[:500]
    )
    counts = (
        Employment.objects.filter(ended_on__isnull=True, employer__in=institutions)
        .values("employer_id", "position")
        .annotate(n=Count("worker_id", distinct=True))
    )
    by_org: dict[int, dict[str, int]] = {}
    for row in counts:
        by_org.setdefault(row["employer_id"], {})[row["position"]] = row["n"]
    beds_by_org: dict[int, int] = {}
    for code in {o.division_id for o in institutions}:
        beds_by_org.update(facilities_link.institution_beds(division_code=code) or {})
    rows = []
    for org in institutions:
        staff = by_org.get(org.pk, {})
        care = staff.get(StaffCategory.NURSING_WORKER, 0)
        residents = facilities_link.institution_residents_by_level(organisation_id=org.pk)
        result = (
            rules.staffing_requirement(
                residents_by_level=residents, residents_per_worker=per_worker, employed=care
            )
            if residents is not None
            else None
        )
        rows.append(
            InstitutionStaffing(
                organisation=org,
                care_workers=care,
                social_workers=staff.get(StaffCategory.SOCIAL_WORKER, 0),
                beds=beds_by_org.get(org.pk),
                result=result,
            )
        )
    rows.sort(key=lambda r: (-(r.result.shortfall if r.result else 0), r.organisation.name))
    return rows
