"""Writes of the elder record: create, update, groups, contacts, consents, the special-difficulty flag.

Every write is audited and leaves an `ElderChange` row (the record's own history); revealing personal
data is audited too. Personal values (ID, phone, address) never appear in history or audit: only the
fact that they changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.bulk import copy_update
from eldercare.core.crypto import lookup_hash
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import (
    InvalidIdNumberError,
    ResidentId,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    normalise_phone,
    parse_resident_id,
)
from eldercare.core.models import Division, DivisionLevel
from eldercare.core.scope import DataScope
from eldercare.core.selectors import policy_value
from eldercare.registry import rules
from eldercare.registry.choices import (
    ChangeKind,
    ConsentScope,
    ContactRelation,
    EconomicStatus,
    ElderGroup,
    LivingSituation,
)
from eldercare.registry.models import (
    Elder,
    ElderChange,
    ElderConsent,
    ElderContact,
    ElderGroupMembership,
    ImportBatch,
)
from eldercare.registry.policy_keys import NATIONAL_DEFAULT

ID_MESSAGES = {
    "shape": "A resident ID number has 17 digits and a check digit or X (or 15 legacy digits).",
    "birth_date": "The birth date in the ID number does not exist or lies in the future.",
    "check_digit": "The check digit of the ID number is wrong: please check the number for a typing slip.",
}


def id_number_hash(number: str) -> str:
    return lookup_hash("id:" + number)


def phone_hash(phone: str) -> str:
    return lookup_hash("phone:" + phone) if phone else ""


def address_hash(address: str) -> str:
    return lookup_hash("address:" + address.strip()) if address.strip() else ""


def actor_label(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.get_username())[:150]
    return str(actor or "system")[:150]


def parse_id_number(text: str, *, today: date | None = None) -> ResidentId:
    """A valid 18-character ID (a 15-digit legacy number is upgraded); DomainError with a clear message."""
    number = normalise_id_number(text)
    upgraded = rules.upgrade_legacy_id(number)
    try:
        return parse_resident_id(upgraded or number, today=today)
    except InvalidIdNumberError as exc:
        raise DomainError(
            f"id_number_{exc.reason}",
            ID_MESSAGES.get(exc.reason, str(exc)),
            {"field": "id_number"},
            status=422,
        ) from exc


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
    ethnicity: str = "",
    hukou_division_id: str | None = None,
) -> Elder:
    """An unsaved elder with its derived columns (hashes, masked forms, pinyin initials) filled."""
    name = name.strip()
    return Elder(
        name=name,
        name_initials=rules.name_initials(name),
        id_number=id_number,
        id_number_hash=id_number_hash(id_number),
        id_number_masked=mask_id_number(id_number),
        sex=sex,
        birth_date=birth_date,
        residence_division_id=residence_division_id,
        hukou_division_id=hukou_division_id,
        ethnicity=ethnicity,
        address=address,
        address_hash=address_hash(address),
        phone=phone,
        phone_hash=phone_hash(phone),
        phone_masked=mask_phone(phone) if phone else "",
        living_situation=living_situation,
        economic_status=economic_status,
        lon=lon,
        lat=lat,
    )


@dataclass(frozen=True, slots=True)
class FlagPolicy:
    policy: rules.SpecialDifficultyPolicy
    version: int


def special_difficulty_policy(*, on: date | None = None) -> FlagPolicy:
    """The city's rule in force (the national target groups when the profile has none)."""
    pv = policy_value("registry.special_difficulty", on=on, default=NATIONAL_DEFAULT)
    return FlagPolicy(rules.SpecialDifficultyPolicy.from_value(pv.value), pv.version_id)


def groups_of(elder_ids: Iterable[int]) -> dict[int, dict[str, int | None]]:
    """{elder id: {group: disability grade}} in one query."""
    result: dict[int, dict[str, int | None]] = {}
    rows = ElderGroupMembership.objects.filter(elder_id__in=list(elder_ids)).values_list(
        "elder_id", "group", "disability_grade"
    )
    for elder_id, group, grade in rows:
        result.setdefault(elder_id, {})[group] = grade
    return result


