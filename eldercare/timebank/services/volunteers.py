"""Writes about volunteers, teams, relatives and proxy links. Every write is audited."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.ids import (
    InvalidIdNumberError,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    parse_resident_id,
)
from eldercare.core.models import Division, DivisionLevel, Organisation
from eldercare.registry.models import Elder
from eldercare.registry.services import id_number_hash
from eldercare.timebank.choices import ProxyKind, Relation, Skill, VolunteerStatus
from eldercare.timebank.models import ProxyLink, Volunteer, VolunteerRelative, VolunteerTeam
from eldercare.timebank.services.ledger import volunteer_account

MIN_VOLUNTEER_AGE = 18  # Shanghai rule: 18+ adults; under-18s only in group activities (not registered here)


def new_card_number() -> str:
    return "TB" + secrets.token_hex(6).upper()


@transaction.atomic
def team_create(
    *, name: str, division: Division, organisation: Organisation | None, actor: Any
) -> VolunteerTeam:
    team = VolunteerTeam.objects.create(name=name.strip(), division=division, organisation=organisation)
    audit_record(actor=actor, action="timebank.team_created", target=team, changes={"name": team.name})
    return team


@transaction.atomic
def volunteer_register(
    *,
    name: str,
    id_number: str,
    division: Division,
    actor: Any,
    phone: str = "",
    team: VolunteerTeam | None = None,
    skills: list[str] | None = None,
    service_areas: list[str] | None = None,
    availability: dict[str, list[str]] | None = None,
    user: Any = None,
    today: date | None = None,
) -> Volunteer:
    """Register a volunteer whose identity the worker checked against the resident ID (GB 11643):
    the number must be valid, the person an adult, and not registered before. Opens the time account."""
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
    if age < MIN_VOLUNTEER_AGE:
        raise DomainError("timebank_volunteer_too_young", "Volunteers register from age 18.", status=422)
    if division.level != DivisionLevel.COMMUNITY:
        raise DomainError(
            "timebank_division_not_community", "A volunteer belongs to a community.", status=422
        )
    if phone and not is_valid_phone(phone):
        raise DomainError("phone_invalid", "The phone number is not valid.", status=422)
    unknown = set(skills or []) - set(Skill.values)
    if unknown:
        raise DomainError("timebank_skill_unknown", "Unknown skills.", sorted(unknown), status=422)
    hashed = id_number_hash(parsed.number)
    if Volunteer.objects.filter(id_number_hash=hashed).exists():
        raise ConflictError("timebank_volunteer_exists", "This person is already registered as a volunteer.")
    volunteer = Volunteer.objects.create(
        user=user,
        name=name.strip(),
        id_number=parsed.number,
        id_number_hash=hashed,
        id_number_masked=mask_id_number(parsed.number),
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        phone=phone,
        phone_masked=mask_phone(phone) if phone else "",
        division=division,
        team=team,
        skills=sorted(set(skills or [])),
        service_areas=list(service_areas or [division.code[:9]]),
        availability=availability or {},
        verified_at=timezone.now(),
        verified_by=actor if getattr(actor, "is_authenticated", False) else None,
        card_number=new_card_number(),
    )
    volunteer_account(volunteer)
    audit_record(
        actor=actor,
        action="timebank.volunteer_registered",
        target=volunteer,
        changes={"team": team.pk if team else None, "skills": volunteer.skills},
    )
    return volunteer


@transaction.atomic
def volunteer_update(
    *,
    volunteer: Volunteer,
    actor: Any,
    skills: list[str] | None = None,
    service_areas: list[str] | None = None,
    availability: dict[str, list[str]] | None = None,
    team: VolunteerTeam | None = None,
    status: str | None = None,
) -> Volunteer:
    before = {
        "skills": volunteer.skills,
        "service_areas": volunteer.service_areas,
        "status": volunteer.status,
    }
    if skills is not None:
        volunteer.skills = sorted(set(skills) & set(Skill.values))
    if service_areas is not None:
        volunteer.service_areas = [a for a in service_areas if a.isdigit()]
    if availability is not None:
        volunteer.availability = availability
    if team is not None:
        volunteer.team = team
    if status is not None:
        if status not in VolunteerStatus.values:
            raise DomainError("timebank_status_unknown", "Unknown status.", status=422)
        volunteer.status = status
    volunteer.save()
    after = {"skills": volunteer.skills, "service_areas": volunteer.service_areas, "status": volunteer.status}
    audit_record(
        actor=actor,
        action="timebank.volunteer_updated",
        target=volunteer,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return volunteer


@transaction.atomic
def relative_confirm(
    *, volunteer: Volunteer, elder: Elder, relation: str, actor: Any, evidence: str = ""
) -> VolunteerRelative:
    """A worker confirms, from documents (户口簿, 结婚证 …), that the elder is the volunteer's relative."""
    if relation not in Relation.values:
        raise DomainError("timebank_relation_unknown", "Unknown relation.", status=422)
    link, created = VolunteerRelative.objects.update_or_create(
        volunteer=volunteer,
        elder=elder,
        defaults={
            "relation": relation,
            "confirmed_by": actor,
            "confirmed_at": timezone.now(),
            "evidence": evidence,
        },
    )
    audit_record(
        actor=actor,
        action="timebank.relative_confirmed",
        target=volunteer,
        changes={"elder": elder.pk, "relation": relation, "evidence": evidence, "new": created},
    )
    return link


@transaction.atomic
def proxy_link_confirm(*, elder: Elder, user: Any, kind: str, actor: Any) -> ProxyLink:
    """Record that `user` may act for `elder` in the time bank, confirmed by a worker (or the elder)."""
    if kind not in ProxyKind.values:
        raise DomainError("timebank_proxy_kind_unknown", "Unknown kind of proxy.", status=422)
    link, _ = ProxyLink.objects.update_or_create(
        elder=elder,
        user=user,
        defaults={"kind": kind, "confirmed_by": actor, "confirmed_at": timezone.now(), "revoked_at": None},
    )
    audit_record(
        actor=actor,
        action="timebank.proxy_confirmed",
        target=elder,
        changes={"user": user.pk, "kind": kind},
    )
    return link


@transaction.atomic
def proxy_link_revoke(*, link: ProxyLink, actor: Any) -> ProxyLink:
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor, action="timebank.proxy_revoked", target=link.elder, changes={"user": link.user_id}
    )
    return link
