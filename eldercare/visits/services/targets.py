"""Who is on the visit list (探访对象), in which tier, and since when; visitors and their areas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.bulk import copy_update
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, DivisionLevel
from eldercare.emergency.models import CareRiskEvent
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder, ElderGroupMembership
from eldercare.registry.rules import age_on
from eldercare.visits import rules
from eldercare.visits.choices import PeriodEnd, Severity, TaskKind, TaskStatus, TierSource, VisitorKind
from eldercare.visits.models import FollowUp, TargetPeriod, TierChange, Visitor, VisitTarget, VisitTask
from eldercare.visits.selectors import assessment_levels, operations_policy, tier_policy

CHUNK = 2000
ELDER_FIELDS = (
    "id",
    "residence_division_id",
    "birth_date",
    "living_situation",
    "economic_status",
    "economic_valid_to",
    "dementia_diagnosed",
    "chronic_conditions",
)
LEAVE_REASON = {
    ElderStatus.DECEASED: PeriodEnd.DEATH,
    ElderStatus.MOVED_OUT: PeriodEnd.MOVED_OUT,
    ElderStatus.IN_INSTITUTION: PeriodEnd.INSTITUTION,
}


@dataclass
class SyncReport:
    added: int = 0
    returned: int = 0
    tier_changed: int = 0
    moved: int = 0
    left: int = 0


def _facts(
    rows: Sequence[dict[str, Any]], *, today: date, policy: rules.TierPolicy
) -> dict[int, rules.TierFacts]:
    """Tier facts of a chunk of elders: one query each for groups, care-risk events, serious findings."""
    ids = [r["id"] for r in rows]
    groups: dict[int, dict[str, int | None]] = {}
    for elder_id, group, grade in ElderGroupMembership.objects.filter(elder_id__in=ids).values_list(
        "elder_id", "group", "disability_grade"
    ):
        groups.setdefault(elder_id, {})[group] = grade
    since = today - timedelta(days=policy.lookback_days)
    events = dict(
        CareRiskEvent.objects.filter(elder_id__in=ids, occurred_on__gt=since, occurred_on__lte=today)
        .values("elder_id")
        .annotate(n=Count("id"))
        .values_list("elder_id", "n")
    )
    tz = timezone.get_current_timezone()
    serious = dict(
        FollowUp.objects.filter(
            elder_id__in=ids,
            severity=Severity.SERIOUS,
            created_at__gte=datetime.combine(since, time(0), tzinfo=tz),
        )
        .values("elder_id")
        .annotate(n=Count("record_id", distinct=True))
        .values_list("elder_id", "n")
    )
    levels = assessment_levels(ids, on=today)
    facts = {}
    for r in rows:
        elder_groups = groups.get(r["id"], {})
        expired = r["economic_valid_to"] is not None and r["economic_valid_to"] < today
        facts[r["id"]] = rules.TierFacts(
            age=age_on(r["birth_date"], today),
            living_situation=r["living_situation"],
            economic_status="ordinary" if expired else r["economic_status"],
            groups=frozenset(elder_groups),
            disability_grade=elder_groups.get("disability"),
            dementia=bool(r["dementia_diagnosed"]),
            conditions=frozenset(r["chronic_conditions"] or ()),
            ability_level=levels.get(r["id"]),
            care_risk_events=events.get(r["id"], 0),
            serious_findings=serious.get(r["id"], 0),
        )
    return facts


def _sync_chunk(
    rows: Sequence[dict[str, Any]],
    *,
    today: date,
    starts_on: date,
    policy: rules.TierPolicy,
    version_id: int,
    report: SyncReport,
) -> None:
    ids = [r["id"] for r in rows]
    facts = _facts(rows, today=today, policy=policy)
    targets = {t.elder_id: t for t in VisitTarget.objects.filter(elder_id__in=ids)}
    periods = {p.elder_id: p for p in TargetPeriod.objects.filter(elder_id__in=ids, ends_on__isnull=True)}
    new_targets: list[VisitTarget] = []
    changed: list[VisitTarget] = []
    changes: list[TierChange] = []
    close: list[TargetPeriod] = []
    open_: list[TargetPeriod] = []
    for r in rows:
        decision = rules.tier_for(facts[r["id"]], policy=policy)
        community = r["residence_division_id"]
        target = targets.get(r["id"])
        if target is None:
            target = VisitTarget(
                elder_id=r["id"],
                division_id=community,
                tier=decision.tier,
                rule_tier=decision.tier,
                rule_reasons=list(decision.reasons),
                policy_version_id=version_id,
            )
            new_targets.append(target)
            changes.append(
                TierChange(
                    target=target,
                    source=TierSource.RULE,
                    to_tier=decision.tier,
                    reasons=list(decision.reasons),
                    policy_version_id=version_id,
                )
            )
            report.added += 1
        else:
            before = (target.rule_tier, list(target.rule_reasons), target.division_id, target.is_active)
            if target.rule_tier != decision.tier:
                changes.append(
                    TierChange(
                        target=target,
                        source=TierSource.RULE,
                        from_tier=target.rule_tier,
                        to_tier=decision.tier,
                        reasons=list(decision.reasons),
                        note="override in force" if target.override_tier else "",
                        policy_version_id=version_id,
                    )
                )
                report.tier_changed += 1
            if not target.is_active:
                report.returned += 1
            target.rule_tier, target.rule_reasons = decision.tier, list(decision.reasons)
            target.tier = rules.effective_tier(decision.tier, target.override_tier)
            target.division_id, target.is_active, target.policy_version_id = community, True, version_id
            if before != (target.rule_tier, target.rule_reasons, target.division_id, target.is_active):
                changed.append(target)
        period = periods.get(r["id"])
        if period is not None and period.division_id != community:
            period.ends_on, period.end_reason = max(today, period.starts_on), PeriodEnd.MOVED_WITHIN
            close.append(period)
            report.moved += 1
            period = None
        if period is None:
            open_.append(TargetPeriod(elder_id=r["id"], division_id=community, starts_on=starts_on))
    VisitTarget.objects.bulk_create(new_targets, batch_size=CHUNK)
    if any(t.pk is None for t in new_targets):  # backends without RETURNING
        saved = {
            t.elder_id: t.pk
            for t in VisitTarget.objects.filter(elder_id__in=[t.elder_id for t in new_targets])
        }
        for t in new_targets:
            t.pk = saved[t.elder_id]
    for change in changes:
        change.target_id = change.target.pk
    copy_update(
        VisitTarget,
        changed,
        ["rule_tier", "rule_reasons", "tier", "division", "is_active", "policy_version_id"],
    )
    TierChange.objects.bulk_create(changes, batch_size=CHUNK)
    copy_update(TargetPeriod, close, ["ends_on", "end_reason"])
    TargetPeriod.objects.bulk_create(open_, batch_size=CHUNK)


@dataclass(frozen=True, slots=True)
class Departure:
    elder_id: int
    on: date
    reason: str


def targets_leave(departures: Iterable[Departure]) -> int:
    """Take elders off the list from a date: close their running period (the day of the event is the first
    day off the list), mark the target inactive, and cancel their open tasks (planned ones only when they
    merely stopped qualifying: an alarm visit still makes sense). Returns how many periods were closed."""
    by_elder = {d.elder_id: d for d in departures}
    if not by_elder:
        return 0
    VisitTarget.objects.filter(elder_id__in=list(by_elder), is_active=True).update(
        is_active=False, updated_at=timezone.now()
    )
    periods = list(TargetPeriod.objects.filter(elder_id__in=list(by_elder), ends_on__isnull=True))
    for period in periods:
        d = by_elder[period.elder_id]
        period.ends_on, period.end_reason = max(d.on, period.starts_on), d.reason
    copy_update(TargetPeriod, periods, ["ends_on", "end_reason"])
    gone = [d.elder_id for d in by_elder.values() if d.reason != PeriodEnd.NOT_ELIGIBLE]
    stopped = [d.elder_id for d in by_elder.values() if d.reason == PeriodEnd.NOT_ELIGIBLE]
    VisitTask.objects.filter(status=TaskStatus.OPEN).filter(
        Q(elder_id__in=gone) | Q(elder_id__in=stopped, kind=TaskKind.PLANNED)
    ).update(status=TaskStatus.CANCELLED, updated_at=timezone.now())
    return len(periods)


@transaction.atomic
def targets_sync(
    *,
    today: date | None = None,
    starts_on: date | None = None,
    elder_ids: Iterable[int] | None = None,
    actor: Any = None,
) -> SyncReport:
    """Bring the visit list in line with the registry's special-difficulty flag (民政部等 2022: 独居, 空巢,
    留守, 失能, 重残, 计划生育特殊家庭 and others in difficulty), for elders living at home.

    Elders newly flagged join from `starts_on` (default `today`: the nightly run sees a new flag the day
    it was set); elders whose flag dropped, or who died, moved out or entered an institution leave the
    list (from the recorded date of the event when the registry has one, else `today`); a move between
    communities closes one period and opens the next. Every elder's rule tier is recomputed, and a change
    is kept in the tier history. Queries are bounded per chunk of 2,000 elders.
    """
    today = today or timezone.localdate()
    starts_on = starts_on or today
    policy, version_id = tier_policy(on=today)
    report = SyncReport()
    only = None if elder_ids is None else sorted(set(elder_ids))
    flagged = Elder.objects.filter(special_difficulty=True, status=ElderStatus.ACTIVE)
    if only is not None:
        flagged = flagged.filter(pk__in=only)
    last_id = 0
    while True:
        rows = list(flagged.filter(pk__gt=last_id).order_by("pk").values(*ELDER_FIELDS)[:CHUNK])
        if not rows:
            break
        _sync_chunk(
            rows, today=today, starts_on=starts_on, policy=policy, version_id=version_id, report=report
        )
        last_id = rows[-1]["id"]
    leaving = VisitTarget.objects.filter(is_active=True).exclude(
        elder__special_difficulty=True, elder__status=ElderStatus.ACTIVE
    )
    if only is not None:
        leaving = leaving.filter(elder_id__in=only)
    departures = []
    for elder_id, status, deceased_on, changed_on in leaving.values_list(
        "elder_id", "elder__status", "elder__deceased_on", "elder__status_changed_on"
    ):
        reason = LEAVE_REASON.get(ElderStatus(status), PeriodEnd.NOT_ELIGIBLE)
        on = (deceased_on or changed_on or today) if reason != PeriodEnd.NOT_ELIGIBLE else today
        departures.append(Departure(elder_id=elder_id, on=min(on, today), reason=reason))
    report.left = targets_leave(departures)
    if only is None or report.added or report.left or report.tier_changed:
        audit_record(
            actor=actor,
            action="visits.targets_synced",
            division_code="",
            changes={
                "added": report.added,
                "returned": report.returned,
                "tier_changed": report.tier_changed,
                "moved": report.moved,
                "left": report.left,
                "policy_version": version_id,
            },
        )
    return report


@transaction.atomic
def tier_override(*, target: VisitTarget, tier: str, reason: str, actor: Any) -> VisitTarget:
    """A worker sets the tier (or clears their override with `tier=""`, back to the rule), with a reason.
    Kept in the tier history and audited; this month's planned visits of the elder follow the new tier."""
    if tier and tier not in rules.TIERS:
        raise DomainError("tier_unknown", "Unknown tier.", {"field": "tier"}, status=422)
    reason = reason.strip()
    if len(reason) < 2:
        raise DomainError(
            "tier_reason_required", "Give a reason for the change.", {"field": "reason"}, status=422
        )
    locked = VisitTarget.objects.select_for_update().get(pk=target.pk)
    before = locked.tier
    locked.override_tier = tier
    locked.override_reason = reason[:300]
    locked.override_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.override_at = timezone.now()
    locked.tier = rules.effective_tier(locked.rule_tier, tier)
    locked.save()
    TierChange.objects.create(
        target=locked,
        source=TierSource.OVERRIDE if tier else TierSource.OVERRIDE_CLEARED,
        from_tier=before,
        to_tier=locked.tier,
        note=reason[:300],
        actor=locked.override_by,
        reasons=list(locked.rule_reasons),
        policy_version_id=locked.policy_version_id,
    )
    audit_record(
        actor=actor,
        action="visits.tier_changed",
        target=locked,
        changes={"tier": [before, locked.tier], "override": tier, "reason": reason[:300]},
    )
    from eldercare.visits.services.plans import plan_month

    plan_month(month=timezone.localdate(), elder_ids=[locked.elder_id], sync=False, actor=actor, audit=False)
    return locked


