"""Writes of the workforce registry: one function per use case, keyword-only, atomic, audited.

`assert_worker_may_work` is the platform-wide guard of the joint-punishment list (联合惩戒): hiring
(`employment_start`) calls it here, and home-care order assignment calls it through
`homecare.worker_may_be_assigned` (the lead connects it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import (
    InvalidIdNumberError,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    normalise_phone,
    parse_resident_id,
)
from eldercare.core.models import Division, Organisation, OrganisationKind
from eldercare.core.selectors import policy_value
from eldercare.workforce import rules, selectors
from eldercare.workforce.choices import (
    AppealStatus,
    CertificateKind,
    CreditDirection,
    CreditSource,
    ListingStatus,
    RewardKind,
    StaffCategory,
)
from eldercare.workforce.models import (
    Appeal,
    Certificate,
    CreditRecord,
    Employment,
    PunishmentListing,
    Reward,
    TrainingCourse,
    TrainingProvider,
    TrainingRecord,
    Worker,
)
from eldercare.workforce.policy_keys import DEFAULTS

MIN_WORKING_AGE = 16  # 劳动法 第十五条: no employment under 16


def assert_worker_may_work(
    *,
    worker: Worker | None = None,
    id_number: str | None = None,
    id_number_hash: str | None = None,
    on: date | None = None,
) -> None:
    """Refuse (DomainError `workforce_worker_blacklisted`, HTTP 409) a person on the joint-punishment list.

    Call it before any hiring or order assignment anywhere on the platform. The match is by the
    ID-number hash; `details` carries the legal basis and period of each listing in force (no personal
    data), so the refusal can be explained.
    """
    hashed = (
        worker.id_number_hash
        if worker is not None
        else id_number_hash or (selectors.hash_id_number(id_number) if id_number else "")
    )
    if not hashed:
        raise ValueError("Give a worker, an ID number or an ID-number hash.")
    listings = list(selectors.listings_in_force(id_number_hash=hashed, on=on))
    if listings:
        raise ConflictError(
            "workforce_worker_blacklisted",
            "This person is on the joint-punishment list (联合惩戒名单) "
            "and may not be hired or assigned work.",
            [
                {
                    "listing_id": listing.pk,
                    "legal_basis": listing.legal_basis,
                    "starts_on": listing.starts_on.isoformat(),
                    "ends_on": listing.ends_on.isoformat() if listing.ends_on else None,
                }
                for listing in listings
            ],
        )


# --- workers ---------------------------------------------------------------------------------------------


@transaction.atomic
def worker_register(
    *,
    name: str,
    id_number: str,
    category: str,
    division: Division,
    actor: Any,
    phone: str = "",
    user: Any = None,
    today: date | None = None,
) -> Worker:
    """Register a worker whose identity was checked against the resident ID (GB 11643)."""
    today = today or timezone.localdate()
    try:
        parsed = parse_resident_id(id_number, today=today)
    except InvalidIdNumberError as exc:
        raise DomainError(f"id_number_{exc.reason}", str(exc), status=422) from exc
    age = (
        today.year
        - parsed.birth_date.year
        - ((today.month, today.day) < (parsed.birth_date.month, parsed.birth_date.day))
    )
    if age < MIN_WORKING_AGE:
        raise DomainError("workforce_worker_too_young", "Workers must be at least 16 years old.", status=422)
    if category not in StaffCategory.values:
        raise DomainError("workforce_category_unknown", "Unknown staff category.", status=422)
    phone = normalise_phone(phone) if phone else ""
    if phone and not is_valid_phone(phone):
        raise DomainError("phone_invalid", "The phone number is not valid.", status=422)
    hashed = selectors.hash_id_number(parsed.number)
    if Worker.objects.filter(id_number_hash=hashed).exists():
        raise ConflictError("workforce_worker_exists", "This person is already in the workforce registry.")
    worker = Worker.objects.create(
        user=user,
        name=name.strip(),
        id_number=parsed.number,
        id_number_hash=hashed,
        id_number_masked=mask_id_number(parsed.number),
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        phone=phone,
        phone_masked=mask_phone(phone) if phone else "",
        category=category,
        division=division,
        verified_at=timezone.now(),
    )
    audit_record(
        actor=actor, action="workforce.worker_registered", target=worker, changes={"category": category}
    )
    return worker


def worker_by_id_number(id_number: str) -> Worker | None:
    """The registered worker with this ID number, if any (exact match on the lookup hash)."""
    try:
        number = parse_resident_id(id_number).number
    except InvalidIdNumberError:
        return None
    return Worker.objects.filter(id_number_hash=selectors.hash_id_number(number)).first()


# --- employment ------------------------------------------------------------------------------------------


@transaction.atomic
def employment_start(
    *,
    employer: Organisation,
    position: str,
    started_on: date,
    actor: Any,
    worker: Worker | None = None,
    id_number: str = "",
    name: str = "",
    phone: str = "",
) -> Employment:
    """An employer hires a worker (入职). A person not yet in the registry is registered from the ID number.

    Refused for a person on the joint-punishment list (checked on the start date and today), and for a
    second open employment at the same employer. The worker's `current_employer` becomes this employer.
    """
    if worker is None:
        if not id_number:
            raise DomainError("workforce_id_number_required", "Give the worker's ID number.", status=422)
        try:
            number = parse_resident_id(id_number).number
        except InvalidIdNumberError as exc:
            raise DomainError(f"id_number_{exc.reason}", str(exc), status=422) from exc
        # refuse before creating anything: a listed person never enters the registry through hiring
        assert_worker_may_work(id_number=number, on=started_on)
        assert_worker_may_work(id_number=number)
        worker = worker_by_id_number(number) or worker_register(
            name=name or "?",
            id_number=number,
            category=position,
            division=employer.division,
            actor=actor,
            phone=phone,
        )
    assert_worker_may_work(worker=worker, on=started_on)
    assert_worker_may_work(worker=worker)
    employer_may_manage(employer=employer)
    if position not in StaffCategory.values:
        raise DomainError("workforce_category_unknown", "Unknown position.", status=422)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if Employment.objects.filter(worker=worker, employer=employer, ended_on__isnull=True).exists():
        raise ConflictError("workforce_already_employed", "This worker is already employed here.")
    employment = Employment.objects.create(
        worker=worker, employer=employer, position=position, started_on=started_on
    )
    worker.current_employer = employer
    worker.save(update_fields=["current_employer", "updated_at"])
    audit_record(
        actor=actor,
        action="workforce.employment_started",
        target=employment,
        changes={
            "worker": worker.pk,
            "employer": employer.pk,
            "position": position,
            "started_on": started_on.isoformat(),
        },
    )
    return employment


@transaction.atomic
def employment_end(*, employment: Employment, ended_on: date, reason: str, actor: Any) -> Employment:
    """The employer ends an employment (离职). The record stays in the worker's history."""
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    if employment.ended_on is not None:
        raise ConflictError("workforce_employment_ended", "This employment has already ended.")
    if ended_on < employment.started_on:
        raise DomainError("workforce_end_before_start", "The end date is before the start date.", status=422)
    employment.ended_on = ended_on
    employment.end_reason = reason.strip()[:200]
    employment.save(update_fields=["ended_on", "end_reason", "updated_at"])
    worker = Worker.objects.select_for_update().get(pk=employment.worker_id)
    latest = (
        Employment.objects.filter(worker=worker, ended_on__isnull=True).order_by("-started_on", "-id").first()
    )
    worker.current_employer_id = latest.employer_id if latest else None
    worker.save(update_fields=["current_employer", "updated_at"])
    audit_record(
        actor=actor,
        action="workforce.employment_ended",
        target=employment,
        changes={"ended_on": ended_on.isoformat(), "reason": employment.end_reason},
    )
    return employment


