"""Factories and helpers of the visits module's tests (divisions: the real Jiangmen data of conftest)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.models import Division
from eldercare.core.tests.factories import DISTRICT, ElderFactory, UserFactory, first_child
from eldercare.registry.models import Elder
from eldercare.registry.services import refresh_special_difficulty
from eldercare.visits import services
from eldercare.visits.models import TargetPeriod, Visitor, VisitTarget, VisitTask


def street() -> Division:
    return first_child(DISTRICT)


def community() -> Division:
    return first_child(street().code)


def second_community() -> Division:
    return Division.objects.filter(parent_id=street().code).order_by("code")[1]


def other_district_community() -> Division:
    return first_child(first_child("440705").code)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def special_elder(
    division: Division | None = None, *, extra: dict[str, Any] | None = None, **fields: Any
) -> Elder:
    """An elder the registry flags as in special difficulty (living alone by default). `extra` sets record
    fields the builder does not take (dementia, chronic conditions …) before the flag is computed."""
    fields.setdefault("living_situation", "alone")
    fields.setdefault("birth_date", date(1950, 5, 5))
    elder = ElderFactory(residence_division=division or community(), **fields)
    for name, value in (extra or {}).items():
        setattr(elder, name, value)
    elder.save()
    refresh_special_difficulty(elders=[elder])
    elder.refresh_from_db()
    return elder


def on_list(
    elder: Elder,
    *,
    since: date,
    until: date | None = None,
    tier: str = "key",
    division: Division | None = None,
) -> VisitTarget:
    """Put an elder on the list from `since` (a period and a target), bypassing the nightly sync."""
    code = (division or elder.residence_division).code
    TargetPeriod.objects.create(elder=elder, division_id=code, starts_on=since, ends_on=until)
    target, _created = VisitTarget.objects.update_or_create(
        elder=elder,
        defaults={"division_id": code, "tier": tier, "rule_tier": tier, "is_active": until is None},
    )
    return target


def make_visitor(
    division: Division | None = None,
    *,
    role: str = Role.COMMUNITY_WORKER,
    kind: str = "community_worker",
    capacity: int = 60,
    **fields: Any,
) -> User:
    area = division or community()
    user_division = area if role in (Role.COMMUNITY_WORKER, Role.STREET_OFFICER) else None
    if role == Role.STREET_OFFICER and area.level != 4:
        user_division = Division.objects.get(code=area.code[:9])
    user = UserFactory(role=role, division=user_division, **fields)
    Visitor.objects.create(user=user, kind=kind, division=area, capacity=capacity)
    return user


def visit_input(day: date | None = None, **fields: Any) -> services.VisitInput:
    fields.setdefault("method", "in_person")
    fields.setdefault("outcome", "visited")
    fields.setdefault(
        "checklist", {"health": {"level": "ok", "note": ""}, "mood": {"level": "ok", "note": ""}}
    )
    # Without a day: today at 10:00, or now when the suite runs before ten (never in the future).
    visited_at = at(day) if day else min(at(timezone.localdate()), timezone.now())
    return services.VisitInput(visited_at=visited_at, **fields)


def record_visit(
    elder: Elder, visitor: User, day: date | None = None, *, task: VisitTask | None = None, **fields: Any
) -> Any:
    record, _created = services.visit_submit(
        client_uuid=uuid.uuid4(),
        elder=elder,
        actor=visitor,
        data=visit_input(day, **fields),
        task=task,
        now=at(day or timezone.localdate(), 20) if day else None,
    )
    return record


# ---- samples for the permission-matrix test (eldercare/accounts/tests/test_permission_matrix.py) -----

SAMPLE_JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


def _sample_user(user: User | None) -> User:
    if user is not None:
        return user
    existing = User.objects.filter(username="visits_sample_visitor").first()
    return existing or UserFactory(
        username="visits_sample_visitor", role=Role.COMMUNITY_WORKER, division=community()
    )


def visits_samples(user: User | None) -> dict[str, int]:
    """One of each visits object around the first elder (in the accounts' home community), owned by or
    assigned to `user`, so every role that holds a page's capability can open it (a volunteer sees only
    what is assigned to them)."""
    from django.core.files.base import ContentFile

    from eldercare.visits.models import FollowUp, RecordConflict, VisitPhoto, VisitRecord

    owner = _sample_user(user)
    elder = Elder.objects.order_by("id").first()
    assert elder is not None
    if not VisitTarget.objects.filter(elder=elder).exists():
        on_list(elder, since=timezone.localdate().replace(day=1))
    task, _created = VisitTask.objects.get_or_create(
        source_ref=f"sample:{owner.pk}",
        defaults={
            "elder": elder,
            "division_id": elder.residence_division_id,
            "visitor": owner,
            "kind": "manual",
            "month": timezone.localdate().replace(day=1),
            "due_on": timezone.localdate(),
            "deadline": timezone.localdate() + timedelta(days=7),
        },
    )
    record = VisitRecord.objects.filter(visitor=owner).first() or VisitRecord.objects.create(
        client_uuid=uuid.uuid4(),
        elder=elder,
        division_id=elder.residence_division_id,
        visitor=owner,
        method="in_person",
        outcome="visited",
        visited_at=timezone.now(),
    )
    follow_up, _created = FollowUp.objects.get_or_create(
        record=record,
        kind="home_care",
        defaults={
            "elder": elder,
            "division_id": record.division_id,
            "due_on": timezone.localdate(),
            "assignee": owner,
            "created_by": owner,
        },
    )
    conflict = RecordConflict.objects.filter(record=record).first() or RecordConflict.objects.create(
        record=record, base_version=1, submitted={"notes": "x"}, submitted_by=owner
    )
    photo = VisitPhoto.objects.filter(record=record).first()
    if photo is None:
        photo = VisitPhoto(record=record, content_type="image/jpeg", size=len(SAMPLE_JPEG), sha256="0" * 64)
        photo.file.save("sample.jpg", ContentFile(SAMPLE_JPEG), save=False)
        photo.save()
    return {
        "elder": elder.pk,
        "task": task.pk,
        "record": record.pk,
        "follow_up": follow_up.pk,
        "conflict": conflict.pk,
        "photo": photo.pk,
    }


VISITS_PAGE_ARGS = {
    "visits:record_create": ("task_id", "task"),
    "visits:task_reveal": ("task_id", "task"),
    "visits:record_create_for_elder": ("elder_id", "elder"),
    "visits:record_detail": ("record_id", "record"),
    "visits:record_edit": ("record_id", "record"),
    "visits:conflict_detail": ("conflict_id", "conflict"),
    "visits:photo": ("photo_id", "photo"),
    "visits:target_detail": ("elder_id", "elder"),
    "visits:tier_override": ("elder_id", "elder"),
    "visits:followup_detail": ("follow_up_id", "follow_up"),
    "visits:followup_update": ("follow_up_id", "follow_up"),
}
VISITS_POST_PAGES = {
    "visits:task_reveal",
    "visits:tier_override",
    "visits:followup_update",
    "visits:plan_generate",
}


def visits_page_kwargs(url_name: str, user: User | None) -> dict[str, int]:
    if url_name not in VISITS_PAGE_ARGS:
        return {}
    kwarg, sample = VISITS_PAGE_ARGS[url_name]
    return {kwarg: visits_samples(user)[sample]}
