"""Visits API for the visitors' app and for officers: my visits, idempotent submission, edits with
conflicts, follow-ups, overdue tasks and the monthly visit rate."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.pagination import PagePagination
from eldercare.core.selectors import access_division
from eldercare.visits import selectors, services
from eldercare.visits.models import VisitRecord, VisitTask
from eldercare.visits.schemas import (
    FollowUpFilterIn,
    FollowUpOut,
    FollowUpUpdateIn,
    MyVisitsOut,
    RateIn,
    RateOut,
    RecordOut,
    SubmitOut,
    TaskFilterIn,
    TaskOut,
    VisitIn,
    VisitPatch,
)
from eldercare.visits.views import RATE_DEFINITION

router = Router(tags=["visits"])


def _user(request: HttpRequest) -> Any:
    user = request.auth.user  # type: ignore[attr-defined]
    if user is None:
        raise HttpError(403, "Visits are recorded by a personal account, not a system token.")
    return user


def _task_out(task: VisitTask, today: date, stop: int | None = None) -> dict[str, Any]:
    return {
        "id": task.pk,
        "elder_id": task.elder_id,
        "elder_name": task.elder.masked_name,
        "division_id": task.division_id,
        "division_name": task.division.name,
        "kind": task.kind,
        "tier": task.tier,
        "due_on": task.due_on,
        "deadline": task.deadline,
        "attempts": task.attempts,
        "overdue": task.status == "open" and task.due_on < today,
        "lon": task.elder.lon,
        "lat": task.elder.lat,
        "stop": stop,
    }


def _record_out(record: VisitRecord) -> dict[str, Any]:
    return {
        **{
            f: getattr(record, f)
            for f in ("id", "client_uuid", "elder_id", "task_id", "division_id", "visitor_id")
        },
        **{
            f: getattr(record, f)
            for f in ("method", "outcome", "visited_at", "checklist", "actions", "urgent")
        },
        **{f: getattr(record, f) for f in ("notes", "lon", "lat", "version")},
        "follow_up_ids": list(record.follow_ups.values_list("id", flat=True)),
    }


@router.get("/visits/my", response=MyVisitsOut)
@api_operation
def visits_my_list(request: HttpRequest) -> Any:
    """Today's and overdue visits in walking order (nearest neighbour from the visitor's community
    centroid), and the next week's."""
    today = timezone.localdate()
    data = selectors.my_visits(user=_user(request), today=today)
    return {
        "due": [_task_out(t, today, n) for n, t in enumerate(data.due, start=1)],
        "upcoming": [_task_out(t, today) for t in data.upcoming],
        "route_m": round(data.route_m, 1),
    }


@router.post("/visits/records", response={200: SubmitOut, 201: SubmitOut})
@api_operation
def visits_record_submit(request: HttpRequest, payload: VisitIn) -> Any:
    """Record a visit. 201 when stored now, 200 when this `client_uuid` was already stored (a retry):
    either way the visit exists once and the app may stop retrying."""
    principal = request.auth  # type: ignore[attr-defined]
    user = _user(request)
    task = None
    if payload.task_id is not None:
        task = selectors.access_task(scope=principal.scope, user=user, task_id=payload.task_id)
    elder = selectors.access_elder_for_visit(scope=principal.scope, user=user, elder_id=payload.elder_id)
    record, created = services.visit_submit(
        client_uuid=payload.client_uuid,
        elder=elder,
        actor=user,
        task=task,
        data=services.VisitInput(
            method=payload.method,
            outcome=payload.outcome,
            visited_at=payload.visited_at,
            checklist={k: v.dict() for k, v in payload.checklist.items()},
            actions=payload.actions,
            urgent=payload.urgent,
            notes=payload.notes,
            lon=payload.lon,
            lat=payload.lat,
            location_accuracy_m=payload.location_accuracy_m,
        ),
    )
    return Status(201 if created else 200, {"duplicate": not created, "record": _record_out(record)})