# --- certificates, training, rewards --------------------------------------------------------------------


@transaction.atomic
def certificate_add(
    *,
    worker: Worker,
    kind: str,
    number: str,
    issuer: str,
    issued_on: date,
    actor: Any,
    level: int | None = None,
    expires_on: date | None = None,
) -> Certificate:
    """Record a certificate; a skill-level certificate updates the worker's skill level (best valid one)."""
    if kind == CertificateKind.SKILL_LEVEL and (level is None or not 1 <= level <= 5):
        raise DomainError(
            "workforce_level_invalid", "A skill-level certificate needs a level 1–5.", status=422
        )
    if expires_on is not None and expires_on <= issued_on:
        raise DomainError(
            "workforce_certificate_dates", "The expiry must be after the issue date.", status=422
        )
    certificate = Certificate.objects.create(
        worker=worker,
        kind=kind,
        level=level if kind == CertificateKind.SKILL_LEVEL else None,
        number=number.strip(),
        issuer=issuer.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    old_level = worker.skill_level
    worker_refresh_skill_level(worker=worker)
    audit_record(
        actor=actor,
        action="workforce.certificate_added",
        target=worker,
        changes={"certificate": certificate.pk, "kind": kind, "skill_level": [old_level, worker.skill_level]},
    )
    return certificate


def worker_refresh_skill_level(*, worker: Worker, on: date | None = None) -> Worker:
    """Set the skill level from the best skill-level certificate valid on `on` (today)."""
    on = on or timezone.localdate()
    levels = Certificate.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=on),
        worker=worker,
        kind=CertificateKind.SKILL_LEVEL,
        issued_on__lte=on,
    ).values_list("level", flat=True)
    worker.skill_level = rules.best_skill_level(level for level in levels if level is not None)
    worker.save(update_fields=["skill_level", "updated_at"])
    return worker


