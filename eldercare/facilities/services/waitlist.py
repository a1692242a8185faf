"""The admission waitlist of public institutions (入住评估轮候).

- An application needs a valid (published, unexpired) ability assessment.
- Priority groups and their order are policy data (`facilities.waitlist`); the group and its reasons are
  stored on the application with the policy version. Within a group, earlier applications come first.
- 特困 elders (a group with `bypass`) are admitted without waiting: straight into a free bed of the kind
  they need, or first in line for the next one.
- Every position change is a `WaitlistPositionChange` row with its reason; a position moves backwards
  only for a reason that allows it (`rules.check_move`), otherwise the write fails.
- A freed bed is offered to the first applicant who wants that bed type, with a deadline; declines and
  time-outs are recorded, the bed passes on, and `max_declines` of them remove the application.

Every waitlist write locks the facility row first, so writes to one queue run one after the other.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.assessment.selectors import current_level
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.selectors import policy_value
from eldercare.facilities import rules
from eldercare.facilities.choices import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    BedState,
    FacilityStatus,
    OfferStatus,
    Ownership,
    PositionEvent,
    WantedBed,
)
from eldercare.facilities.models import (
    Bed,
    Facility,
    Residency,
    WaitlistApplication,
    WaitlistOffer,
    WaitlistPositionChange,
)
from eldercare.facilities.selectors import entry_of, waitlist_entries
from eldercare.registry.models import Elder, ElderGroupMembership
from eldercare.registry.services import actor_label

WAITLIST_KINDS = (*rules.INSTITUTION_KINDS, "street_complex")


def waitlist_policy(on: date | None = None) -> tuple[rules.WaitlistPolicy, int]:
    """The policy in force and its version id (decisions store it). No default: a city must seed it."""
    value = policy_value("facilities.waitlist", on=on)
    return rules.policy_from_value(value.value), value.version_id


def elder_facts(elder: Elder, *, on: date) -> tuple[rules.ElderFacts, Any]:
    """The facts the priority rule reads, and the elder's current assessment (two queries)."""
    memberships = list(
        ElderGroupMembership.objects.filter(elder=elder).values_list("group", "disability_grade")
    )
    grades = [g for code, g in memberships if code == "disability" and g is not None]
    level = current_level(elder, on=on)
    facts = rules.ElderFacts(
        economic_status=elder.economic_status,
        groups=frozenset(code for code, _ in memberships),
        age=rules.age_on(elder.birth_date, on),
        ability_level=level.level if level is not None and not level.expired else None,
        dementia=elder.dementia_diagnosed,
        disability_grade=min(grades) if grades else None,
    )
    return facts, level


def _lock_facility(facility_id: int) -> Facility:
    return Facility.objects.select_for_update().get(pk=facility_id)


def _reason_text(event: str, cause: WaitlistApplication | None, note: str = "") -> str:
    base = str(PositionEvent(event).label)
    if cause is not None and event == PositionEvent.JOINED_AHEAD:
        return f"{base}: {cause.priority_group} ({', '.join(cause.reasons[:1])})"
    return f"{base}: {note}" if note else base


def _recompute(
    facility_id: int,
    *,
    event: str,
    cause: WaitlistApplication | None = None,
    note: str = "",
) -> None:
    """Store the new positions of every open application, one change row (with its reason) per move.

    `event` explains the moves of the others; the causing application gets APPLIED (a new one) or
    PRIORITY_CHANGED (its own group changed).
    """
    apps = list(
        WaitlistApplication.objects.filter(facility_id=facility_id, status__in=OPEN_APPLICATION_STATUSES)
    )
    new = rules.positions([entry_of(a) for a in apps])
    changes = []
    moved = []
    for app in apps:
        before, after = app.position, new[app.pk]
        if before == after:
            continue
        if cause is not None and app.pk == cause.pk:
            ev: str = PositionEvent.APPLIED if before is None else PositionEvent.PRIORITY_CHANGED
            text = _reason_text(ev, None, note)
        else:
            ev = event
            text = _reason_text(ev, cause, note)
        rules.check_move(before, after, ev)  # a backward move needs a reason that allows it
        changes.append(
            WaitlistPositionChange(
                application=app,
                position_before=before,
                position_after=after,
                event=ev,
                reason=text[:300],
                caused_by=cause,
            )
        )
        app.position = after
        moved.append(app)
    WaitlistApplication.objects.bulk_update(moved, ["position", "updated_at"])
    WaitlistPositionChange.objects.bulk_create(changes)