@router.get("/visits/records/{record_id}", response=RecordOut)
@api_operation
def visits_record_detail(request: HttpRequest, record_id: int) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    return _record_out(
        selectors.access_record(scope=principal.scope, user=principal.user, record_id=record_id)
    )


@router.patch("/visits/records/{record_id}", response=RecordOut)
@api_operation
def visits_record_update(request: HttpRequest, record_id: int, payload: VisitPatch) -> Any:
    """Change a record (optimistic concurrency). 409 `visit_conflict` when the record was saved after
    `version`: `details` holds both versions and `conflict_id`; nothing was overwritten."""
    principal = request.auth  # type: ignore[attr-defined]
    user = _user(request)
    record = selectors.access_record(scope=principal.scope, user=user, record_id=record_id)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    if "checklist" in changes and changes["checklist"] is not None:
        changes["checklist"] = {k: dict(v) for k, v in changes["checklist"].items()}
    changes = {k: v for k, v in changes.items() if v is not None}
    updated = services.visit_update(record=record, base_version=payload.version, changes=changes, actor=user)
    return _record_out(updated)


@router.get("/visits/follow-ups", response=list[FollowUpOut])
@api_operation
@paginate(PagePagination)
def visits_follow_up_list(request: HttpRequest, filters: Query[FollowUpFilterIn]) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    return selectors.follow_up_list(
        scope=principal.scope,
        user=principal.user,
        today=timezone.localdate(),
        filters=selectors.FollowUpFilter(**filters.dict()),
    )


@router.post("/visits/follow-ups/{follow_up_id}/update", response=FollowUpOut)
@api_operation
def visits_follow_up_update(request: HttpRequest, follow_up_id: int, payload: FollowUpUpdateIn) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    item = selectors.access_follow_up(scope=principal.scope, user=principal.user, follow_up_id=follow_up_id)
    return services.follow_up_update(
        follow_up=item, status=payload.status, note=payload.note, actor=principal.user
    )


@router.get("/visits/tasks", response=list[TaskOut])
@api_operation
@paginate(PagePagination)
def visits_task_list(request: HttpRequest, filters: Query[TaskFilterIn]) -> Any:
    principal = request.auth  # type: ignore[attr-defined]
    today = timezone.localdate()
    tasks = selectors.task_list(
        scope=principal.scope,
        today=today,
        filters=selectors.TaskFilter(
            overdue=filters.overdue,
            division_code=filters.division,
            kind=filters.kind,
            unassigned=filters.unassigned,
        ),
    )
    return _TaskPage(tasks, today)


class _TaskPage:
    """A lazy list of tasks as `TaskOut` dicts, sliced and counted by the paginator."""

    def __init__(self, queryset: Any, today: date) -> None:
        self.queryset, self.today = queryset, today

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [_task_out(t, self.today) for t in self.queryset[index]]

    def count(self) -> int:
        return int(self.queryset.count())


@router.get("/visits/rates", response=RateOut)
@api_operation
def visits_rate_get(request: HttpRequest, params: Query[RateIn]) -> Any:
    """特殊困难老年人月探访率 of a division (community, street, district or city) in a month, from the
    pre-aggregated table."""
    principal = request.auth  # type: ignore[attr-defined]
    division = access_division(scope=principal.scope, code=params.division)
    if not principal.scope.covers_division(division.code):
        raise HttpError(404, "Not found.")
    try:
        year, month_number = (int(p) for p in params.month.split("-")[:2]) if params.month else (0, 0)
        month = date(year, month_number, 1) if params.month else timezone.localdate().replace(day=1)
    except ValueError as exc:
        raise HttpError(422, "month must look like YYYY-MM") from exc
    rate = selectors.monthly_visit_rate(division.code, month)
    return {
        "division_id": division.code,
        "month": month,
        "eligible": rate.eligible if rate else 0,
        "visited": rate.visited if rate else 0,
        "visits": rate.visits if rate else 0,
        "rate": rate.rate if rate else None,
        "refreshed_at": rate.refreshed_at if rate else None,
        "definition": str(RATE_DEFINITION),
    }
