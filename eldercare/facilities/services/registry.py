"""The facility registry: registering facilities, filing (备案) with documents, acceptance and public
listing, changes and closures re-filed, licences."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.models import Division, Organisation
from eldercare.core.scope import DataScope
from eldercare.facilities.choices import (
    FacilityKind,
    FacilityStatus,
    FilingKind,
    FilingStatus,
    LicenceKind,
    MedicalForm,
    Ownership,
    ProfitType,
)
from eldercare.facilities.models import Facility, Filing, FilingDocument, Licence
from eldercare.registry.services import actor_label

# Fields a change filing (变更备案) may change; they take effect when the filing is accepted.
FILED_FIELDS = frozenset(
    {
        "name",
        "kind",
        "ownership",
        "profit_type",
        "address",
        "capacity",
        "medical_form",
        "insurance_designated",
    }
)
# Listing fields the operator keeps current without a filing.
LISTING_FIELDS = frozenset(
    {"price_min_fen", "price_max_fen", "contact_phone", "publish_free_beds", "lon", "lat"}
)
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _check_choice(value: str, choices: Any, field: str) -> None:
    if value not in choices.values:
        raise DomainError(f"{field}_invalid", f"Unknown {field} {value!r}.", {"field": field}, status=422)


def _check_in_scope(scope: DataScope | None, division: Division, operator: Organisation) -> None:
    if scope is None or scope.unrestricted:
        return
    if scope.covers_division(division.code) or operator.pk in scope.organisation_ids:
        return
    raise DomainError("facility_out_of_scope", "You may not register a facility there.", status=404)


@transaction.atomic
def facility_register(
    *,
    actor: Any,
    name: str,
    kind: str,
    ownership: str,
    operator: Organisation,
    division: Division,
    scope: DataScope | None = None,
    profit_type: str = ProfitType.NON_PROFIT,
    address: str = "",
    lon: float | None = None,
    lat: float | None = None,
    capacity: int = 0,
    opened_on: date | None = None,
    medical_form: str = MedicalForm.NONE,
    insurance_designated: bool = False,
    price_min_fen: int | None = None,
    price_max_fen: int | None = None,
    contact_phone: str = "",
    publish_free_beds: bool = False,
) -> Facility:
    """A new facility, status planned; it operates and is listed publicly once its filing is accepted."""
    name = name.strip()
    if not name:
        raise DomainError("name_required", "The name is required.", {"field": "name"}, status=422)
    _check_choice(kind, FacilityKind, "kind")
    _check_choice(ownership, Ownership, "ownership")
    _check_choice(profit_type, ProfitType, "profit_type")
    _check_choice(medical_form, MedicalForm, "medical_form")
    _check_in_scope(scope, division, operator)
    if price_min_fen is not None and price_max_fen is not None and price_max_fen < price_min_fen:
        raise DomainError("price_range_invalid", "The highest price is below the lowest.", status=422)
    facility = Facility.objects.create(
        name=name,
        kind=kind,
        ownership=ownership,
        profit_type=profit_type,
        operator=operator,
        division=division,
        address=address,
        lon=lon,
        lat=lat,
        capacity=capacity,
        opened_on=opened_on,
        medical_form=medical_form,
        insurance_designated=insurance_designated,
        price_min_fen=price_min_fen,
        price_max_fen=price_max_fen,
        contact_phone=contact_phone,
        publish_free_beds=publish_free_beds,
    )
    audit_record(
        actor=actor,
        action="facilities.facility_registered",
        target=facility,
        changes={"kind": kind, "ownership": ownership, "operator": operator.pk, "capacity": capacity},
    )
    return facility


@transaction.atomic
def facility_update_listing(*, facility: Facility, actor: Any, **fields: Any) -> Facility:
    """Prices, contact, map point and whether free beds are published: kept current without a filing."""
    unknown = set(fields) - LISTING_FIELDS
    if unknown:
        raise DomainError(
            "field_needs_filing",
            f"Changing {', '.join(sorted(unknown))} needs a change filing (变更备案).",
            status=422,
        )
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    changes = {k: [getattr(facility, k), v] for k, v in fields.items() if getattr(facility, k) != v}
    for key, value in fields.items():
        setattr(facility, key, value)
    if (
        facility.price_min_fen is not None
        and facility.price_max_fen is not None
        and facility.price_max_fen < facility.price_min_fen
    ):
        raise DomainError("price_range_invalid", "The highest price is below the lowest.", status=422)
    facility.save()
    if changes:
        audit_record(actor=actor, action="facilities.listing_updated", target=facility, changes=changes)
    return facility


@transaction.atomic
def filing_create(
    *, facility: Facility, kind: str, actor: Any, changes: dict[str, Any] | None = None
) -> Filing:
    """A draft filing: the initial one, a change (with the changed fields) or a closure."""
    _check_choice(kind, FilingKind, "kind")
    changes = changes or {}
    if kind == FilingKind.CHANGE:
        unknown = set(changes) - FILED_FIELDS
        if not changes or unknown:
            raise DomainError(
                "filing_changes_invalid",
                "A change filing lists the filed fields it changes.",
                {"allowed": sorted(FILED_FIELDS), "unknown": sorted(unknown)},
                status=422,
            )
    accepted = Filing.objects.filter(facility=facility, status=FilingStatus.ACCEPTED)
    if kind == FilingKind.INITIAL and accepted.filter(kind=FilingKind.INITIAL).exists():
        raise ConflictError("filing_exists", "This facility is filed already; file a change or a closure.")
    if kind != FilingKind.INITIAL and not accepted.filter(kind=FilingKind.INITIAL).exists():
        raise ConflictError("filing_missing", "File the facility first.")
    if Filing.objects.filter(
        facility=facility, status__in=[FilingStatus.DRAFT, FilingStatus.SUBMITTED]
    ).exists():
        raise ConflictError("filing_open", "This facility has an open filing already.")
    filing = Filing.objects.create(facility=facility, kind=kind, changes=changes)
    audit_record(
        actor=actor, action="facilities.filing_created", target=filing, changes={"kind": kind, **changes}
    )
    return filing


@transaction.atomic
def filing_add_document(
    *, filing: Filing, title: str, file_name: str, content: bytes, actor: Any
) -> FilingDocument:
    if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise ConflictError(
            "filing_not_editable", "Documents can be added to a draft or returned filing only."
        )
    if not content or len(content) > MAX_DOCUMENT_BYTES:
        raise DomainError("document_size", "A document must hold 1 byte to 10 MB.", status=422)
    document = FilingDocument.objects.create(
        filing=filing,
        title=title.strip() or file_name,
        file_name=file_name[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    audit_record(
        actor=actor,
        action="facilities.filing_document_added",
        target=filing,
        changes={"document": document.title, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def filing_submit(*, filing: Filing, actor: Any) -> Filing:
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise ConflictError("filing_not_draft", "Only a draft or returned filing can be submitted.")
    if filing.kind != FilingKind.CLOSURE and not filing.documents.exists():
        raise DomainError("filing_documents_missing", "Attach the filing documents first.", status=422)
    before = filing.status
    filing.status, filing.submitted_at = FilingStatus.SUBMITTED, timezone.now()
    filing.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="facilities.filing_submitted",
        target=filing,
        changes={"status": [before, filing.status]},
    )
    return filing


@transaction.atomic
def filing_decide(*, filing: Filing, accept: bool, actor: Any, note: str = "") -> Filing:
    """Accept (the facility operates and is listed; a change takes effect; a closure closes it) or
    return the filing for correction with a reason the operator reads."""
    filing = Filing.objects.select_for_update().select_related("facility").get(pk=filing.pk)
    if filing.status != FilingStatus.SUBMITTED:
        raise ConflictError("filing_not_submitted", "Only a submitted filing can be decided.")
    if not accept and not note.strip():
        raise DomainError("reason_required", "Say what must be corrected.", status=422)
    facility = Facility.objects.select_for_update().get(pk=filing.facility_id)
    applied: dict[str, Any] = {}
    today = timezone.localdate()
    if accept:
        if filing.kind == FilingKind.INITIAL:
            facility.status = FacilityStatus.OPERATING
            facility.opened_on = facility.opened_on or today
            facility.filing_no = f"{facility.division_id[:6]}-{today.year}-{facility.pk:05d}"
            facility.publicly_listed = True
            applied = {"status": FacilityStatus.OPERATING, "filing_no": facility.filing_no}
        elif filing.kind == FilingKind.CHANGE:
            for key, value in filing.changes.items():
                if key in FILED_FIELDS:
                    applied[key] = [getattr(facility, key), value]
                    setattr(facility, key, value)
        else:
            facility.status, facility.closed_on, facility.publicly_listed = (
                FacilityStatus.CLOSED,
                today,
                False,
            )
            applied = {"status": FacilityStatus.CLOSED, "closed_on": today.isoformat()}
        facility.save()
    filing.status = FilingStatus.ACCEPTED if accept else FilingStatus.RETURNED
    filing.decided_at, filing.decided_by, filing.decision_note = timezone.now(), actor_label(actor), note
    filing.save()
    audit_record(
        actor=actor,
        action="facilities.filing_accepted" if accept else "facilities.filing_returned",
        target=filing,
        changes={"kind": filing.kind, "applied": applied, "note": note},
    )
    return filing


@transaction.atomic
def licence_add(
    *,
    facility: Facility,
    kind: str,
    number: str,
    valid_from: date,
    actor: Any,
    valid_until: date | None = None,
    issued_by: str = "",
) -> Licence:
    _check_choice(kind, LicenceKind, "kind")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError("licence_dates_invalid", "The licence ends before it starts.", status=422)
    licence = Licence.objects.create(
        facility=facility,
        kind=kind,
        number=number.strip(),
        issued_by=issued_by,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    audit_record(
        actor=actor,
        action="facilities.licence_added",
        target=licence,
        changes={"kind": kind, "valid_until": valid_until.isoformat() if valid_until else None},
    )
    return licence