def apply_special_difficulty(
    elder: Elder, *, groups: dict[str, int | None], flag_policy: FlagPolicy, today: date
) -> bool:
    """Set the flag, its reasons and the policy version on `elder` (unsaved); True if anything changed."""
    expired = elder.economic_valid_to is not None and elder.economic_valid_to < today
    facts = rules.ElderFacts(
        birth_date=elder.birth_date,
        living_situation=elder.living_situation,
        economic_status="ordinary" if expired else elder.economic_status,
        groups=frozenset(groups),
        disability_grade=groups.get(ElderGroup.DISABILITY),
        dementia_diagnosed=elder.dementia_diagnosed,
        status=elder.status,
    )
    decision = rules.special_difficulty(facts, policy=flag_policy.policy, today=today)
    before = (elder.special_difficulty, list(elder.special_difficulty_reasons or []))
    elder.special_difficulty = decision.flag
    elder.special_difficulty_reasons = list(decision.reasons)
    elder.special_difficulty_policy_version = flag_policy.version
    return before != (decision.flag, list(decision.reasons))


def refresh_special_difficulty(*, elders: list[Elder], today: date | None = None) -> list[Elder]:
    """Recompute the flag for saved elders (one query for groups, one bulk update); returns the changed."""
    today = today or timezone.localdate()
    flag_policy = special_difficulty_policy(on=today)
    groups = groups_of(e.pk for e in elders)
    changed = [
        e
        for e in elders
        if apply_special_difficulty(e, groups=groups.get(e.pk, {}), flag_policy=flag_policy, today=today)
    ]
    copy_update(
        Elder,
        changed,
        ["special_difficulty", "special_difficulty_reasons", "special_difficulty_policy_version"],
    )
    return changed


def record_change(
    *,
    elder: Elder,
    kind: str,
    actor: Any,
    changes: dict[str, Any],
    source: str = "manual",
    batch: ImportBatch | None = None,
) -> ElderChange:
    return ElderChange.objects.create(
        elder=elder, kind=kind, actor_label=actor_label(actor), source=source, batch=batch, changes=changes
    )


@transaction.atomic
def elders_bulk_insert(*, elders: list[Elder], actor: Any, source: str, division_code: str) -> int:
    """Insert pre-validated elders built with `elder_build` (generators, checked imports): one audit
    row per batch instead of one per elder. The special-difficulty flag is computed on the way."""
    today = timezone.localdate()
    flag_policy = special_difficulty_policy(on=today)
    for elder in elders:
        apply_special_difficulty(elder, groups={}, flag_policy=flag_policy, today=today)
    Elder.objects.bulk_create(elders, batch_size=2000)
    audit_record(
        actor=actor,
        action="elder.bulk_inserted",
        division_code=division_code,
        changes={"source": source, "count": len(elders)},
    )
    return len(elders)


def _check_division(division: Division, scope: DataScope | None, field: str = "residence_division") -> None:
    if division.level != DivisionLevel.COMMUNITY:
        raise DomainError(
            "division_not_community",
            "An elder lives in a community or village.",
            {"field": field},
            status=422,
        )
    if scope is not None and not scope.covers_division(division.code):
        raise DomainError(
            "division_out_of_scope",
            "This community is outside your area: you can only register elders in your own division.",
            {"field": field},
            status=422,
        )


def _check_choice(value: str, choices: Any, field: str) -> None:
    if value not in choices.values:
        raise DomainError(
            f"{field}_invalid", f"Unknown value {value!r} for {field}.", {"field": field}, status=422
        )


