"""Pages and APIs of the visits module: constant query counts at two sizes, the walking order of the
phone page, the rate definition on the page, the archive timeline, the emergency follow-up hook."""

import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eldercare.accounts.principal import principal_for_user
from eldercare.accounts.roles import Role
from eldercare.core.tests.factories import UserFactory, division
from eldercare.emergency import services as emergency
from eldercare.emergency.tests.factories import make_alarm, make_device
from eldercare.registry.timeline import elder_timeline
from eldercare.visits import rules, services
from eldercare.visits.models import FollowUp, VisitTarget, VisitTask
from eldercare.visits.tests.factories import community, make_visitor, special_elder, street, visit_input

pytestmark = pytest.mark.django_db

PAGES = [
    "/visits/my/",
    "/visits/",
    "/visits/tasks/?status=open",
    "/visits/tasks/?overdue=1&status=",
    "/visits/targets/",
    "/visits/records/",
    "/visits/follow-ups/",
    "/visits/workload/",
    "/visits/notifications/",
    "/visits/visitors/",
    "/api/v1/visits/my",
    "/api/v1/visits/tasks?page_size=100",
    "/api/v1/visits/follow-ups?page_size=100",
]


def populate(officer, n: int) -> None:
    """n elders on the list, planned and assigned to the officer, half of them visited with findings."""
    today = timezone.localdate()
    elders = [
        special_elder(
            birth_date=date(1938, 1, 1) if i % 3 == 0 else date(1955, 1, 1),
            economic_status="tekun" if i % 3 == 1 else "ordinary",
            lon=113.08 + i / 1000,
            lat=22.58 + (i % 5) / 1000,
        )
        for i in range(n)
    ]
    services.plan_month(month=today)
    VisitTask.objects.filter(elder__in=elders).update(due_on=today)
    for i, elder in enumerate(elders[::2]):
        services.visit_submit(
            client_uuid=uuid.uuid4(),
            elder=elder,
            actor=officer,
            data=visit_input(
                checklist={"health": {"level": "risk" if i % 2 else "ok"}}, actions=["home_care"]
            ),
        )
    services.rates_refresh(month=today)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def test_visit_list_pages_run_a_constant_number_of_queries() -> None:
    # given a street officer who also visits, with a few elders
    officer = make_visitor(street(), role=Role.STREET_OFFICER, kind="officer")
    client = Client()
    client.force_login(officer)
    populate(officer, 3)
    for url in PAGES:
        client.get(url)  # warm caches (content types, policies, session)
    few = {url: count_queries(client, url) for url in PAGES}
    tasks, follow_ups = VisitTask.objects.count(), FollowUp.objects.count()
    # when five times as many are listed
    populate(officer, 12)
    assert VisitTask.objects.count() >= 4 * tasks and FollowUp.objects.count() >= 4 * follow_ups
    many = {url: count_queries(client, url) for url in PAGES}
    # then no page runs more queries
    assert many == few
    assert max(few.values()) <= 16, few


def test_my_visits_follow_a_walking_route_from_the_community_centre() -> None:
    worker = make_visitor(community())
    centre = (community().lon, community().lat)
    offsets = [0.009, 0.001, 0.005, 0.003]
    elders = [special_elder(economic_status="tekun", lon=centre[0] + d, lat=centre[1]) for d in offsets]
    services.plan_month(month=timezone.localdate())
    VisitTask.objects.update(due_on=timezone.localdate())
    page = Client()
    page.force_login(worker)
    response = page.get("/visits/my/")
    order = [t.elder_id for t in response.context["data"].due]
    assert order == [elders[1].pk, elders[3].pk, elders[2].pk, elders[0].pk]
    api = page.get("/api/v1/visits/my").json()
    assert [t["elder_id"] for t in api["due"]] == order and [t["stop"] for t in api["due"]] == [1, 2, 3, 4]