@transaction.atomic
def visitor_save(
    *,
    user: Any,
    kind: str,
    division: Division,
    actor: Any,
    capacity: int | None = None,
    is_active: bool = True,
) -> Visitor:
    """Register (or change) a visitor: a staff account bound to a community or a street it visits in."""
    if kind not in VisitorKind.values:
        raise DomainError("visitor_kind_unknown", "Unknown kind of visitor.", {"field": "kind"}, status=422)
    if division.level not in (DivisionLevel.COMMUNITY, DivisionLevel.STREET):
        raise DomainError(
            "visitor_area_level",
            "A visitor's area is a community or a street.",
            {"field": "division"},
            status=422,
        )
    if not getattr(user, "is_active", False):
        raise DomainError("visitor_inactive", "This account is not active.", {"field": "user"}, status=422)
    if capacity is None:
        capacity = int(operations_policy()[0]["default_capacity"])
    if not 1 <= capacity <= 1000:
        raise DomainError(
            "visitor_capacity", "Capacity must be 1–1000 visits a month.", {"field": "capacity"}, status=422
        )
    visitor, created = Visitor.objects.update_or_create(
        user=user, defaults={"kind": kind, "division": division, "capacity": capacity, "is_active": is_active}
    )
    audit_record(
        actor=actor,
        action="visits.visitor_registered" if created else "visits.visitor_changed",
        target=visitor,
        changes={"kind": kind, "area": division.code, "capacity": capacity, "active": is_active},
    )
    return visitor
