"""Writes of the elder registry. Every write is audited; revealing personal data is audited too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from eldercare.core.audit import audit_record
from eldercare.core.crypto import lookup_hash
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import (
    InvalidIdNumberError,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    normalise_phone,
    parse_resident_id,
)
from eldercare.core.models import Division, DivisionLevel
from eldercare.registry.models import Elder


def id_number_hash(number: str) -> str:
    return lookup_hash("id:" + number)


def elder_build(
    *,
    name: str,
    id_number: str,
    sex: str,
    birth_date: date,
    residence_division_id: str,
    phone: str = "",
    address: str = "",
    living_situation: str = "other",
    economic_status: str = "ordinary",
    lon: float | None = None,
    lat: float | None = None,
) -> Elder:
    """An unsaved elder with its derived columns (hash, masked forms) filled: one place computes them."""
    return Elder(
        name=name.strip(),
        id_number=id_number,
        id_number_hash=id_number_hash(id_number),
        id_number_masked=mask_id_number(id_number),
        sex=sex,
        birth_date=birth_date,
        residence_division_id=residence_division_id,
        address=address,
        phone=phone,
        phone_masked=mask_phone(phone) if phone else "",
        living_situation=living_situation,
        economic_status=economic_status,
        lon=lon,
        lat=lat,
    )


@transaction.atomic
def elders_bulk_insert(*, elders: list[Elder], actor: Any, source: str, division_code: str) -> int:
    """Insert pre-validated elders built with `elder_build` (generators, checked imports): one audit
    row per batch instead of one per elder."""
    Elder.objects.bulk_create(elders, batch_size=2000)
    audit_record(
        actor=actor,
        action="elder.bulk_inserted",
        division_code=division_code,
        changes={"source": source, "count": len(elders)},
    )
    return len(elders)


@transaction.atomic
def elder_create(
    *,
    name: str,
    id_number: str,
    residence_division: Division,
    actor: Any,
    phone: str = "",
    address: str = "",
    living_situation: str = "other",
    economic_status: str = "ordinary",
    lon: float | None = None,
    lat: float | None = None,
    today: date | None = None,
) -> Elder:
    """Register an elder. Birth date and sex come from the ID number, never typed twice."""
    try:
        rid = parse_resident_id(id_number, today=today)
    except InvalidIdNumberError as exc:
        raise DomainError(f"id_number_{exc.reason}", str(exc), {"field": "id_number"}, status=422) from exc
    if residence_division.level != DivisionLevel.COMMUNITY:
        raise DomainError("division_not_community", "An elder lives in a community or village.", status=422)
    if phone and not is_valid_phone(phone):
        raise DomainError("phone_invalid", "The phone number is not valid.", {"field": "phone"}, status=422)
    elder = elder_build(
        name=name,
        id_number=rid.number,
        sex=rid.sex,
        birth_date=rid.birth_date,
        residence_division_id=residence_division.code,
        phone=normalise_phone(phone) if phone else "",
        address=address,
        living_situation=living_situation,
        economic_status=economic_status,
        lon=lon,
        lat=lat,
    )
    if Elder.objects.filter(id_number_hash=elder.id_number_hash).exists():
        raise ConflictError("elder_exists", "An elder with this ID number is already registered.")
    elder.save()
    audit_record(
        actor=actor,
        action="elder.created",
        target=elder,
        changes={
            "residence_division": residence_division.code,
            "living_situation": living_situation,
            "economic_status": economic_status,
        },
    )
    return elder


@dataclass(frozen=True, slots=True)
class PersonalData:
    id_number: str
    phone: str
    address: str


@transaction.atomic
def elder_reveal_personal(*, elder: Elder, actor: Any, purpose: str = "") -> PersonalData:
    """The unmasked ID number, phone and address; every reveal leaves an audit row."""
    fresh = Elder.objects.only("id", "id_number", "phone", "address", "residence_division_id", "name").get(
        pk=elder.pk
    )
    audit_record(
        actor=actor,
        action="elder.personal_revealed",
        target=fresh,
        changes={"fields": ["id_number", "phone", "address"], "purpose": purpose},
    )
    return PersonalData(id_number=fresh.id_number, phone=fresh.phone, address=fresh.address)