def test_overdue_visits_show_on_the_phone_page_and_in_the_officers_list() -> None:
    worker = make_visitor(community())
    elder = special_elder(economic_status="tekun")
    services.plan_month(month=timezone.localdate())
    task = VisitTask.objects.get(elder=elder)
    VisitTask.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    client = Client()
    client.force_login(worker)
    assert (
        "overdue" in client.get("/visits/my/").content.decode()
        or "逾期" in client.get("/visits/my/").content.decode()
    )
    listed = client.get("/visits/tasks/?overdue=1&status=").context["page"]
    assert [t.pk for t in listed] == [task.pk]


def test_the_overview_writes_the_definition_and_shows_the_rate_of_each_street() -> None:
    officer = UserFactory(role=Role.DISTRICT_OFFICER, division=division("440703"))
    worker = make_visitor(community())
    a, b = special_elder(), special_elder()
    first = rules.month_start(timezone.localdate())
    services.targets_sync(starts_on=first - timedelta(days=40))
    services.visit_submit(client_uuid=uuid.uuid4(), elder=a, actor=worker, data=visit_input())
    services.rates_refresh(month=first)
    client = Client()
    client.force_login(officer)
    response = client.get("/visits/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "start of the month" in text or "月初" in text
    rows = {r.division.code: r.rate for r in response.context["children"]}
    assert (rows[street().code].eligible, rows[street().code].visited) == (2, 1)
    assert response.context["own"].rate == 50.0
    api = client.get(f"/api/v1/visits/rates?division={street().code}&month={first:%Y-%m}").json()
    assert (api["eligible"], api["visited"], api["rate"]) == (2, 1, 50.0)
    assert "start of the month" in api["definition"] or "月初" in api["definition"]
    assert b.pk
    # a district officer cannot read another district's rate
    assert client.get("/api/v1/visits/rates?division=440705").status_code == 404


def test_visits_appear_on_the_elders_archive_timeline() -> None:
    worker = make_visitor(community())
    elder = special_elder()
    services.visit_submit(
        client_uuid=uuid.uuid4(), elder=elder, actor=worker, data=visit_input(actions=["home_care"])
    )
    entries = elder_timeline(elder=elder, principal=principal_for_user(worker))
    assert {e.kind for e in entries} >= {"visit", "visit_follow_up"}
    assert all(e.source == "visits" for e in entries if e.kind.startswith("visit"))


def test_a_fall_closed_by_the_emergency_centre_raises_a_visit_within_24_hours() -> None:
    # given an elder with a fall sensor and a visitor of their community
    worker = make_visitor(community())
    elder = special_elder()
    services.targets_sync()
    assert VisitTarget.objects.get(elder=elder).tier == "general"
    operator = UserFactory(role=Role.EMERGENCY_OPERATOR, division=division("4407"))
    alarm = make_alarm(make_device(elder, kind="fall_sensor"), kind="fall")
    emergency.alarm_take(alarm=alarm, actor=operator)
    emergency.alarm_close(alarm=alarm, outcome="phone", actor=operator)
    # when the emergency follow-up task runs (twice: a retried task)
    result = emergency.alarm_follow_up(alarm_id=alarm.pk)
    again = emergency.alarm_follow_up(alarm_id=alarm.pk)
    # then one visit task exists, due today, within a day, assigned to the worker; the elder is high risk now
    task = VisitTask.objects.get(source_ref=f"alarm:{alarm.pk}")
    assert result["visit_task"] == again["visit_task"] == task.pk
    assert (task.kind, task.visitor, task.due_on) == ("alarm", worker, timezone.localdate())
    assert task.deadline <= timezone.localdate() + timedelta(days=1)
    assert VisitTarget.objects.get(elder=elder).tier == "high_risk"
    # and the operator's elder card lists the elder's recent visits from the visits module
    services.visit_submit(client_uuid=uuid.uuid4(), elder=elder, actor=worker, data=visit_input(), task=task)
    from eldercare.core.scope import DataScope
    from eldercare.emergency.selectors import elder_card

    card = elder_card(scope=DataScope.everything(), elder=elder)
    assert len(card.recent_visits) == 1
    task.refresh_from_db()
    assert task.status == "done"
