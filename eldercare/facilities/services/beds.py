"""Beds and residents: beds by building/floor/room, admissions and discharges, monthly reports.

Admission locks the bed row first (so two admissions to one bed queue up and the second sees it
taken); the partial unique constraints on open residencies are the last line: whatever races past the
lock (one elder admitted to two beds at once) fails in the database and is answered as a conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.facilities import admission_hooks
from eldercare.facilities.choices import BedState, BedType, DischargeReason, FacilityStatus, OfferStatus
from eldercare.facilities.models import Bed, Facility, MonthlyReport, Residency, WaitlistApplication
from eldercare.facilities.selectors import facility_month_figures, month_bounds
from eldercare.registry.choices import ElderStatus, LifeEventKind
from eldercare.registry.models import Elder, LifeEvent
from eldercare.registry.services import EventInput, actor_label, life_events_record


@dataclass(frozen=True, slots=True)
class BedSpec:
    room: str
    number: str
    bed_type: str
    building: str = "1"
    floor: str = "1"


@transaction.atomic
def beds_add(
    *, facility: Facility, beds: Sequence[BedSpec], actor: Any, in_service_from: date | None = None
) -> list[Bed]:
    """Add beds (a room at a time, or a whole floor); a place that exists already is refused."""
    start = in_service_from or timezone.localdate()
    for spec in beds:
        if spec.bed_type not in BedType.values:
            raise DomainError("bed_type_invalid", f"Unknown bed type {spec.bed_type!r}.", status=422)
        if not spec.room.strip() or not spec.number.strip():
            raise DomainError("bed_place_required", "Room and bed number are required.", status=422)
    try:
        with transaction.atomic():
            created = Bed.objects.bulk_create(
                [
                    Bed(
                        facility=facility,
                        building=s.building,
                        floor=s.floor,
                        room=s.room,
                        number=s.number,
                        bed_type=s.bed_type,
                        in_service_from=start,
                    )
                    for s in beds
                ]
            )
    except IntegrityError as exc:
        raise ConflictError("bed_exists", "A bed with this building, floor, room and number exists.") from exc
    audit_record(
        actor=actor,
        action="facilities.beds_added",
        target=facility,
        changes={"count": len(created), "types": sorted({s.bed_type for s in beds})},
    )
    return created


@transaction.atomic
def bed_set_state(*, bed: Bed, state: str, actor: Any, bed_type: str | None = None) -> Bed:
    """Take a free bed out of service or back; change its type. Occupied and reserved follow
    admissions and offers, never set by hand."""
    bed = Bed.objects.select_for_update().get(pk=bed.pk)
    changes: dict[str, Any] = {}
    if state != bed.state:
        allowed = {BedState.FREE: BedState.OUT_OF_SERVICE, BedState.OUT_OF_SERVICE: BedState.FREE}
        if allowed.get(BedState(bed.state)) != state:
            raise ConflictError(
                "bed_state_invalid", f"A bed that is {bed.state} cannot be set to {state} by hand."
            )
        changes["state"] = [bed.state, state]
        bed.state = state
    if bed_type is not None and bed_type != bed.bed_type:
        if bed_type not in BedType.values:
            raise DomainError("bed_type_invalid", f"Unknown bed type {bed_type!r}.", status=422)
        changes["bed_type"] = [bed.bed_type, bed_type]
        bed.bed_type = bed_type
    if changes:
        bed.save(update_fields=["state", "bed_type", "updated_at"])
        audit_record(actor=actor, action="facilities.bed_changed", target=bed, changes=changes)
    if changes.get("state") == [BedState.OUT_OF_SERVICE, BedState.FREE]:
        from eldercare.facilities.services.waitlist import offer_next

        offer_next(bed=bed, actor=actor)
    return bed


def _record_registry_event(elder: Elder, kind: str, on: date, actor: Any) -> None:
    """The registry's life event (status in_institution / deceased), once per elder and kind."""
    if not LifeEvent.objects.filter(elder=elder, kind=kind).exists():
        life_events_record(
            events=[EventInput(elder=elder, kind=kind, occurred_on=on)], actor=actor, source="facilities"
        )