@transaction.atomic
def training_provider_create(
    *,
    name: str,
    division: Division,
    actor: Any,
    is_vocational: bool = True,
    accredited_on: date | None = None,
    organisation: Organisation | None = None,
) -> TrainingProvider:
    provider = TrainingProvider.objects.create(
        name=name.strip(),
        division=division,
        is_vocational=is_vocational,
        accredited_on=accredited_on,
        organisation=organisation,
    )
    audit_record(
        actor=actor, action="workforce.provider_created", target=provider, changes={"name": provider.name}
    )
    return provider


@transaction.atomic
def training_provider_close(*, provider: TrainingProvider, closed_on: date, actor: Any) -> TrainingProvider:
    provider.closed_on = closed_on
    provider.save(update_fields=["closed_on", "updated_at"])
    audit_record(
        actor=actor,
        action="workforce.provider_closed",
        target=provider,
        changes={"closed_on": closed_on.isoformat()},
    )
    return provider


@transaction.atomic
def course_create(
    *,
    provider: TrainingProvider,
    title: str,
    kind: str,
    hours: int,
    starts_on: date,
    ends_on: date,
    actor: Any,
    has_exam: bool = True,
) -> TrainingCourse:
    if ends_on < starts_on:
        raise DomainError("workforce_course_dates", "The course ends before it starts.", status=422)
    if hours <= 0:
        raise DomainError("workforce_course_hours", "A course has at least one hour.", status=422)
    course = TrainingCourse.objects.create(
        provider=provider,
        title=title.strip(),
        kind=kind,
        hours=hours,
        starts_on=starts_on,
        ends_on=ends_on,
        has_exam=has_exam,
    )
    audit_record(
        actor=actor, action="workforce.course_created", target=course, changes={"title": course.title}
    )
    return course