@transaction.atomic
def elder_create(
    *,
    name: str,
    id_number: str,
    residence_division: Division,
    actor: Any,
    scope: DataScope | None = None,
    phone: str = "",
    address: str = "",
    living_situation: str = "other",
    economic_status: str = "ordinary",
    ethnicity: str = "",
    hukou_division: Division | None = None,
    lon: float | None = None,
    lat: float | None = None,
    today: date | None = None,
) -> Elder:
    """Register an elder. Birth date and sex come from the ID number, never typed twice.

    Refused: an invalid ID (shape, date, check digit), a birth date in the future, a division that
    is not a community or lies outside `scope`, an ID already registered (the details point to the
    existing record when the caller may see it). Possible duplicates are flagged, not refused.
    """
    today = today or timezone.localdate()
    if not name.strip():
        raise DomainError("name_required", "The name is required.", {"field": "name"}, status=422)
    rid = parse_id_number(id_number, today=today)
    _check_division(residence_division, scope)
    _check_choice(living_situation, LivingSituation, "living_situation")
    _check_choice(economic_status, EconomicStatus, "economic_status")
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
        ethnicity=ethnicity,
        hukou_division_id=hukou_division.code if hukou_division else None,
        lon=lon,
        lat=lat,
    )
    existing = (
        Elder.objects.filter(id_number_hash=elder.id_number_hash)
        .values("pk", "residence_division_id")
        .first()
    )
    if existing is not None:
        visible = scope is None or scope.covers_division(existing["residence_division_id"])
        raise ConflictError(
            "elder_exists",
            "An elder with this ID number is already registered."
            + ("" if visible else " The record belongs to another area; ask its office."),
            {"field": "id_number", "existing_elder_id": existing["pk"] if visible else None},
        )
    if economic_status != EconomicStatus.ORDINARY:
        elder.economic_source = "manual"
        elder.economic_valid_from = today
    apply_special_difficulty(elder, groups={}, flag_policy=special_difficulty_policy(on=today), today=today)
    elder.save()
    record_change(
        elder=elder,
        kind=ChangeKind.CREATED,
        actor=actor,
        changes={"residence_division": residence_division.code, "living_situation": living_situation},
    )
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
    from eldercare.registry.services.duplicates import duplicates_detect

    duplicates_detect(elder=elder)
    return elder


UPDATABLE = frozenset(
    {
        "name",
        "residence_division",
        "hukou_division",
        "ethnicity",
        "phone",
        "address",
        "lon",
        "lat",
        "living_situation",
        "economic_status",
        "economic_source",
        "economic_valid_from",
        "economic_valid_to",
        "chronic_conditions",
        "dementia_diagnosed",
        "family_doctor_signed",
    }
)
PERSONAL = frozenset({"phone", "address"})


def _current(elder: Elder, field: str) -> Any:
    if field in ("residence_division", "hukou_division"):
        return getattr(elder, f"{field}_id")
    if field in PERSONAL:
        return getattr(elder, f"{field}_hash")
    return getattr(elder, field)


@transaction.atomic
def elder_update(
    *,
    elder: Elder,
    actor: Any,
    scope: DataScope | None = None,
    today: date | None = None,
    source: str = "manual",
    **fields: Any,
) -> Elder:
    """Change the given fields; history and audit keep [before, after] (personal fields: only 'changed').

    The ID number, birth date and sex are not editable here: a wrong ID is a new record and a merge.
    """
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise DomainError("field_not_editable", f"Cannot change {', '.join(sorted(unknown))}.", status=422)
    today = today or timezone.localdate()
    elder = Elder.objects.select_for_update().get(pk=elder.pk)
    changes: dict[str, Any] = {}
    for field, value in fields.items():
        if field in ("residence_division", "hukou_division"):
            if field == "residence_division":
                _check_division(value, scope)
            new: Any = value.code if value is not None else None
        elif field == "phone":
            value = normalise_phone(value or "")
            if value and not is_valid_phone(value):
                raise DomainError(
                    "phone_invalid", "The phone number is not valid.", {"field": "phone"}, status=422
                )
            new = phone_hash(value)
        elif field == "address":
            value = (value or "").strip()
            new = address_hash(value)
        elif field == "name":
            value = value.strip()
            if not value:
                raise DomainError("name_required", "The name is required.", {"field": "name"}, status=422)
            new = value
        else:
            if field == "living_situation":
                _check_choice(value, LivingSituation, field)
            if field == "economic_status":
                _check_choice(value, EconomicStatus, field)
            new = value
        old = _current(elder, field)
        if old == new:
            continue
        if field in ("residence_division", "hukou_division"):
            setattr(elder, f"{field}_id", new)
        elif field == "phone":
            elder.phone, elder.phone_hash, elder.phone_masked = value, new, mask_phone(value) if value else ""
        elif field == "address":
            elder.address, elder.address_hash = value, new
        elif field == "name":
            elder.name, elder.name_initials = value, rules.name_initials(value)
        else:
            setattr(elder, field, value)
        changes[field] = "changed" if field in PERSONAL else [_json(old), _json(new)]
    if not changes:
        return elder
    apply_special_difficulty(
        elder,
        groups=groups_of([elder.pk]).get(elder.pk, {}),
        flag_policy=special_difficulty_policy(on=today),
        today=today,
    )
    elder.save()
    record_change(elder=elder, kind=ChangeKind.UPDATED, actor=actor, changes=changes, source=source)
    audit_record(actor=actor, action="elder.updated", target=elder, changes=changes)
    return elder


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def elder_groups_set(
    *,
    elder: Elder,
    groups: dict[str, int | None],
    actor: Any,
    source: str = "manual",
    today: date | None = None,
) -> Elder:
    """Replace the elder's special groups ({group: disability grade or None}) and refresh the flag."""
    for group in groups:
        _check_choice(group, ElderGroup, "group")
    grade = groups.get(ElderGroup.DISABILITY)
    if ElderGroup.DISABILITY in groups and (grade is None or not 1 <= grade <= 4):
        raise DomainError("disability_grade_invalid", "A disability grade is 1 to 4.", status=422)
    before = groups_of([elder.pk]).get(elder.pk, {})
    if before == groups:
        return elder
    ElderGroupMembership.objects.filter(elder=elder).exclude(group__in=list(groups)).delete()
    for group, g in groups.items():
        ElderGroupMembership.objects.update_or_create(
            elder=elder, group=group, defaults={"disability_grade": g, "source": source}
        )
    changes = {"groups": [sorted(before), sorted(groups)]}
    refresh_special_difficulty(elders=[elder], today=today)
    record_change(elder=elder, kind=ChangeKind.UPDATED, actor=actor, changes=changes, source=source)
    audit_record(actor=actor, action="elder.groups_set", target=elder, changes=changes)
    return elder


