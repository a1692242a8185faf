"""Who is on the visit list and in which tier; the monthly plan (idempotent), assignment by area and load."""

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry
from eldercare.emergency.models import CareRiskEvent
from eldercare.registry.services import elder_update
from eldercare.visits import rules, services
from eldercare.visits.models import TargetPeriod, TierChange, VisitTarget, VisitTask
from eldercare.visits.tests.factories import (
    community,
    make_visitor,
    other_district_community,
    second_community,
    special_elder,
    street,
)

pytestmark = pytest.mark.django_db
DEC = date(2026, 12, 1)
TODAY = date(2026, 11, 26)


def tier_of(elder) -> str:
    return VisitTarget.objects.get(elder=elder).tier


def test_the_sync_puts_flagged_elders_at_home_on_the_list_with_their_tier() -> None:
    # given elders in special difficulty of several kinds, and two who are not on the list
    old_alone = special_elder(birth_date=date(1940, 1, 1))
    poor = special_elder(economic_status="tekun", living_situation="other")
    alone = special_elder()
    demented = special_elder(extra={"dementia_diagnosed": True})
    fallen = special_elder()
    CareRiskEvent.objects.create(
        elder=fallen, kind="fall", occurred_on=TODAY - timedelta(days=3), division=community()
    )
    not_special = special_elder(living_situation="with_children")
    in_care = special_elder(extra={"status": "in_institution"})
    # when the nightly sync runs
    report = services.targets_sync(today=TODAY)
    # then the tiers follow the rules, with reasons, and a history row each
    assert report.added == 5
    assert tier_of(old_alone) == "high_risk" and tier_of(fallen) == "high_risk"
    assert tier_of(poor) == "key" and tier_of(demented) == "key"
    assert tier_of(alone) == "general"
    assert VisitTarget.objects.get(elder=fallen).rule_reasons == ["risk_events:1"]
    assert not VisitTarget.objects.filter(elder__in=[not_special, in_care]).exists()
    assert TierChange.objects.count() == 5
    assert TargetPeriod.objects.filter(starts_on=TODAY, ends_on__isnull=True).count() == 5
    # and running it again changes nothing
    again = services.targets_sync(today=TODAY)
    assert (again.added, again.tier_changed, again.left) == (0, 0, 0)
    assert TierChange.objects.count() == 5


def test_an_elder_whose_flag_drops_leaves_the_list_and_their_planned_visits_are_cancelled() -> None:
    elder = special_elder()
    make_visitor()
    services.plan_month(month=DEC, today=TODAY)
    assert VisitTask.objects.filter(elder=elder, status="open").exists() or tier_of(elder) == "general"
    elder_update(elder=elder, actor=None, living_situation="with_children")
    report = services.targets_sync(today=TODAY + timedelta(days=1))
    assert report.left == 1
    period = TargetPeriod.objects.get(elder=elder)
    assert (period.ends_on, period.end_reason) == (TODAY + timedelta(days=1), "not_eligible")
    assert not VisitTarget.objects.get(elder=elder).is_active
    assert not VisitTask.objects.filter(elder=elder, status="open").exists()


def test_a_worker_changes_the_tier_with_a_reason_and_the_history_keeps_it() -> None:
    # given an elder in the general tier
    elder = special_elder()
    worker = make_visitor()
    services.targets_sync(today=TODAY)
    target = VisitTarget.objects.get(elder=elder)
    # when the worker sets no reason, it is refused
    with pytest.raises(DomainError) as refused:
        services.tier_override(target=target, tier="high_risk", reason=" ", actor=worker)
    assert refused.value.code == "tier_reason_required"
    # when the worker sets the high-risk tier with a reason
    services.tier_override(target=target, tier="high_risk", reason="刚出院，独居", actor=worker)
    # then the tier is high risk, the rule's tier is kept, and history and audit tell who and why
    target.refresh_from_db()
    assert (target.tier, target.rule_tier, target.override_by) == ("high_risk", "general", worker)
    change = TierChange.objects.filter(target=target).first()
    assert (change.source, change.from_tier, change.to_tier, change.note, change.actor) == (
        "override",
        "general",
        "high_risk",
        "刚出院，独居",
        worker,
    )
    assert AuditEntry.objects.filter(action="visits.tier_changed", target_id=str(target.pk)).exists()
    # and the nightly sync keeps the worker's tier while recomputing the rule
    services.targets_sync(today=TODAY)
    assert tier_of(elder) == "high_risk"
    # when the override is cleared, the rule's tier is back
    services.tier_override(target=target, tier="", reason="情况稳定", actor=worker)
    assert tier_of(elder) == "general"
    assert TierChange.objects.filter(target=target).count() == 3


