"""Monthly visit plans (探访计划) and visits raised by events; assignment to visitors by area and load."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.registry.models import Elder
from eldercare.visits import rules
from eldercare.visits.choices import TaskKind, TaskStatus
from eldercare.visits.models import Visitor, VisitTarget, VisitTask
from eldercare.visits.selectors import tier_policy, working_days

CHUNK = 2000


@dataclass
class PlanReport:
    month: date
    created: int = 0
    kept: int = 0
    cancelled: int = 0
    assigned: int = 0
    unassigned: int = 0


def assign_tasks(task_rows: Iterable[tuple[int, str]], *, month: date) -> tuple[int, int]:
    """Assign open, unassigned tasks [(task id, community code)] of a month to visitors by area and load
    (`rules.assign`). Loads are the visitors' tasks of the month already assigned. Returns (assigned,
    left unassigned). Queries: two, plus one update per visitor who received tasks."""
    rows = list(task_rows)
    if not rows:
        return 0, 0
    communities = {code for _id, code in rows}
    areas = communities | {code[:9] for code in communities}
    visitors = list(
        Visitor.objects.filter(is_active=True, division_id__in=areas).values_list(
            "user_id", "division_id", "capacity"
        )
    )
    loads = dict(
        VisitTask.objects.filter(month=rules.month_start(month), visitor_id__in=[v[0] for v in visitors])
        .exclude(status=TaskStatus.CANCELLED)
        .values("visitor_id")
        .annotate(n=Count("id"))
        .values_list("visitor_id", "n")
    )
    decided = rules.assign(
        [rules.TaskToAssign(key=task_id, community_code=code) for task_id, code in rows],
        [
            rules.VisitorSlot(
                visitor_id=user_id, area_code=area, capacity=capacity, load=loads.get(user_id, 0)
            )
            for user_id, area, capacity in visitors
        ],
    )
    by_visitor: dict[int, list[int]] = {}
    for task_id, visitor_id in decided.items():
        if visitor_id is not None:
            by_visitor.setdefault(visitor_id, []).append(task_id)
    now = timezone.now()
    for visitor_id, task_ids in by_visitor.items():
        for start in range(0, len(task_ids), CHUNK):
            VisitTask.objects.filter(pk__in=task_ids[start : start + CHUNK], visitor__isnull=True).update(
                visitor_id=visitor_id, updated_at=now
            )
    assigned = sum(len(ids) for ids in by_visitor.values())
    return assigned, len(rows) - assigned


def _plan_chunk(
    targets: list[tuple[int, str, str, str]],
    *,
    first: date,
    today: date,
    policy: rules.TierPolicy,
    days: list[date],
    report: PlanReport,
) -> None:
    elder_ids = [t[0] for t in targets]
    desired: dict[tuple[int, int], tuple[rules.PlannedVisit, str, str]] = {}
    for elder_id, community, tier, key in targets:
        for visit in rules.planned_visits(
            policy.frequencies[tier], month=first, slot=rules.slot_of(key), working_days=days, today=today
        ):
            desired[(elder_id, visit.seq)] = (visit, community, tier)
    existing = {
        (elder_id, seq): (task_id, status, deadline)
        for task_id, elder_id, seq, status, deadline in VisitTask.objects.filter(
            kind=TaskKind.PLANNED, month=first, elder_id__in=elder_ids
        ).values_list("id", "elder_id", "seq", "status", "deadline")
    }
    report.kept += len(existing.keys() & desired.keys())
    cancel = [
        task_id
        for key, (task_id, status, deadline) in existing.items()
        if status == TaskStatus.OPEN and key not in desired and deadline >= today
    ]
    if cancel:
        report.cancelled += VisitTask.objects.filter(pk__in=cancel, status=TaskStatus.OPEN).update(
            status=TaskStatus.CANCELLED, updated_at=timezone.now()
        )
    new = [
        VisitTask(
            elder_id=elder_id,
            division_id=community,
            kind=TaskKind.PLANNED,
            month=first,
            seq=seq,
            tier=tier,
            due_on=visit.due_on,
            deadline=visit.deadline,
        )
        for (elder_id, seq), (visit, community, tier) in desired.items()
        if (elder_id, seq) not in existing
    ]
    # ignore_conflicts: a plan run concurrently for the same month adds each visit once (unique constraint)
    VisitTask.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
    report.created += len(new)


@transaction.atomic
def plan_month(
    *,
    month: date,
    today: date | None = None,
    actor: Any = None,
    elder_ids: Iterable[int] | None = None,
    sync: bool = True,
    audit: bool = True,
) -> PlanReport:
    """Generate the visits due in `month` for everyone on the list, and assign them (idempotent per month).

    Running it again adds only what is missing (new elders on the list, a tier that now asks for more),
    cancels open planned visits the plan no longer asks for (left the list, tier lowered) while keeping
    missed ones visible, and assigns what is unassigned. Frequencies come from `visits.tiers` in force on
    the month's first day; due days are working days spread over the period (see `rules.planned_visits`).
    """
    first = rules.month_start(month)
    today = today or timezone.localdate()
    only = None if elder_ids is None else sorted(set(elder_ids))
    if sync and only is None:
        from eldercare.visits.services.targets import targets_sync

        targets_sync(today=today, actor=actor)
    policy, version_id = tier_policy(on=first)
    days = working_days(first - timedelta(days=7), rules.month_end(first) + timedelta(days=7))
    report = PlanReport(month=first)
    active = VisitTarget.objects.filter(is_active=True)
    if only is not None:
        active = active.filter(elder_id__in=only)
    last_id = 0
    while True:
        chunk = list(
            active.filter(elder_id__gt=last_id)
            .order_by("elder_id")
            .values_list("elder_id", "division_id", "tier", "elder__id_number_hash")[:CHUNK]
        )
        if not chunk:
            break
        _plan_chunk(chunk, first=first, today=today, policy=policy, days=days, report=report)
        last_id = chunk[-1][0]
    # elders who left the list: their open planned visits of the month still ahead are cancelled
    gone = VisitTask.objects.filter(
        kind=TaskKind.PLANNED, month=first, status=TaskStatus.OPEN, deadline__gte=today
    ).exclude(elder_id__in=VisitTarget.objects.filter(is_active=True).values("elder_id"))
    if only is not None:
        gone = gone.filter(elder_id__in=only)
    report.cancelled += gone.update(status=TaskStatus.CANCELLED, updated_at=timezone.now())
    unassigned = VisitTask.objects.filter(month=first, status=TaskStatus.OPEN, visitor__isnull=True)
    if only is not None:
        unassigned = unassigned.filter(elder_id__in=only)
    report.assigned, report.unassigned = assign_tasks(
        unassigned.values_list("id", "division_id"), month=first
    )
    if audit:
        audit_record(
            actor=actor,
            action="visits.plan_generated",
            division_code="",
            changes={
                "month": first.isoformat(),
                "created": report.created,
                "kept": report.kept,
                "cancelled": report.cancelled,
                "assigned": report.assigned,
                "unassigned": report.unassigned,
                "policy_version": version_id,
            },
        )
    return report


def event_visit_task(
    *, elder_id: int, source_ref: str, note: str = "", actor: Any = None, now: datetime | None = None
) -> VisitTask:
    """A visit raised by an event (e.g. `alarm:123` after a fall or a serious alarm outcome), due at once
    and within the `event_response_hours` of the elder's tier (high risk when the elder is not on the
    list: an event is what makes an elder high risk). Idempotent per `source_ref`; the elder's tier is
    recomputed at once (a recent fall makes an elder high risk)."""
    if not source_ref:
        raise DomainError("visit_source_required", "An event visit needs its source.", status=422)
    existing = VisitTask.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    today = timezone.localdate(now)
    elder = Elder.objects.only("id", "residence_division_id").get(pk=elder_id)
    from eldercare.visits.services.targets import targets_sync

    targets_sync(today=today, elder_ids=[elder_id], actor=actor)
    target = VisitTarget.objects.filter(elder_id=elder_id, is_active=True).first()
    tier = target.tier if target is not None else "high_risk"
    policy, _version = tier_policy(on=today)
    hours = policy.frequencies[tier].event_response_hours
    deadline = max(today, timezone.localdate(now + timedelta(hours=hours)))
    try:
        with transaction.atomic():
            task = VisitTask.objects.create(
                elder_id=elder_id,
                division_id=elder.residence_division_id,
                kind=TaskKind.ALARM if source_ref.startswith("alarm:") else TaskKind.MANUAL,
                month=rules.month_start(today),
                tier=tier,
                due_on=today,
                deadline=deadline,
                source_ref=source_ref[:64],
                note=note[:200],
            )
            assign_tasks([(task.pk, task.division_id)], month=today)
            audit_record(
                actor=actor,
                action="visits.event_visit_raised",
                target=task,
                changes={"source": source_ref, "deadline": deadline.isoformat(), "tier": tier},
            )
    except IntegrityError:  # the same event raised twice at once: the other call created it
        return VisitTask.objects.get(source_ref=source_ref[:64])
    task.refresh_from_db()
    return task


def tasks_for(*, elder_id: int, on: date) -> Any:
    """Open tasks of an elder a visit on `on` can count for: already due or due within a week, and whose
    period has not ended, earliest first."""
    return VisitTask.objects.filter(
        Q(elder_id=elder_id, status=TaskStatus.OPEN, deadline__gte=on, due_on__lte=on + timedelta(days=7))
    ).order_by("due_on", "id")