@transaction.atomic
def training_record_add(
    *,
    worker: Worker,
    course: TrainingCourse,
    hours: int,
    completed_on: date,
    actor: Any,
    exam_score: int | None = None,
    passed: bool | None = None,
) -> TrainingRecord:
    """One attendance (one 培训人次) of a worker at a course, with hours and the exam result."""
    if TrainingRecord.objects.filter(worker=worker, course=course).exists():
        raise ConflictError("workforce_training_recorded", "This attendance is already recorded.")
    if not 0 < hours <= course.hours:
        raise DomainError(
            "workforce_training_hours", "Hours must be between 1 and the course's hours.", status=422
        )
    if exam_score is not None and not 0 <= exam_score <= 100:
        raise DomainError("workforce_exam_score", "Exam scores run from 0 to 100.", status=422)
    record = TrainingRecord.objects.create(
        worker=worker,
        course=course,
        hours=hours,
        completed_on=completed_on,
        exam_score=exam_score,
        passed=passed,
    )
    audit_record(
        actor=actor,
        action="workforce.training_recorded",
        target=worker,
        changes={"course": course.pk, "hours": hours, "passed": passed},
    )
    return record


@transaction.atomic
def reward_grant(
    *,
    worker: Worker,
    kind: str,
    granted_on: date,
    reason: str,
    actor: Any,
    amount_fen: int | None = None,
) -> Reward:
    """A subsidy or commendation for a certified worker; skill subsidies take their amount from policy.

    Refused for a listed person and for an uncertified worker (no valid skill level)."""
    assert_worker_may_work(worker=worker, on=granted_on)
    worker_refresh_skill_level(worker=worker, on=granted_on)
    if worker.skill_level is None and kind != RewardKind.HONOUR:
        raise DomainError(
            "workforce_not_certified",
            "Subsidies are for workers with a valid skill-level certificate.",
            status=422,
        )
    version_id = None
    if kind == RewardKind.SKILL:
        policy = policy_value(
            "workforce.skill_subsidy_fen", on=granted_on, default=DEFAULTS["workforce.skill_subsidy_fen"]
        )
        version_id = policy.version_id
        amount_fen = rules.skill_subsidy_fen(level=worker.skill_level, table=policy.value)
        if Reward.objects.filter(
            worker=worker, kind=RewardKind.SKILL, reason__endswith=f"L{worker.skill_level}"
        ).exists():
            raise ConflictError("workforce_subsidy_granted", "This skill-level subsidy was already granted.")
        reason = f"{reason} L{worker.skill_level}".strip()
    reward = Reward.objects.create(
        worker=worker,
        kind=kind,
        amount_fen=max(0, amount_fen or 0),
        granted_on=granted_on,
        reason=reason[:300],
        policy_version_id=version_id,
    )
    audit_record(
        actor=actor,
        action="workforce.reward_granted",
        target=worker,
        changes={"kind": kind, "amount_fen": reward.amount_fen, "policy_version_id": version_id},
    )
    return reward


# --- credit and the joint-punishment list ---------------------------------------------------------------