def _leave(app: WaitlistApplication, *, status: str, reason: str, actor: Any) -> None:
    """The application leaves the queue: its last change row, then everybody behind moves up."""
    before = app.position
    app.status, app.position, app.closed_at, app.close_reason = status, None, timezone.now(), reason[:200]
    app.save(update_fields=["status", "position", "closed_at", "close_reason", "updated_at"])
    WaitlistPositionChange.objects.create(
        application=app,
        position_before=before,
        position_after=None,
        event=PositionEvent.LEFT,
        reason=reason[:300],
    )
    _recompute(app.facility_id, event=PositionEvent.AHEAD_LEFT, note=reason)


def _free_bed_for(facility_id: int, wanted: str) -> Bed | None:
    qs = Bed.objects.select_for_update().filter(
        facility_id=facility_id, state=BedState.FREE, retired_on__isnull=True
    )
    if wanted != WantedBed.ANY:
        qs = qs.filter(bed_type=wanted)
    return qs.order_by("id").first()


@transaction.atomic
def application_create(
    *,
    facility: Facility,
    elder: Elder,
    wanted_bed: str,
    actor: Any,
    applied_at: datetime | None = None,
) -> WaitlistApplication:
    """轮候申请: checks the assessment, places the elder in a priority group (with reasons and the policy
    version), and either admits a 特困 elder at once or queues the application."""
    if wanted_bed not in WantedBed.values:
        raise DomainError("wanted_bed_invalid", f"Unknown bed type {wanted_bed!r}.", status=422)
    facility = _lock_facility(facility.pk)
    if facility.ownership == Ownership.PRIVATE or facility.kind not in WAITLIST_KINDS:
        raise DomainError(
            "facility_no_waitlist", "Only public institutions admit through the waitlist.", status=422
        )
    if facility.status != FacilityStatus.OPERATING:
        raise ConflictError("facility_not_operating", "The facility does not admit residents now.")
    when = applied_at or timezone.now()
    on = timezone.localdate(when)
    facts, level = elder_facts(elder, on=on)
    if level is None or level.expired:
        raise DomainError(
            "assessment_required",
            "An application needs a valid ability assessment (评估); request one first.",
            {"expired": bool(level and level.expired)},
            status=422,
        )
    if WaitlistApplication.objects.filter(
        facility=facility, elder=elder, status__in=OPEN_APPLICATION_STATUSES
    ).exists():
        raise ConflictError("application_exists", "The elder is on this waitlist already.")
    if Residency.objects.filter(elder=elder, ended_at__isnull=True).exists():
        raise ConflictError("elder_already_resident", "The elder already lives in an institution.")
    policy, version_id = waitlist_policy(on)
    match = rules.priority_group(facts, policy)
    app = WaitlistApplication.objects.create(
        facility=facility,
        elder=elder,
        wanted_bed=wanted_bed,
        applied_at=when,
        priority_group=match.code,
        priority_rank=match.rank,
        bypass=match.bypass,
        reasons=list(match.reasons),
        policy_version_id=version_id,
        assessment_id=level.assessment_id,
        ability_level=level.level,
        created_by=actor_label(actor),
    )
    audit_record(
        actor=actor,
        action="facilities.application_created",
        target=app,
        division_code=elder.residence_division_id,
        changes={
            "facility": facility.pk,
            "group": match.code,
            "rank": match.rank,
            "bypass": match.bypass,
            "reasons": list(match.reasons),
            "policy_version": version_id,
            "assessment": level.assessment_id,
        },
    )
    if match.bypass:
        bed = _free_bed_for(facility.pk, wanted_bed)
        if bed is not None:
            from eldercare.facilities.services.beds import resident_admit

            app.status, app.closed_at, app.close_reason = (
                ApplicationStatus.ADMITTED,
                timezone.now(),
                "特困: admitted without waiting",
            )
            app.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
            WaitlistPositionChange.objects.create(
                application=app,
                position_before=None,
                position_after=None,
                event=PositionEvent.LEFT,
                reason="特困: admitted without waiting",
            )
            resident_admit(
                bed=bed, elder=elder, actor=actor, application=app, started_at=when, note="特困 bypass"
            )
            audit_record(
                actor=actor,
                action="facilities.application_admitted_directly",
                target=app,
                division_code=elder.residence_division_id,
                changes={"bed": bed.pk},
            )
            return app
    _recompute(facility.pk, event=PositionEvent.JOINED_AHEAD, cause=app)
    app.refresh_from_db()
    offers_for_free_beds(facility=facility, actor=actor)
    app.refresh_from_db()
    return app


