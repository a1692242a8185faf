"""The visits part of the demo city: visitors, the visit list and tiers, this month's plan, and a few months
of visit history with realistic gaps (each street has its own diligence, some elders are hard to reach), so
that monthly visit rates differ between streets. Inputs and their status (all assumptions): data/demo.toml.

Deterministic for a seed: every draw comes from `ctx.rng("visits")` in a fixed order, and submission keys
are UUID5 of the seed and the elder's ID-number hash.
"""

from __future__ import annotations

import tomllib
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.visits import rules, services
from eldercare.visits.choices import FollowUpStatus, Outcome, TaskStatus
from eldercare.visits.models import (
    FollowUp,
    FollowUpUpdate,
    MonthlyVisitRate,
    Notification,
    RecordConflict,
    TargetPeriod,
    TierChange,
    Visitor,
    VisitPhoto,
    VisitRecord,
    VisitTarget,
    VisitTask,
)
from eldercare.visits.selectors import operations_policy, tier_policy

DATA = Path(__file__).parent / "data" / "demo.toml"
NAMESPACE = uuid.UUID("6f1c1d2e-7a51-4b7e-9a3f-3c7d2f0b9e11")
BATCH = 2000


@demo_reset
def visits_demo_reset(city_code: str) -> None:
    """Remove the city's visits rows (they refer to its elders). Visitor accounts are kept and reused."""
    records = VisitRecord.objects.filter(division__code__startswith=city_code)
    follow_ups = FollowUp.objects.filter(division__code__startswith=city_code)
    Notification.objects.filter(division__code__startswith=city_code).delete()
    FollowUpUpdate.objects.filter(follow_up__in=follow_ups).delete()
    follow_ups.delete()
    RecordConflict.objects.filter(record__in=records).delete()
    VisitPhoto.objects.filter(record__in=records).delete()
    records.delete()
    VisitTask.objects.filter(division__code__startswith=city_code).delete()
    targets = VisitTarget.objects.filter(division__code__startswith=city_code)
    TierChange.objects.filter(target__in=targets).delete()
    targets.delete()
    TargetPeriod.objects.filter(division__code__startswith=city_code).delete()
    MonthlyVisitRate.objects.filter(division__code__startswith=city_code).delete()


def _pick(rng: Any, weights: dict[str, float]) -> str:
    return str(rng.choices(list(weights), weights=list(weights.values()))[0])


def _visitors(ctx: DemoContext, communities: list[str], capacity: int) -> dict[str, int]:
    """{community: visitor user id}: the demo accounts in their own area, a grid worker elsewhere."""
    existing = {u.username: u.pk for u in User.objects.filter(username__startswith="visitor_")}
    new = [
        User(
            username=f"visitor_{code}",
            password=make_password(None),  # no sign-in: these accounts exist to carry the demo history
            role=Role.COMMUNITY_WORKER,
            division_id=code,
            display_name=f"网格员 {code[-3:]}",
        )
        for code in communities
        if f"visitor_{code}" not in existing
    ]
    User.objects.bulk_create(new, batch_size=BATCH)
    users = dict(
        User.objects.filter(username__in=[f"visitor_{c}" for c in communities]).values_list("username", "pk")
    )
    rows = {v.user_id for v in Visitor.objects.filter(user_id__in=users.values())}
    Visitor.objects.bulk_create(
        [
            Visitor(user_id=users[f"visitor_{c}"], kind="grid_worker", division_id=c, capacity=capacity)
            for c in communities
            if users[f"visitor_{c}"] not in rows
        ],
        batch_size=BATCH,
    )
    by_community = {c: users[f"visitor_{c}"] for c in communities}
    demo = {
        u.username: u
        for u in User.objects.filter(username__in=["community_worker", "volunteer", "street_officer"])
    }
    worker = demo.get("community_worker")
    area = worker.division if worker is not None else None
    if worker is not None and area is not None and area.code.startswith(ctx.city_code):
        services.visitor_save(user=worker, kind="community_worker", division=area, actor=ctx.actor)
        by_community[area.code] = worker.pk
        volunteer = demo.get("volunteer")
        if volunteer is not None:
            services.visitor_save(
                user=volunteer, kind="volunteer", division=area, capacity=12, actor=ctx.actor
            )
        officer = demo.get("street_officer")
        if officer is not None and officer.division is not None:
            services.visitor_save(
                user=officer, kind="officer", division=officer.division, capacity=8, actor=ctx.actor
            )
    return by_community