@transaction.atomic
def credit_record_add(
    *,
    worker: Worker,
    direction: str,
    points: int,
    summary: str,
    source: str,
    actor: Any,
    source_reference: str = "",
    recorded_on: date | None = None,
) -> CreditRecord:
    if direction not in CreditDirection.values or source not in CreditSource.values:
        raise DomainError("workforce_credit_invalid", "Unknown credit direction or source.", status=422)
    if points <= 0:
        raise DomainError("workforce_credit_points", "Points must be positive.", status=422)
    record = CreditRecord.objects.create(
        worker=worker,
        direction=direction,
        points=points,
        summary=summary.strip()[:300],
        source=source,
        source_reference=source_reference[:100],
        recorded_on=recorded_on or timezone.localdate(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="workforce.credit_recorded",
        target=worker,
        changes={"direction": direction, "points": points, "source": source},
    )
    return record


@transaction.atomic
def listing_create(
    *,
    worker: Worker,
    legal_basis: str,
    reason: str,
    starts_on: date,
    division: Division,
    actor: Any,
    ends_on: date | None = None,
) -> PunishmentListing:
    """Put a person on the joint-punishment list for a period, with the legal basis; a negative credit
    record is added. From `starts_on` the person cannot be hired or assigned orders anywhere."""
    if not legal_basis.strip():
        raise DomainError("workforce_legal_basis_required", "A listing needs its legal basis.", status=422)
    if ends_on is not None and ends_on <= starts_on:
        raise DomainError("workforce_listing_period", "The period must end after it starts.", status=422)
    listing = PunishmentListing.objects.create(
        worker=worker,
        id_number_hash=worker.id_number_hash,
        division=division,
        legal_basis=legal_basis.strip()[:300],
        reason=reason.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        listed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    CreditRecord.objects.create(
        worker=worker,
        direction=CreditDirection.NEGATIVE,
        points=100,
        summary="联合惩戒名单",
        source=CreditSource.COURT,
        source_reference=f"listing:{listing.pk}",
        recorded_on=starts_on,
        recorded_by=listing.listed_by,
    )
    audit_record(
        actor=actor,
        action="workforce.listing_created",
        target=listing,
        changes={
            "worker": worker.pk,
            "legal_basis": listing.legal_basis,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return listing


@transaction.atomic
def listing_remove(
    *, listing: PunishmentListing, reason: str, actor: Any, on: date | None = None
) -> PunishmentListing:
    """Remove a listing (移出名单): appeal upheld, decision revoked or credit repaired."""
    listing = PunishmentListing.objects.select_for_update().get(pk=listing.pk)
    if listing.status == ListingStatus.REMOVED:
        raise ConflictError("workforce_listing_removed", "This listing was already removed.")
    if not reason.strip():
        raise DomainError("workforce_reason_required", "Give the reason for the removal.", status=422)
    listing.status = ListingStatus.REMOVED
    listing.removed_on = on or timezone.localdate()
    listing.removal_reason = reason.strip()[:300]
    listing.save(update_fields=["status", "removed_on", "removal_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="workforce.listing_removed",
        target=listing,
        changes={"status": [ListingStatus.ACTIVE, ListingStatus.REMOVED], "reason": listing.removal_reason},
    )
    return listing


@transaction.atomic
def appeal_submit(*, listing: PunishmentListing, grounds: str, actor: Any, on: date | None = None) -> Appeal:
    """The listed person's appeal (申诉), taken in by an officer. One pending appeal per listing;
    the listing stays in force until the appeal is decided."""
    if listing.status != ListingStatus.ACTIVE:
        raise ConflictError("workforce_listing_removed", "This listing is no longer in force.")
    if Appeal.objects.filter(listing=listing, status=AppealStatus.PENDING).exists():
        raise ConflictError("workforce_appeal_pending", "An appeal of this listing is already pending.")
    if not grounds.strip():
        raise DomainError("workforce_grounds_required", "Give the grounds of the appeal.", status=422)
    appeal = Appeal.objects.create(
        listing=listing, grounds=grounds.strip(), submitted_on=on or timezone.localdate()
    )
    audit_record(
        actor=actor, action="workforce.appeal_submitted", target=appeal, changes={"listing": listing.pk}
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, uphold: bool, note: str, actor: Any) -> Appeal:
    """Decide an appeal: upheld removes the listing; rejected keeps it. The reason is recorded."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != AppealStatus.PENDING:
        raise ConflictError("workforce_appeal_decided", "This appeal has already been decided.")
    if not note.strip():
        raise DomainError("workforce_reason_required", "Give the reason for the decision.", status=422)
    appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
    appeal.decision_note = note.strip()[:300]
    appeal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "decision_note", "decided_by", "decided_at", "updated_at"])
    if uphold:
        listing_remove(listing=appeal.listing, reason=f"申诉成立: {appeal.decision_note}", actor=actor)
    audit_record(
        actor=actor, action="workforce.appeal_decided", target=appeal, changes={"status": appeal.status}
    )
    return appeal


def employer_may_manage(*, employer: Organisation) -> None:
    """Employers are institutions or providers (the organisations that hire care staff)."""
    if employer.kind not in (
        OrganisationKind.INSTITUTION,
        OrganisationKind.PROVIDER,
        OrganisationKind.SOCIAL_ORGANISATION,
    ):
        raise DomainError(
            "workforce_not_an_employer", "This organisation does not employ care staff.", status=422
        )