@transaction.atomic
def resident_admit(
    *,
    bed: Bed,
    elder: Elder,
    actor: Any,
    started_at: datetime | None = None,
    note: str = "",
    application: WaitlistApplication | None = None,
) -> Residency:
    """入住: the elder takes the bed. A reserved bed takes only the applicant it is offered to."""
    bed = Bed.objects.select_for_update().select_related("facility").get(pk=bed.pk)
    facility = bed.facility
    if facility.status not in (FacilityStatus.OPERATING, FacilityStatus.PLANNED):
        raise ConflictError("facility_not_operating", "The facility does not admit residents now.")
    if bed.state in (BedState.OCCUPIED, BedState.OUT_OF_SERVICE) or bed.retired_on is not None:
        raise ConflictError("bed_not_free", "This bed is not free.")
    if bed.state == BedState.RESERVED and (
        application is None
        or not bed.offers.filter(application=application, status=OfferStatus.ACCEPTED).exists()
    ):
        raise ConflictError("bed_reserved", "This bed is reserved for an applicant from the waitlist.")
    if elder.status in (ElderStatus.DECEASED, ElderStatus.MERGED):
        raise DomainError("elder_not_admissible", "This record cannot be admitted.", status=422)
    when = started_at or timezone.now()
    try:
        with transaction.atomic():
            residency = Residency.objects.create(
                facility=facility,
                bed=bed,
                elder=elder,
                started_at=when,
                admission_note=note,
                application=application,
            )
    except IntegrityError as exc:
        if Residency.objects.filter(elder=elder, ended_at__isnull=True).exists():
            raise ConflictError("elder_already_resident", "The elder already occupies a bed.") from exc
        raise ConflictError("bed_not_free", "This bed is not free.") from exc
    bed.state = BedState.OCCUPIED
    bed.save(update_fields=["state", "updated_at"])
    on = timezone.localdate(when)
    _record_registry_event(elder, LifeEventKind.INSTITUTION, on, actor)
    admission_hooks.emit(
        admission_hooks.AdmissionInfo(
            event="admitted",
            residency_id=residency.pk,
            elder_id=elder.pk,
            facility_id=facility.pk,
            facility_kind=facility.kind,
            ownership=facility.ownership,
            bed_type=bed.bed_type,
            on=on,
            reason="waitlist" if application is not None else "direct",
        )
    )
    audit_record(
        actor=actor,
        action="facilities.resident_admitted",
        target=residency,
        changes={"elder": elder.pk, "bed": bed.pk, "application": application.pk if application else None},
    )
    return residency


@transaction.atomic
def resident_discharge(
    *, residency: Residency, reason: str, actor: Any, ended_at: datetime | None = None, note: str = ""
) -> Residency:
    """离院: the stay ends; the bed is free again and offered to the waitlist (public institutions)."""
    if reason not in DischargeReason.values:
        raise DomainError("discharge_reason_invalid", f"Unknown reason {reason!r}.", status=422)
    residency = Residency.objects.select_for_update().select_related("elder", "facility").get(pk=residency.pk)
    if residency.ended_at is not None:
        raise ConflictError("residency_ended", "This stay has ended already.")
    when = ended_at or timezone.now()
    if when < residency.started_at:
        raise DomainError("discharge_before_admission", "The discharge is before the admission.", status=422)
    bed = Bed.objects.select_for_update().get(pk=residency.bed_id)
    residency.ended_at, residency.discharge_reason, residency.discharge_note = when, reason, note
    residency.save(update_fields=["ended_at", "discharge_reason", "discharge_note", "updated_at"])
    bed.state = BedState.FREE
    bed.save(update_fields=["state", "updated_at"])
    on = timezone.localdate(when)
    if reason == DischargeReason.DEATH:
        _record_registry_event(residency.elder, LifeEventKind.DEATH, on, actor)
    admission_hooks.emit(
        admission_hooks.AdmissionInfo(
            event="discharged",
            residency_id=residency.pk,
            elder_id=residency.elder_id,
            facility_id=residency.facility_id,
            facility_kind=residency.facility.kind,
            ownership=residency.facility.ownership,
            bed_type=bed.bed_type,
            on=on,
            reason=reason,
        )
    )
    audit_record(
        actor=actor,
        action="facilities.resident_discharged",
        target=residency,
        changes={"reason": reason, "bed": bed.pk, "days": (when - residency.started_at).days},
    )
    from eldercare.facilities.services.waitlist import offer_next

    offer_next(bed=bed, actor=actor)
    return residency


@transaction.atomic
def monthly_report_submit(*, facility: Facility, month: date, actor: Any) -> MonthlyReport:
    """月报: the month's figures computed from the live data; filing again replaces them (audited)."""
    first, _last = month_bounds(month)
    if first > timezone.localdate():
        raise DomainError("month_in_future", "This month has not begun.", status=422)
    figures = facility_month_figures(facility=facility, month=first)
    report, created = MonthlyReport.objects.update_or_create(
        facility=facility, month=first, defaults={"figures": figures, "submitted_by": actor_label(actor)}
    )
    audit_record(
        actor=actor,
        action="facilities.report_submitted" if created else "facilities.report_resubmitted",
        target=report,
        changes={"month": first.strftime("%Y-%m"), "beds": figures["beds"]["total"]},
    )
    return report