def _checklist(rng: Any, inputs: dict[str, Any]) -> dict[str, dict[str, str]]:
    checklist = {}
    for item in rules.CHECK_ITEMS:
        draw = rng.random()
        level = "risk" if draw < inputs["risk"] / 3 else "concern" if draw < inputs["concern"] / 2 else "ok"
        checklist[item] = {"level": level, "note": ""}
    return checklist


@demo_step(order=70)
def visits_demo(ctx: DemoContext) -> None:
    inputs = tomllib.loads(DATA.read_text(encoding="utf-8"))
    rng = ctx.rng("visits")
    tz = timezone.get_current_timezone()
    this_month = rules.month_start(ctx.today)
    months = [this_month]
    for _ in range(int(inputs["history"]["months"])):
        months.insert(0, rules.month_start(months[0] - timedelta(days=1)))
    # the list, backdated to the start of the history (the demo's elders were there all along)
    services.targets_sync(today=ctx.today, starts_on=months[0], actor=ctx.actor)
    targets = list(
        VisitTarget.objects.filter(division__code__startswith=ctx.city_code, is_active=True)
        .order_by("elder_id")
        .values_list("elder_id", "division_id", "tier", "elder__id_number_hash")
    )
    communities = sorted({t[1] for t in targets})
    visitor_of = _visitors(ctx, communities, int(inputs["visitors"]["grid_capacity"]))
    # this month's plan, as generated on the 1st
    services.plan_month(month=this_month, today=this_month, actor=ctx.actor, sync=False)
    streets = sorted({c[:9] for c in communities})
    lo, hi = float(inputs["streets"]["diligence_min"]), float(inputs["streets"]["diligence_max"])
    diligence = {s: rng.uniform(lo, hi) for s in streets}
    elder_factor = {
        elder_id: (
            float(inputs["elders"]["hard_to_reach_factor"])
            if rng.random() < float(inputs["elders"]["hard_to_reach_share"])
            else 1.0
        )
        for elder_id, *_rest in targets
    }
    tasks = defaultdict(list)
    for task_id, elder_id, due_on in VisitTask.objects.filter(
        month=this_month, division__code__startswith=ctx.city_code, status=TaskStatus.OPEN
    ).values_list("id", "elder_id", "due_on"):
        tasks[elder_id].append((task_id, due_on))
    policy, _version = tier_policy(on=this_month)
    v_inputs = inputs["visits"]
    records: list[VisitRecord] = []
    done: dict[int, datetime] = {}
    for month in months:
        last_day = min(rules.month_end(month), ctx.today - timedelta(days=1))
        if last_day < month:
            continue
        days = [month + timedelta(days=i) for i in range((last_day - month).days + 1)]
        for elder_id, community, tier, id_hash in targets:
            p = diligence[community[:9]] * elder_factor[elder_id]
            due: list[tuple[int | None, date]]
            if month == this_month:
                due = [(task_id, d) for task_id, d in tasks.get(elder_id, []) if d <= last_day]
            else:
                planned = rules.planned_visits(
                    policy.frequencies[tier],
                    month=month,
                    slot=rules.slot_of(id_hash),
                    working_days=days,
                    today=month,
                )
                due = [(None, v.due_on) for v in planned if v.due_on <= last_day]
                if not due and rng.random() < float(inputs["elders"]["general_extra_month"]):
                    due = [(None, rng.choice(days))]
            for n, (task_ref, day) in enumerate(due):
                if rng.random() >= p:
                    continue
                when = datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz)
                method = _pick(rng, v_inputs["methods"])
                outcome = (
                    Outcome.NOT_FOUND
                    if method == "in_person" and rng.random() < float(v_inputs["not_found"])
                    else Outcome.VISITED
                )
                records.append(
                    VisitRecord(
                        client_uuid=uuid.uuid5(NAMESPACE, f"{ctx.seed}:{id_hash}:{day}:{n}"),
                        task_id=task_ref,
                        elder_id=elder_id,
                        division_id=community,
                        visitor_id=visitor_of[community],
                        method=method,
                        outcome=outcome,
                        visited_at=when,
                        checklist=_checklist(rng, v_inputs) if outcome == Outcome.VISITED else {},
                    )
                )
                if task_ref is not None and outcome == Outcome.VISITED:
                    done[task_ref] = when
    VisitRecord.objects.bulk_create(records, batch_size=BATCH)
    visited = VisitRecord.objects.filter(outcome=Outcome.VISITED).order_by("-visited_at").values("visited_at")
    done_ids = sorted(done)
    for start in range(0, len(done_ids), BATCH):
        VisitTask.objects.filter(pk__in=done_ids[start : start + BATCH]).update(
            status=TaskStatus.DONE, done_at=Subquery(visited.filter(task_id=OuterRef("pk"))[:1])
        )
    VisitTarget.objects.filter(division__code__startswith=ctx.city_code).update(
        last_visited_at=Subquery(visited.filter(elder_id=OuterRef("elder_id"))[:1])
    )
    _follow_ups(ctx, rng, inputs)
    for month in months:
        services.rates_refresh(month=month, actor=ctx.actor)
    _note(ctx, months[-2] if len(months) > 1 else months[-1], len(records), len(targets))