@transaction.atomic
def contact_add(
    *,
    elder: Elder,
    name: str,
    relation: str,
    actor: Any,
    phone: str = "",
    is_guardian: bool = False,
    is_emergency: bool = False,
) -> ElderContact:
    """A family member, guardian or emergency contact of the elder."""
    _check_choice(relation, ContactRelation, "relation")
    phone = normalise_phone(phone) if phone else ""
    if phone and not is_valid_phone(phone):
        raise DomainError("phone_invalid", "The phone number is not valid.", {"field": "phone"}, status=422)
    if not name.strip():
        raise DomainError("name_required", "The name is required.", {"field": "name"}, status=422)
    contact = ElderContact.objects.create(
        elder=elder,
        name=name.strip(),
        relation=relation,
        phone=phone,
        phone_masked=mask_phone(phone) if phone else "",
        is_guardian=is_guardian,
        is_emergency=is_emergency,
    )
    changes = {"contact_added": [relation, contact.phone_masked, is_guardian, is_emergency]}
    record_change(elder=elder, kind=ChangeKind.CONTACT, actor=actor, changes=changes)
    audit_record(actor=actor, action="elder.contact_added", target=elder, changes=changes)
    return contact


@transaction.atomic
def contact_remove(*, contact: ElderContact, actor: Any) -> None:
    elder = contact.elder
    changes = {"contact_removed": [contact.relation, contact.phone_masked]}
    contact.delete()
    record_change(elder=elder, kind=ChangeKind.CONTACT, actor=actor, changes=changes)
    audit_record(actor=actor, action="elder.contact_removed", target=elder, changes=changes)


@transaction.atomic
def consent_record(
    *, elder: Elder, scope: str, granted: bool, given_on: date, actor: Any, note: str = ""
) -> ElderConsent:
    """The elder's consent (or its withdrawal) to share the record with family, providers or departments."""
    _check_choice(scope, ConsentScope, "scope")
    if given_on > timezone.localdate():
        raise DomainError("consent_future", "A consent cannot be dated in the future.", status=422)
    consent = ElderConsent.objects.create(
        elder=elder,
        scope=scope,
        granted=granted,
        given_on=given_on,
        note=note,
        recorded_by=actor_label(actor),
    )
    changes = {"consent": [scope, granted, given_on.isoformat()]}
    record_change(elder=elder, kind=ChangeKind.CONSENT, actor=actor, changes=changes)
    audit_record(actor=actor, action="elder.consent_recorded", target=elder, changes=changes)
    return consent


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
