"""Reads of the visits module, always limited to what the caller may see.

Officers see what lies in their division (`DataScope`); a visitor also sees the tasks assigned to them
and the visits they recorded, wherever they are (a volunteer's account has no division of its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from eldercare.core.models import Division
from eldercare.core.scope import DataScope
from eldercare.core.selectors import policy_value
from eldercare.registry.models import Elder
from eldercare.visits import rules
from eldercare.visits.choices import FollowUpStatus, TaskStatus
from eldercare.visits.models import (
    FollowUp,
    MonthlyVisitRate,
    Notification,
    RecordConflict,
    TargetPeriod,
    Visitor,
    VisitPhoto,
    VisitRecord,
    VisitTarget,
    VisitTask,
)
from eldercare.visits.policy_keys import DEFAULT_OPERATIONS, DEFAULT_TIERS

ELDER_PERSONAL = ("elder__id_number", "elder__phone", "elder__address")


# ---- policy -----------------------------------------------------------------------------------------


def tier_policy(on: date | None = None) -> tuple[rules.TierPolicy, int]:
    pv = policy_value("visits.tiers", on=on, default=DEFAULT_TIERS)
    return rules.TierPolicy.from_value(pv.value), pv.version_id


def operations_policy(on: date | None = None) -> tuple[dict[str, Any], int]:
    pv = policy_value("visits.operations", on=on, default=DEFAULT_OPERATIONS)
    return {**DEFAULT_OPERATIONS, **dict(pv.value)}, pv.version_id


def assessment_levels(elder_ids: Iterable[int], *, on: date) -> dict[int, int | None]:
    """The elders' current GB/T 42195 ability levels, for the tier rules (None: never assessed, or the
    result has expired). One query."""
    from eldercare.assessment.selectors import current_levels

    ids = list(elder_ids)
    levels = current_levels(ids, on=on)
    return {i: (levels[i].level if i in levels and not levels[i].expired else None) for i in ids}


def working_days(first: date, last: date) -> list[date]:
    """Working days between two dates by the official calendar (调休 included); Monday–Friday for years
    the `chinese-calendar` package does not cover yet."""
    import chinese_calendar

    days = []
    day = first
    while day <= last:
        try:
            workday = chinese_calendar.is_workday(day)
        except NotImplementedError:
            workday = day.weekday() < 5
        if workday:
            days.append(day)
        day += timedelta(days=1)
    return days


def local_day_bounds(first: date, last_exclusive: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(first, time(0), tzinfo=tz), datetime.combine(last_exclusive, time(0), tzinfo=tz)


# ---- visibility -------------------------------------------------------------------------------------


def _visible_tasks(scope: DataScope, user: Any) -> QuerySet[VisitTask]:
    q = scope.filter_q(VisitTask)
    if user is not None and getattr(user, "pk", None):
        q |= Q(visitor_id=user.pk)
    return VisitTask.objects.filter(q)


def _visible_records(scope: DataScope, user: Any) -> QuerySet[VisitRecord]:
    q = scope.filter_q(VisitRecord)
    if user is not None and getattr(user, "pk", None):
        q |= Q(visitor_id=user.pk)
    return VisitRecord.objects.filter(q)


def _visible_follow_ups(scope: DataScope, user: Any) -> QuerySet[FollowUp]:
    q = scope.filter_q(FollowUp)
    if user is not None and getattr(user, "pk", None):
        q |= Q(assignee_id=user.pk) | Q(created_by_id=user.pk)
    return FollowUp.objects.filter(q)


# ---- visitors and their lists -----------------------------------------------------------------------


def visitor_of(user: Any) -> Visitor | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return Visitor.objects.select_related("division").filter(user_id=user.pk).first()


def visitor_list(*, scope: DataScope) -> QuerySet[Visitor]:
    return Visitor.objects.for_scope(scope).select_related("user", "division").order_by("division_id", "id")


@dataclass(frozen=True, slots=True)
class MyVisits:
    due: list[VisitTask]  # today's and overdue, in walking order
    upcoming: list[VisitTask]  # the next days, by date
    start: tuple[float, float] | None
    route_m: float


def my_visits(*, user: Any, today: date, upcoming_days: int = 7) -> MyVisits:
    """The visitor's open tasks due today or earlier, ordered by a walking route (nearest neighbour from
    the centroid of the visitor's area), then the next days' tasks by date. Two queries."""
    tasks = list(
        VisitTask.objects.filter(
            visitor_id=user.pk, status=TaskStatus.OPEN, due_on__lte=today + timedelta(days=upcoming_days)
        )
        .select_related("elder", "division")
        .defer(*ELDER_PERSONAL)
        .order_by("due_on", "id")
    )
    area = visitor_of(user)
    division = area.division if area is not None else getattr(user, "division", None)
    start: tuple[float, float] | None = None
    if division is not None and division.lon is not None and division.lat is not None:
        start = (float(division.lon), float(division.lat))
    due = [t for t in tasks if t.due_on <= today]
    stops = [rules.Stop(key=t.pk, lon=t.elder.lon, lat=t.elder.lat) for t in due]
    order = rules.walking_route(start, stops)
    by_id = {t.pk: t for t in due}
    return MyVisits(
        due=[by_id[k] for k in order],
        upcoming=[t for t in tasks if t.due_on > today],
        start=start,
        route_m=rules.route_length_m(start, stops, order),
    )


@dataclass(frozen=True, slots=True)
class TaskFilter:
    status: str = TaskStatus.OPEN
    overdue: bool = False
    division_code: str = ""
    visitor_id: int | None = None
    kind: str = ""
    unassigned: bool = False


def task_list(
    *, scope: DataScope, user: Any = None, today: date, filters: TaskFilter | None = None
) -> QuerySet[VisitTask]:
    f = filters or TaskFilter()
    qs = _visible_tasks(scope, user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.overdue:
        qs = qs.filter(status=TaskStatus.OPEN, due_on__lt=today)
    if f.division_code:
        qs = qs.filter(division__code__startswith=f.division_code)
    if f.visitor_id is not None:
        qs = qs.filter(visitor_id=f.visitor_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.unassigned:
        qs = qs.filter(visitor__isnull=True)
    return qs.select_related("elder", "division", "visitor").defer(*ELDER_PERSONAL).order_by("due_on", "id")


def access_task(*, scope: DataScope, user: Any, task_id: int) -> VisitTask:
    task = (
        _visible_tasks(scope, user).select_related("elder", "division", "visitor").filter(pk=task_id).first()
    )
    if task is None:
        raise Http404("No such visit task.")
    return task


def access_elder_for_visit(*, scope: DataScope, user: Any, elder_id: int) -> Elder:
    """An elder the caller may record a visit for: in the caller's scope, or with an open task assigned
    to the caller. Out of reach looks like missing (404)."""
    assigned = VisitTask.objects.filter(
        elder_id=OuterRef("pk"), visitor_id=getattr(user, "pk", None), status="open"
    )
    elder = (
        Elder.objects.filter(Q(scope.filter_q(Elder)) | Q(Exists(assigned)), pk=elder_id)
        .select_related("residence_division")
        .first()
    )
    if elder is None:
        raise Http404("No such elder.")
    return elder


# ---- targets ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetFilter:
    tier: str = ""
    division_code: str = ""
    overridden: bool = False
    active: bool = True


def target_list(*, scope: DataScope, filters: TargetFilter | None = None) -> QuerySet[VisitTarget]:
    f = filters or TargetFilter()
    qs = VisitTarget.objects.for_scope(scope).filter(is_active=f.active)
    if f.tier:
        qs = qs.filter(tier=f.tier)
    if f.division_code:
        qs = qs.filter(division__code__startswith=f.division_code)
    if f.overridden:
        qs = qs.exclude(override_tier="")
    return qs.select_related("elder", "division").defer(*ELDER_PERSONAL).order_by("division_id", "elder_id")


def target_of(*, elder: Elder) -> VisitTarget | None:
    return VisitTarget.objects.select_related("override_by").filter(elder=elder).first()


def target_history(*, target: VisitTarget) -> list[Any]:
    return list(target.changes.select_related("actor").order_by("-at", "-id")[:50])


def target_periods(*, elder: Elder) -> list[TargetPeriod]:
    return list(TargetPeriod.objects.filter(elder=elder).select_related("division").order_by("-starts_on"))


# ---- records ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordFilter:
    division_code: str = ""
    visitor_id: int | None = None
    elder_id: int | None = None
    method: str = ""
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None


def record_list(
    *, scope: DataScope, user: Any = None, filters: RecordFilter | None = None
) -> QuerySet[VisitRecord]:
    f = filters or RecordFilter()
    qs = _visible_records(scope, user)
    if f.division_code:
        qs = qs.filter(division__code__startswith=f.division_code)
    if f.visitor_id is not None:
        qs = qs.filter(visitor_id=f.visitor_id)
    if f.elder_id is not None:
        qs = qs.filter(elder_id=f.elder_id)
    if f.method:
        qs = qs.filter(method=f.method)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.date_from is not None or f.date_to is not None:
        start, end = local_day_bounds(
            f.date_from or date(2000, 1, 1), (f.date_to or date(2100, 1, 1)) + timedelta(days=1)
        )
        qs = qs.filter(visited_at__gte=start, visited_at__lt=end)
    return (
        qs.select_related("elder", "division", "visitor")
        .defer(*ELDER_PERSONAL)
        .annotate(photo_count=Count("photos", distinct=True))
        .order_by("-visited_at", "-id")
    )


def access_record(*, scope: DataScope, user: Any, record_id: int) -> VisitRecord:
    record = (
        _visible_records(scope, user)
        .select_related("elder", "division", "visitor", "updated_by", "task")
        .defer(*ELDER_PERSONAL)
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise Http404("No such visit.")
    return record


def record_by_key(*, client_uuid: Any) -> VisitRecord | None:
    return VisitRecord.objects.filter(client_uuid=client_uuid).first()


def record_photos(*, record: VisitRecord) -> list[VisitPhoto]:
    return list(record.photos.order_by("id"))


def access_photo(*, scope: DataScope, user: Any, photo_id: int) -> VisitPhoto:
    photo = VisitPhoto.objects.filter(pk=photo_id, record__in=_visible_records(scope, user)).first()
    if photo is None:
        raise Http404("No such photo.")
    return photo


def open_conflicts(*, record: VisitRecord) -> list[RecordConflict]:
    return list(record.conflicts.filter(status="open").select_related("submitted_by"))


def access_conflict(*, scope: DataScope, user: Any, conflict_id: int) -> RecordConflict:
    conflict = (
        RecordConflict.objects.filter(pk=conflict_id, record__in=_visible_records(scope, user))
        .select_related("record", "record__elder", "record__visitor", "record__updated_by", "submitted_by")
        .first()
    )
    if conflict is None:
        raise Http404("No such conflict.")
    return conflict


def recent_visits(*, elder_id: int, limit: int = 5) -> list[VisitRecord]:
    """The elder's latest visits (for the emergency operator's elder card and the archive)."""
    return list(
        VisitRecord.objects.filter(elder_id=elder_id)
        .select_related("visitor")
        .order_by("-visited_at", "-id")[:limit]
    )


# ---- follow-ups -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FollowUpFilter:
    status: str = ""  # "" = not closed
    kind: str = ""
    severity: str = ""
    overdue: bool = False
    division_code: str = ""
    mine: bool = False


def follow_up_list(
    *, scope: DataScope, user: Any = None, today: date, filters: FollowUpFilter | None = None
) -> QuerySet[FollowUp]:
    f = filters or FollowUpFilter()
    qs = _visible_follow_ups(scope, user)
    qs = qs.filter(status=f.status) if f.status else qs.exclude(status=FollowUpStatus.CLOSED)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.overdue:
        qs = qs.exclude(status=FollowUpStatus.CLOSED).filter(due_on__lt=today)
    if f.division_code:
        qs = qs.filter(division__code__startswith=f.division_code)
    if f.mine and user is not None:
        qs = qs.filter(assignee_id=user.pk)
    return (
        qs.select_related("elder", "division", "assignee", "record")
        .defer(*ELDER_PERSONAL)
        .order_by(F("status").asc(), "-severity", "due_on", "id")
    )


def access_follow_up(*, scope: DataScope, user: Any, follow_up_id: int) -> FollowUp:
    item = (
        _visible_follow_ups(scope, user)
        .select_related("elder", "division", "assignee", "record", "created_by", "closed_by")
        .defer(*ELDER_PERSONAL)
        .filter(pk=follow_up_id)
        .first()
    )
    if item is None:
        raise Http404("No such follow-up.")
    return item


def follow_up_steps(*, follow_up: FollowUp) -> list[Any]:
    return list(follow_up.updates.select_related("actor"))


# ---- notifications ----------------------------------------------------------------------------------


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .select_related("division")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


# ---- rates and workload -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthlyRate:
    """月探访率 of one division and month, as pre-aggregated by `rates_refresh`."""

    division_code: str
    month: date
    eligible: int
    visited: int
    visits: int
    refreshed_at: datetime

    @property
    def rate(self) -> float | None:
        return 100.0 * self.visited / self.eligible if self.eligible else None


def _as_rate(row: MonthlyVisitRate) -> MonthlyRate:
    return MonthlyRate(
        division_code=row.division_id,
        month=row.month,
        eligible=row.eligible,
        visited=row.visited,
        visits=row.visits,
        refreshed_at=row.refreshed_at,
    )


def monthly_visit_rate(division_code: str, month: date) -> MonthlyRate | None:
    """特殊困难老年人月探访率 of a community, street, district or city for a month (None: not computed).

    Definition: elders in special difficulty visited at least once in the month ÷ all such elders at the
    start of the month (`rules.monthly_rate` spells out the edge cases). Read from the pre-aggregated
    table (one indexed query); the indicator module (issue 13) calls this. The caller checks scope.
    """
    row = MonthlyVisitRate.objects.filter(division_id=division_code, month=rules.month_start(month)).first()
    return _as_rate(row) if row is not None else None


@dataclass(frozen=True, slots=True)
class RateRow:
    division: Division
    rate: MonthlyRate | None


def rate_breakdown(
    *, scope: DataScope, division: Division, month: date
) -> tuple[MonthlyRate | None, list[RateRow]]:
    """The division's own rate and its children's (two queries, whatever the number of children)."""
    first = rules.month_start(month)
    rows = {
        r.division_id: _as_rate(r)
        for r in MonthlyVisitRate.objects.for_scope(scope).filter(
            month=first, division__code__startswith=division.code, level__lte=division.level + 1
        )
    }
    children = Division.objects.filter(parent_id=division.code).order_by("code")
    return rows.get(division.code), [RateRow(division=c, rate=rows.get(c.code)) for c in children]


def rate_trend(*, scope: DataScope, division_code: str, month: date, months: int = 12) -> list[MonthlyRate]:
    first = rules.month_start(month)
    start = first
    for _ in range(months - 1):
        start = rules.month_start(start - timedelta(days=1))
    return [
        _as_rate(r)
        for r in MonthlyVisitRate.objects.for_scope(scope)
        .filter(division_id=division_code, month__gte=start, month__lte=first)
        .order_by("month")
    ]


@dataclass(frozen=True, slots=True)
class Workload:
    visitor: Visitor
    assigned: int
    done: int
    open: int
    overdue: int
    visits: int

    @property
    def load_pct(self) -> float:
        return 100.0 * self.assigned / self.visitor.capacity if self.visitor.capacity else 0.0


def visitor_workload(*, scope: DataScope, month: date, today: date) -> list[Workload]:
    """Tasks of the month per visitor in scope (assigned, done, open, overdue) and visits they recorded:
    three queries whatever the number of visitors."""
    first = rules.month_start(month)
    visitors = list(visitor_list(scope=scope).filter(is_active=True))
    ids = [v.user_id for v in visitors]
    task_counts: dict[int, dict[str, Any]] = {
        row["visitor_id"]: dict(row)
        for row in VisitTask.objects.filter(visitor_id__in=ids, month=first)
        .values("visitor_id")
        .annotate(
            assigned=Count("id", filter=~Q(status=TaskStatus.CANCELLED)),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            open=Count("id", filter=Q(status=TaskStatus.OPEN)),
            overdue=Count("id", filter=Q(status=TaskStatus.OPEN, due_on__lt=today)),
        )
    }
    start, end = local_day_bounds(first, rules.next_month(first))
    visit_counts = dict(
        VisitRecord.objects.filter(visitor_id__in=ids, visited_at__gte=start, visited_at__lt=end)
        .values("visitor_id")
        .annotate(n=Count("id"))
        .values_list("visitor_id", "n")
    )
    result = []
    for v in visitors:
        row = task_counts.get(v.user_id, {})
        result.append(
            Workload(
                visitor=v,
                assigned=row.get("assigned", 0),
                done=row.get("done", 0),
                open=row.get("open", 0),
                overdue=row.get("overdue", 0),
                visits=visit_counts.get(v.user_id, 0),
            )
        )
    return result