@transaction.atomic
def application_reprioritise(*, application: WaitlistApplication, actor: Any) -> WaitlistApplication:
    """Re-read the elder's facts (a new assessment, a change of economic status …) and move the
    application to its group now; every move this causes is recorded with its reason."""
    _lock_facility(application.facility_id)
    app = WaitlistApplication.objects.select_related("elder").get(pk=application.pk)
    if app.status not in OPEN_APPLICATION_STATUSES:
        raise ConflictError("application_closed", "This application is closed.")
    on = timezone.localdate()
    facts, level = elder_facts(app.elder, on=on)
    policy, version_id = waitlist_policy(on)
    match = rules.priority_group(facts, policy)
    if (match.code, match.rank, match.bypass) == (app.priority_group, app.priority_rank, app.bypass):
        return app
    before = {"group": app.priority_group, "rank": app.priority_rank}
    app.priority_group, app.priority_rank, app.bypass = match.code, match.rank, match.bypass
    app.reasons, app.policy_version_id = list(match.reasons), version_id
    if level is not None:
        app.assessment_id, app.ability_level = level.assessment_id, level.level
    app.save()
    note = f"{before['group']} → {match.code}"
    _recompute(app.facility_id, event=PositionEvent.OTHER_PRIORITY_CHANGED, cause=app, note=note)
    audit_record(
        actor=actor,
        action="facilities.application_reprioritised",
        target=app,
        division_code=app.elder.residence_division_id,
        changes={
            "group": [before["group"], match.code],
            "rank": [before["rank"], match.rank],
            "reasons": list(match.reasons),
            "policy_version": version_id,
        },
    )
    return app


@transaction.atomic
def application_withdraw(
    *, application: WaitlistApplication, actor: Any, reason: str = ""
) -> WaitlistApplication:
    """The elder withdraws; a pending offer is withdrawn too and its bed passes on."""
    _lock_facility(application.facility_id)
    app = WaitlistApplication.objects.select_related("elder").get(pk=application.pk)
    if app.status not in OPEN_APPLICATION_STATUSES:
        raise ConflictError("application_closed", "This application is closed.")
    pending = WaitlistOffer.objects.filter(application=app, status=OfferStatus.PENDING).first()
    _leave(
        app,
        status=ApplicationStatus.WITHDRAWN,
        reason=f"withdrawn: {reason}" if reason else "withdrawn",
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="facilities.application_withdrawn",
        target=app,
        division_code=app.elder.residence_division_id,
        changes={"reason": reason},
    )
    if pending is not None:
        pending.status, pending.responded_at, pending.note = (
            OfferStatus.WITHDRAWN,
            timezone.now(),
            "application withdrawn",
        )
        pending.save(update_fields=["status", "responded_at", "note", "updated_at"])
        _release_and_pass_on(pending.bed_id, actor=actor, skip=frozenset({app.pk}))
    return app


def _release_and_pass_on(
    bed_id: int, *, actor: Any, skip: frozenset[int] = frozenset(), now: datetime | None = None
) -> WaitlistOffer | None:
    bed = Bed.objects.select_for_update().get(pk=bed_id)
    if bed.state == BedState.RESERVED:
        bed.state = BedState.FREE
        bed.save(update_fields=["state", "updated_at"])
    return offer_next(bed=bed, actor=actor, skip=skip, now=now)


@transaction.atomic
def offer_next(
    *, bed: Bed, actor: Any, skip: frozenset[int] = frozenset(), now: datetime | None = None
) -> WaitlistOffer | None:
    """床位通知: offer a free bed to the first waiting applicant who wants its type (or any bed)."""
    facility = _lock_facility(bed.facility_id)
    bed = Bed.objects.select_for_update().get(pk=bed.pk)
    if bed.state != BedState.FREE or bed.retired_on is not None:
        return None
    entries = waitlist_entries(facility.pk)  # status waiting: applicants with a pending offer are skipped
    nxt = rules.next_for_bed(entries, bed.bed_type, skip=skip)
    if nxt is None:
        return None
    now = now or timezone.now()
    policy, version_id = waitlist_policy(timezone.localdate(now))
    app = WaitlistApplication.objects.select_related("elder").get(pk=nxt.application_id)
    offer = WaitlistOffer.objects.create(
        application=app,
        bed=bed,
        offered_at=now,
        respond_by=now + timedelta(hours=policy.offer_response_hours),
        policy_version_id=version_id,
    )
    app.status = ApplicationStatus.OFFERED
    app.save(update_fields=["status", "updated_at"])
    bed.state = BedState.RESERVED
    bed.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="facilities.offer_made",
        target=offer,
        division_code=app.elder.residence_division_id,
        changes={
            "application": app.pk,
            "bed": bed.pk,
            "bed_type": bed.bed_type,
            "position": app.position,
            "respond_by": offer.respond_by.isoformat(),
            "skipped": sorted(skip),
        },
    )
    return offer


