"""Visit records (探访记录): idempotent submission, optimistic-concurrency edits with visible conflicts,
follow-ups raised by findings, and notification of serious findings."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.registry.models import Elder
from eldercare.visits import rules
from eldercare.visits.choices import (
    ConflictStatus,
    FollowUpStatus,
    Outcome,
    Severity,
    TaskKind,
    TaskStatus,
)
from eldercare.visits.models import (
    FollowUp,
    FollowUpUpdate,
    Notification,
    RecordConflict,
    VisitPhoto,
    VisitRecord,
    VisitTarget,
    VisitTask,
)
from eldercare.visits.notify import notifier
from eldercare.visits.selectors import operations_policy
from eldercare.visits.services.plans import assign_tasks, tasks_for

MAX_BACKDATE_DAYS = 62  # an offline draft may be sent weeks later; older than two months is a mistake
FUTURE_TOLERANCE = timedelta(minutes=10)  # phone clocks drift
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True, slots=True)
class VisitInput:
    """What a visitor submits (form or API); `checklist` is {item: {"level": ok|concern|risk, "note": …}}."""

    method: str
    outcome: str
    visited_at: datetime
    checklist: Mapping[str, Any] = field(default_factory=dict)
    actions: Sequence[str] = ()
    urgent: bool = False
    notes: str = ""
    lon: float | None = None
    lat: float | None = None
    location_accuracy_m: float | None = None


@dataclass(frozen=True, slots=True)
class PhotoUpload:
    name: str
    content: bytes


class VisitConflictError(ConflictError):
    """An edit was based on an older version: kept as a conflict for a person to resolve."""

    def __init__(self, conflict: RecordConflict, fields: list[str]) -> None:
        super().__init__(
            "visit_conflict",
            "Someone else changed this visit record after you opened it. Compare both versions and choose.",
            {
                "conflict_id": conflict.pk,
                "record_id": conflict.record_id,
                "your_version": conflict.base_version,
                "current_version": conflict.record.version,
                "fields": fields,
                "current": record_values(conflict.record),
                "yours": dict(conflict.submitted),
            },
        )
        self.conflict = conflict


def _invalid(code: str, message: str, field_name: str) -> DomainError:
    return DomainError(code, message, {"field": field_name}, status=422)


def _clean_checklist(checklist: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    errors = rules.checklist_errors(checklist)
    if errors:
        raise DomainError(
            "visit_checklist_invalid", "The checklist is not valid.", {"errors": errors}, status=422
        )
    cleaned = {}
    for item, entry in checklist.items():
        if isinstance(entry, Mapping):
            cleaned[item] = {"level": str(entry.get("level", "")), "note": str(entry.get("note", "")).strip()}
        else:
            cleaned[item] = {"level": str(entry), "note": ""}
    return cleaned


def _validate(data: VisitInput, *, now: datetime) -> dict[str, Any]:
    """The record fields from a submission, or DomainError (422) naming the field."""
    if data.method not in rules.METHODS:
        raise _invalid("visit_method_invalid", "Choose how the visit was made.", "method")
    if data.outcome not in rules.OUTCOMES:
        raise _invalid("visit_outcome_invalid", "Choose whether the elder was met.", "outcome")
    if data.outcome == Outcome.NOT_FOUND and data.method != "in_person":
        raise _invalid(
            "visit_not_found_in_person", "'Not found at home' applies to visits in person.", "outcome"
        )
    if timezone.is_naive(data.visited_at):
        raise _invalid("visit_time_naive", "The visit time needs a time zone.", "visited_at")
    if data.visited_at > now + FUTURE_TOLERANCE:
        raise _invalid("visit_time_future", "The visit time lies in the future.", "visited_at")
    if data.visited_at < now - timedelta(days=MAX_BACKDATE_DAYS):
        raise _invalid("visit_time_too_old", "The visit time is more than two months ago.", "visited_at")
    actions = list(dict.fromkeys(data.actions))
    if any(a not in rules.FOLLOW_UP_KINDS for a in actions):
        raise _invalid("visit_action_invalid", "Unknown follow-up action.", "actions")
    if (data.lon is None) != (data.lat is None):
        raise _invalid("visit_location_partial", "A location needs both longitude and latitude.", "location")
    if data.lon is not None and not (-180 <= data.lon <= 180 and -90 <= (data.lat or 0) <= 90):
        raise _invalid("visit_location_invalid", "The location is not valid.", "location")
    if len(data.notes) > 4000:
        raise _invalid("visit_notes_too_long", "The notes are too long (4,000 characters at most).", "notes")
    return {
        "method": data.method,
        "outcome": data.outcome,
        "visited_at": data.visited_at,
        "checklist": _clean_checklist(data.checklist) if data.outcome == Outcome.VISITED else {},
        "actions": actions,
        "urgent": bool(data.urgent),
        "notes": data.notes.strip(),
        "lon": data.lon,
        "lat": data.lat,
        "location_accuracy_m": data.location_accuracy_m if data.lon is not None else None,
    }


def record_values(record: VisitRecord) -> dict[str, Any]:
    """The editable fields of a record in JSON form (for conflicts, the API and the draft)."""
    return {
        "method": record.method,
        "outcome": record.outcome,
        "visited_at": timezone.localtime(record.visited_at).isoformat(timespec="minutes"),
        "checklist": record.checklist,
        "actions": list(record.actions),
        "urgent": record.urgent,
        "notes": record.notes,
    }


def _photo_type(content: bytes) -> str | None:
    for signature, content_type in PHOTO_SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def _store_photos(record: VisitRecord, photos: Sequence[PhotoUpload]) -> int:
    if len(photos) + record.photos.count() > MAX_PHOTOS:
        raise _invalid("visit_too_many_photos", f"At most {MAX_PHOTOS} photos per visit.", "photos")
    stored = 0
    for photo in photos:
        if len(photo.content) > MAX_PHOTO_BYTES:
            raise _invalid("visit_photo_too_large", "A photo is larger than 8 MB.", "photos")
        content_type = _photo_type(photo.content)
        if content_type is None:
            raise _invalid("visit_photo_type", "Photos must be JPEG, PNG or WebP images.", "photos")
        digest = hashlib.sha256(photo.content).hexdigest()
        if VisitPhoto.objects.filter(record=record, sha256=digest).exists():
            continue
        row = VisitPhoto(record=record, content_type=content_type, size=len(photo.content), sha256=digest)
        row.file.save(photo.name or "photo.jpg", ContentFile(photo.content), save=False)
        row.save()
        stored += 1
    return stored


# ---- findings → follow-ups → notifications ----------------------------------------------------------


def _street_officers(community_code: str) -> list[User]:
    """Who hears of a serious finding at once: the street's officers, or the district's if none."""
    officers = list(
        User.objects.filter(role=Role.STREET_OFFICER, division_id=community_code[:9], is_active=True)
    )
    if not officers:
        officers = list(
            User.objects.filter(role=Role.DISTRICT_OFFICER, division_id=community_code[:6], is_active=True)
        )
    return officers


def _notify_serious(record: VisitRecord, follow_ups: Sequence[FollowUp]) -> list[Notification]:
    serious = [f for f in follow_ups if f.severity == Severity.SERIOUS]
    if not serious:
        return []
    kinds = ", ".join(sorted({str(f.get_kind_display()) for f in serious}))
    title = f"探访发现严重风险 Serious finding: {record.elder.masked_name} ({record.division.name})"
    body = (
        f"{timezone.localtime(record.visited_at):%Y-%m-%d %H:%M} · {record.get_outcome_display()} · {kinds}"
    )
    url = reverse("visits:followup_detail", args=[serious[0].pk])
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=officer,
                division_id=record.division_id,
                kind="serious_finding",
                title=title[:200],
                body=body,
                url=url,
                follow_up=serious[0],
            )
            for officer in _street_officers(record.division_id)
        ]
    )
    recipients = [(n.recipient.get_username(), n.title, n.body, n.url) for n in rows]

    def deliver() -> None:
        adapter = notifier()
        delivered = [
            username
            for username, t, b, u in recipients
            if adapter.send(username=username, title=t, body=b, url=u)
        ]
        Notification.objects.filter(
            follow_up=serious[0], recipient__username__in=delivered, delivered_via=""
        ).update(delivered_via=adapter.channel)

    transaction.on_commit(deliver)  # never announce what a rollback could take back
    return rows


def _raise_follow_ups(
    record: VisitRecord, *, tier: str, attempts_before: int, actor: Any, policy: Mapping[str, Any]
) -> tuple[list[FollowUp], rules.Findings]:
    """Create the follow-ups the record calls for that it does not have yet (one per kind); raise the
    severity of an open one that became serious. Serious new ones notify the street officer."""
    found = rules.findings(
        outcome=record.outcome,
        checklist=record.checklist,
        actions=record.actions,
        urgent=record.urgent,
        tier=tier,
        attempts_before=attempts_before,
        policy=rules.FindingsPolicy.from_value(policy),
    )
    existing = {f.kind: f for f in FollowUp.objects.filter(record=record)}
    today = timezone.localdate(record.visited_at)
    user = actor if getattr(actor, "is_authenticated", False) else None
    created: list[FollowUp] = []
    escalated: list[FollowUp] = []
    for spec in found.follow_ups:
        current = existing.get(spec.kind)
        if current is None:
            created.append(
                FollowUp(
                    record=record,
                    elder_id=record.elder_id,
                    division_id=record.division_id,
                    kind=spec.kind,
                    severity=spec.severity,
                    reasons=list(spec.reasons),
                    due_on=today + timedelta(days=spec.due_days),
                    assignee=record.visitor,
                    created_by=user,
                )
            )
        elif (
            spec.severity == Severity.SERIOUS
            and current.severity != Severity.SERIOUS
            and current.status != "closed"
        ):
            current.severity, current.due_on = Severity.SERIOUS, min(current.due_on, today)
            current.save(update_fields=["severity", "due_on", "updated_at"])
            escalated.append(current)
    for item in created:
        item.save()
    FollowUpUpdate.objects.bulk_create(
        [FollowUpUpdate(follow_up=f, actor=user, status_to=FollowUpStatus.OPEN, note="") for f in created]
    )
    _notify_serious(record, created + escalated)
    return created, found


# ---- submission -------------------------------------------------------------------------------------


@transaction.atomic
def visit_submit(
    *,
    client_uuid: uuid.UUID | str,
    elder: Elder,
    actor: Any,
    data: VisitInput,
    task: VisitTask | None = None,
    photos: Sequence[PhotoUpload] = (),
    now: datetime | None = None,
) -> tuple[VisitRecord, bool]:
    """Record a visit once per `client_uuid`: a retried submission (same key) returns the record already
    stored and `False`, whatever the network did; a key reused for another elder is a conflict.

    The record closes the task it was made for (or the elder's earliest task it can count for); an elder
    not found at home keeps the task open and due again after `not_found_retry_days`. Findings raise
    follow-ups; serious ones notify the street officer once the transaction commits.
    """
    try:
        key = uuid.UUID(str(client_uuid))
    except ValueError as exc:
        raise _invalid("visit_key_invalid", "The submission key is not a UUID.", "client_uuid") from exc
    stored = VisitRecord.objects.filter(client_uuid=key).first()
    if stored is not None:
        return _same_submission(stored, elder), False
    now = now or timezone.now()
    fields = _validate(data, now=now)
    if task is not None and task.elder_id != elder.pk:
        raise _invalid("visit_task_elder", "This task is for another elder.", "task")
    visited_on = timezone.localdate(fields["visited_at"])
    if task is None:
        task = tasks_for(elder_id=elder.pk, on=visited_on).first()
    policy, version_id = operations_policy(on=visited_on)
    try:
        with transaction.atomic():
            record = VisitRecord.objects.create(
                client_uuid=key,
                task=task,
                elder=elder,
                division_id=elder.residence_division_id,
                visitor=actor,
                policy_version_id=version_id,
                **fields,
            )
    except IntegrityError:  # the same key arrived twice at once: the other request stored it
        stored = VisitRecord.objects.filter(client_uuid=key).first()
        if stored is None:
            raise
        return _same_submission(stored, elder), False
    _store_photos(record, photos)
    attempts_before = 0
    if task is not None and task.status == TaskStatus.OPEN:
        locked = VisitTask.objects.select_for_update().get(pk=task.pk)
        attempts_before = locked.attempts
        if record.outcome == Outcome.VISITED:
            locked.status, locked.done_at = TaskStatus.DONE, record.visited_at
        else:
            locked.attempts += 1
            retry = visited_on + timedelta(days=int(policy["not_found_retry_days"]))
            locked.due_on = min(retry, locked.deadline)
        locked.save(update_fields=["status", "done_at", "attempts", "due_on", "updated_at"])
    elif record.outcome == Outcome.NOT_FOUND:
        retry = visited_on + timedelta(days=int(policy["not_found_retry_days"]))
        revisit = VisitTask.objects.create(
            elder=elder,
            division_id=record.division_id,
            kind=TaskKind.RETRY,
            month=rules.month_start(retry),
            due_on=retry,
            deadline=retry + timedelta(days=7),
            attempts=1,
            source_ref=f"retry:{record.client_uuid}"[:64],
        )
        assign_tasks([(revisit.pk, revisit.division_id)], month=retry)
    target = VisitTarget.objects.filter(elder=elder).first()
    if record.outcome == Outcome.VISITED and target is not None:
        VisitTarget.objects.filter(pk=target.pk).update(last_visited_at=record.visited_at)
    created, found = _raise_follow_ups(
        record,
        tier=target.tier if target is not None else "general",
        attempts_before=attempts_before,
        actor=actor,
        policy=policy,
    )
    audit_record(
        actor=actor,
        action="visits.visit_recorded",
        target=record,
        changes={
            "elder": elder.pk,
            "method": record.method,
            "outcome": record.outcome,
            "task": task.pk if task is not None else None,
            "follow_ups": [f.kind for f in created],
            "serious": found.serious,
            "photos": len(photos),
        },
    )
    return record, True


def _same_submission(stored: VisitRecord, elder: Elder) -> VisitRecord:
    if stored.elder_id != elder.pk:
        raise ConflictError(
            "visit_key_reused",
            "This submission key was already used for another elder's visit.",
            {"record": stored.pk},
        )
    return stored


# ---- edits and conflicts ----------------------------------------------------------------------------


def parse_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """JSON values of editable fields (as stored in a conflict or sent by the API) back to field values."""
    parsed = dict(values)
    if isinstance(parsed.get("visited_at"), str):
        moment = parse_datetime(parsed["visited_at"])
        if moment is None:
            raise _invalid("visit_time_invalid", "The visit time is not valid.", "visited_at")
        parsed["visited_at"] = (
            timezone.make_aware(moment, timezone.get_current_timezone())
            if timezone.is_naive(moment)
            else moment
        )
    return parsed


def _json_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: (timezone.localtime(v).isoformat(timespec="minutes") if isinstance(v, datetime) else v)
        for k, v in changes.items()
    }


def visit_update(
    *,
    record: VisitRecord,
    base_version: int,
    changes: Mapping[str, Any],
    actor: Any,
    now: datetime | None = None,
) -> VisitRecord:
    """Change a record if it is still at `base_version` (optimistic concurrency: one conditional UPDATE).

    When someone saved the record in between, nothing is overwritten: the edit is kept as an open
    `RecordConflict` and `VisitConflictError` (409) carries both versions, so the second person sees the
    conflict and chooses per field. Never last-write-wins.
    """
    unknown = set(changes) - set(rules.EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            "visit_field_not_editable", f"Cannot change {', '.join(sorted(unknown))}.", status=422
        )
    now = now or timezone.now()
    conflict: RecordConflict | None = None
    fields_differing: list[str] = []
    with transaction.atomic():
        current = VisitRecord.objects.select_related("elder", "division", "visitor").get(pk=record.pk)
        merged = {f: changes.get(f, getattr(current, f)) for f in rules.EDITABLE_FIELDS}
        cleaned = _validate(
            VisitInput(
                method=merged["method"],
                outcome=merged["outcome"],
                visited_at=merged["visited_at"],
                checklist=merged["checklist"],
                actions=merged["actions"],
                urgent=merged["urgent"],
                notes=merged["notes"],
                lon=current.lon,
                lat=current.lat,
                location_accuracy_m=current.location_accuracy_m,
            ),
            now=current.created_at,  # the visit time is checked against when the record arrived
        )
        values = {f: cleaned[f] for f in changes}
        updated = VisitRecord.objects.filter(pk=record.pk, version=base_version).update(
            **values,
            version=F("version") + 1,
            updated_by=actor if getattr(actor, "is_authenticated", False) else None,
            updated_at=now,
        )
        if not updated:
            conflict = RecordConflict.objects.create(
                record=current, base_version=base_version, submitted=_json_changes(values), submitted_by=actor
            )
            fields_differing = rules.differing_fields(record_values(current), conflict.submitted)
            audit_record(
                actor=actor,
                action="visits.visit_edit_conflict",
                target=current,
                changes={
                    "base_version": base_version,
                    "current_version": current.version,
                    "fields": fields_differing,
                },
            )
        else:
            before = record_values(current)
            current.refresh_from_db()
            target = VisitTarget.objects.filter(elder_id=current.elder_id).first()
            policy, _version = operations_policy(on=timezone.localdate(current.visited_at))
            _raise_follow_ups(
                current,
                tier=target.tier if target is not None else "general",
                attempts_before=0,
                actor=actor,
                policy=policy,
            )
            after = record_values(current)
            audit_record(
                actor=actor,
                action="visits.visit_changed",
                target=current,
                changes={
                    **{k: [before[k], after[k]] for k in after if before[k] != after[k]},
                    "version": [base_version, current.version],
                },
            )
    if conflict is not None:
        raise VisitConflictError(conflict, fields_differing)
    return current


def conflict_resolve(
    *, conflict: RecordConflict, take_mine: Iterable[str], seen_version: int, actor: Any
) -> VisitRecord:
    """Resolve a conflict: the fields in `take_mine` get the conflicting edit's values, the others keep the
    saved ones. `seen_version` is the version the resolver compared against; if the record moved again
    meanwhile, that is a new conflict (nothing is overwritten unseen)."""
    if conflict.status != ConflictStatus.OPEN:
        raise ConflictError("visit_conflict_resolved", "This conflict was already resolved.")
    mine = [f for f in take_mine if f in conflict.submitted]
    record = VisitRecord.objects.get(pk=conflict.record_id)
    if mine:
        # its own transaction: if the record moved again, the new conflict it records must survive
        record = visit_update(
            record=record,
            base_version=seen_version,
            changes=parse_values({f: conflict.submitted[f] for f in mine}),
            actor=actor,
        )
    elif record.version != seen_version:
        raise ConflictError("visit_conflict_moved", "The record changed again: compare once more.")
    with transaction.atomic():
        RecordConflict.objects.filter(pk=conflict.pk).update(
            status=ConflictStatus.RESOLVED,
            resolved_by=actor if getattr(actor, "is_authenticated", False) else None,
            resolved_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="visits.visit_conflict_resolved",
            target=record,
            changes={"conflict": conflict.pk, "took_mine": mine, "version": record.version},
        )
    return record


# ---- follow-ups -------------------------------------------------------------------------------------


TRANSITIONS = {
    FollowUpStatus.OPEN: {FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS, FollowUpStatus.CLOSED},
    FollowUpStatus.IN_PROGRESS: {FollowUpStatus.IN_PROGRESS, FollowUpStatus.CLOSED},
    FollowUpStatus.CLOSED: set(),
}


@transaction.atomic
def follow_up_update(
    *, follow_up: FollowUp, status: str, note: str, actor: Any, assignee: User | None = None
) -> FollowUp:
    """Move a follow-up towards closure (open → in progress → closed), with a note at every step; closing
    needs the resolution. A closed follow-up stays closed (a new finding raises a new one)."""
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if status not in FollowUpStatus.values:
        raise _invalid("follow_up_status_invalid", "Unknown status.", "status")
    if status not in TRANSITIONS[FollowUpStatus(locked.status)]:
        raise ConflictError("follow_up_closed", "This follow-up is closed.")
    note = note.strip()
    if status == FollowUpStatus.CLOSED and not note:
        raise _invalid("follow_up_resolution_required", "Say how it was resolved.", "note")
    if status == locked.status and not note and assignee is None:
        raise _invalid("follow_up_note_required", "Add a note or change the status.", "note")
    before = (locked.status, locked.assignee_id)
    locked.status = status
    if assignee is not None:
        locked.assignee = assignee
    if status == FollowUpStatus.CLOSED:
        locked.closed_at = timezone.now()
        locked.closed_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.resolution = note
    locked.save()
    FollowUpUpdate.objects.create(
        follow_up=locked,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        status_from=before[0],
        status_to=status,
        note=note,
    )
    audit_record(
        actor=actor,
        action="visits.follow_up_updated",
        target=locked,
        changes={
            "status": [before[0], status],
            "assignee": [before[1], locked.assignee_id],
            "note": note[:200],
        },
    )
    return locked


@transaction.atomic
def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