def _follow_ups(ctx: DemoContext, rng: Any, inputs: dict[str, Any]) -> None:
    """Follow-ups of the demo's risky visits (bulk), most of the older ones closed."""
    stored = list(
        VisitRecord.objects.filter(division__code__startswith=ctx.city_code).only(
            "id", "elder_id", "division_id", "visitor_id", "visited_at", "checklist", "outcome"
        )
    )
    policy = rules.FindingsPolicy.from_value(operations_policy()[0])
    rows = []
    closed_share = float(inputs["visits"]["closed_follow_ups"])
    now = timezone.now()
    for record in stored:
        if record.outcome == Outcome.VISITED and "risk" not in rules.check_levels(record.checklist).values():
            continue
        found = rules.findings(
            outcome=record.outcome,
            checklist=record.checklist,
            actions=[],
            urgent=False,
            tier="key",
            attempts_before=0,
            policy=policy,
        )
        day = timezone.localdate(record.visited_at)
        for spec in found.follow_ups:
            old = (ctx.today - day).days > 14
            closed = old and rng.random() < closed_share
            rows.append(
                FollowUp(
                    record_id=record.pk,
                    elder_id=record.elder_id,
                    division_id=record.division_id,
                    kind=spec.kind,
                    severity=spec.severity,
                    reasons=list(spec.reasons),
                    due_on=day + timedelta(days=spec.due_days),
                    assignee_id=record.visitor_id,
                    status=FollowUpStatus.CLOSED if closed else FollowUpStatus.OPEN,
                    resolution="已处理（演示数据）" if closed else "",
                    closed_at=now if closed else None,
                )
            )
    FollowUp.objects.bulk_create(rows, batch_size=BATCH)


def _note(ctx: DemoContext, month: date, records: int, targets: int) -> None:
    rows = list(
        MonthlyVisitRate.objects.filter(
            month=month, level=4, division__code__startswith=ctx.city_code, eligible__gt=0
        )
    )
    rates = sorted(r.rate or 0 for r in rows)
    spread = f"{rates[0]:.0f}–{rates[-1]:.0f} %" if rates else "—"
    ctx.notes.append(
        f"visits: {targets:,} elders on the visit list, {records:,} visits recorded; "
        f"{month:%Y-%m} visit rate by street {spread}"
    )