def test_the_monthly_plan_is_idempotent_and_follows_the_tiers() -> None:
    # given a high-risk, a key and a general elder and one visitor
    high = special_elder(birth_date=date(1938, 2, 2))
    key = special_elder(economic_status="tekun", living_situation="other")
    general = special_elder()
    make_visitor()
    # when December is planned twice
    first = services.plan_month(month=DEC, today=TODAY)
    second = services.plan_month(month=DEC, today=TODAY)
    # then the second run adds nothing
    assert first.created > 0 and second.created == 0 and second.kept == first.created
    assert VisitTask.objects.count() == first.created
    # and the high-risk elder has one visit per ISO week of December, the key elder one, the general 0 or 1
    weeks = rules.weeks_of_month(DEC)
    high_tasks = list(VisitTask.objects.filter(elder=high).order_by("due_on"))
    assert len(high_tasks) == len(weeks)
    for task, (monday, sunday) in zip(high_tasks, weeks, strict=True):
        assert monday <= task.due_on <= sunday and task.deadline == sunday
        assert task.due_on.weekday() < 5
    assert VisitTask.objects.filter(elder=key).count() == 1
    expected_general = 1 if (DEC.month - 1) % 3 == rules.slot_of(general.id_number_hash) % 3 else 0
    assert VisitTask.objects.filter(elder=general).count() == expected_general
    assert not VisitTask.objects.filter(visitor__isnull=True).exists()


def test_visits_go_to_the_visitors_of_the_area_by_load() -> None:
    # given two community workers of one community, a street-level grid worker, and elders in three places
    a = make_visitor(community())
    b = make_visitor(community())
    grid = make_visitor(street(), kind="grid_worker")
    here = [special_elder(economic_status="tekun", living_situation="other") for _ in range(6)]
    neighbour = special_elder(second_community(), economic_status="tekun", living_situation="other")
    far = special_elder(other_district_community(), economic_status="tekun", living_situation="other")
    # when the month is planned
    report = services.plan_month(month=DEC, today=TODAY)
    # then the community's visits are shared evenly by its two workers, the neighbour's go to the street's
    # grid worker, and nobody covers the far district's elder
    loads = [VisitTask.objects.filter(elder__in=here, visitor=v).count() for v in (a, b)]
    assert sorted(loads) == [3, 3]
    assert VisitTask.objects.get(elder=neighbour).visitor == grid
    assert VisitTask.objects.get(elder=far).visitor is None
    assert (report.assigned, report.unassigned) == (7, 1)


def test_a_plan_made_late_in_the_month_asks_only_for_what_can_still_be_done() -> None:
    special_elder(birth_date=date(1938, 2, 2))
    make_visitor()
    services.plan_month(month=date(2026, 11, 1), today=TODAY)
    tasks = list(VisitTask.objects.all())
    assert tasks and all(t.due_on >= TODAY and t.deadline >= TODAY for t in tasks)


def test_the_command_plans_a_month_and_the_task_runs_through_the_worker(settings: Any) -> None:
    special_elder(economic_status="tekun", living_situation="other")
    make_visitor()
    out = StringIO()
    call_command("visits_plan", "--month", "2026-12", "--rates", stdout=out)
    assert "2026-12: 1 visits added" in out.getvalue()
    call_command("visits_plan", "--month", "2026-12", stdout=out)
    assert "2026-12: 0 visits added, 1 already planned" in out.getvalue()
    # and the same as a task: stored for the worker by the database backend …
    from eldercare.visits.tasks import visits_plan_month

    assert visits_plan_month.enqueue("2027-01-01").status == "READY"
    assert not VisitTask.objects.filter(month=date(2027, 1, 1)).exists()
    # … and run as a worker runs it (the immediate backend: `db_worker` closes the test's connection)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert visits_plan_month.enqueue("2027-01-01").status == "SUCCESSFUL"
    assert VisitTask.objects.filter(month=date(2027, 1, 1)).count() == 1
    assert timezone.localdate() >= date(2026, 1, 1)


def test_a_published_ability_level_raises_the_tier_until_the_result_expires() -> None:
    from eldercare.assessment.models import Assessment
    from eldercare.assessment.tests.factories import quick_published

    # given two elders living alone, one assessed as severely impaired (level 3) and one whose result expired
    impaired, expired = special_elder(), special_elder()
    Assessment.objects.filter(pk=quick_published(impaired).pk).update(level=3)
    Assessment.objects.filter(pk=quick_published(expired).pk).update(
        level=3, valid_until=TODAY - timedelta(days=1)
    )
    # when the sync runs
    services.targets_sync(today=TODAY)
    # then the level counts only while it holds
    assert tier_of(impaired) == "key" and "ability:3" in VisitTarget.objects.get(elder=impaired).rule_reasons
    assert tier_of(expired) == "general"