def offers_for_free_beds(*, facility: Facility, actor: Any) -> list[WaitlistOffer]:
    """Offer every free bed of the facility that someone waits for (after a new application)."""
    offers = []
    for bed in Bed.objects.filter(facility=facility, state=BedState.FREE, retired_on__isnull=True).order_by(
        "id"
    ):
        offer = offer_next(bed=bed, actor=actor)
        if offer is not None:
            offers.append(offer)
    return offers


def _refused(
    offer: WaitlistOffer, *, status: str, actor: Any, note: str, now: datetime | None = None
) -> WaitlistOffer:
    """A decline or a time-out: recorded on the offer, counted on the application; the bed passes on."""
    app = WaitlistApplication.objects.select_related("elder").get(pk=offer.application_id)
    offer.status, offer.responded_at, offer.note = status, now or timezone.now(), note[:200]
    offer.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    offer.save(update_fields=["status", "responded_at", "note", "recorded_by", "updated_at"])
    app.declines += 1
    policy, _version = waitlist_policy()
    audit_record(
        actor=actor,
        action="facilities.offer_declined" if status == OfferStatus.DECLINED else "facilities.offer_expired",
        target=offer,
        division_code=app.elder.residence_division_id,
        changes={"application": app.pk, "declines": app.declines, "note": note},
    )
    if app.declines >= policy.max_declines:
        app.save(update_fields=["declines", "updated_at"])
        _leave(
            app,
            status=ApplicationStatus.REMOVED,
            reason=f"removed after {app.declines} declined or timed-out offers",
            actor=actor,
        )
    else:
        app.status = ApplicationStatus.WAITING  # keeps its place in the queue
        app.save(update_fields=["declines", "status", "updated_at"])
    _release_and_pass_on(offer.bed_id, actor=actor, skip=frozenset({app.pk}), now=now)
    return offer


@transaction.atomic
def offer_respond(*, offer: WaitlistOffer, accept: bool, actor: Any, note: str = "") -> WaitlistOffer:
    """The applicant (or the worker for them) accepts — admitted into the bed — or declines."""
    _lock_facility(Bed.objects.values_list("facility_id", flat=True).get(pk=offer.bed_id))
    offer = WaitlistOffer.objects.select_for_update().select_related("bed").get(pk=offer.pk)
    if offer.status != OfferStatus.PENDING:
        raise ConflictError("offer_closed", "This offer has been answered or has expired.")
    if offer.respond_by < timezone.now():  # recorded as a time-out (not raised: that would undo it)
        return _refused(offer, status=OfferStatus.EXPIRED, actor=actor, note="answered after the deadline")
    if not accept:
        return _refused(offer, status=OfferStatus.DECLINED, actor=actor, note=note or "declined")
    from eldercare.facilities.services.beds import resident_admit

    app = WaitlistApplication.objects.select_related("elder").get(pk=offer.application_id)
    offer.status, offer.responded_at, offer.note = OfferStatus.ACCEPTED, timezone.now(), note[:200]
    offer.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    offer.save(update_fields=["status", "responded_at", "note", "recorded_by", "updated_at"])
    audit_record(
        actor=actor,
        action="facilities.offer_accepted",
        target=offer,
        division_code=app.elder.residence_division_id,
        changes={"application": app.pk, "bed": offer.bed_id},
    )
    _leave(app, status=ApplicationStatus.ADMITTED, reason="admitted", actor=actor)
    resident_admit(bed=offer.bed, elder=app.elder, actor=actor, application=app)
    return offer


def offers_expire(*, now: datetime | None = None, actor: Any = "task") -> int:
    """Time-outs: every pending offer past its deadline is recorded as expired and its bed passes on.
    Each offer in its own transaction; safe to run twice (an expired offer is no longer pending)."""
    now = now or timezone.now()
    due = list(
        WaitlistOffer.objects.filter(status=OfferStatus.PENDING, respond_by__lt=now)
        .order_by("respond_by", "id")
        .values_list("id", "bed__facility_id")
    )
    done = 0
    for offer_id, facility_id in due:
        with transaction.atomic():
            _lock_facility(facility_id)
            offer = WaitlistOffer.objects.select_for_update().get(pk=offer_id)
            if offer.status != OfferStatus.PENDING:
                continue
            _refused(
                offer, status=OfferStatus.EXPIRED, actor=actor, note="no answer by the deadline", now=now
            )
            done += 1
    return done
