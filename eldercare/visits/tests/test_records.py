"""Visit records: a retried submission is recorded once; not found at home; findings and follow-ups;
serious findings notify the street officer; photos; concurrent edits give a visible conflict."""

import logging
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import UserFactory
from eldercare.visits import services
from eldercare.visits.models import FollowUp, Notification, RecordConflict, VisitPhoto, VisitRecord, VisitTask
from eldercare.visits.tests.factories import (
    community,
    make_visitor,
    other_district_community,
    record_visit,
    special_elder,
    street,
    visit_input,
)

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9"


@pytest.fixture
def worker():
    return make_visitor(community())


@pytest.fixture
def elder():
    elder = special_elder(economic_status="tekun", living_situation="other")
    services.targets_sync()
    return elder


@pytest.fixture
def task(elder, worker):
    services.plan_month(month=timezone.localdate())
    return VisitTask.objects.get(elder=elder)


@pytest.fixture
def officer():
    return UserFactory(role=Role.STREET_OFFICER, division=street(), username="street_officer_1")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(client_uuid: str, **extra: object) -> dict:
    data = {
        "client_uuid": client_uuid,
        "method": "in_person",
        "outcome": "visited",
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "check_health": "ok",
        "check_mood": "ok",
        "notes": "一切正常",
    }
    data.update(extra)
    return data


# ---- a retried submission is recorded once -----------------------------------------------------------


def test_a_visit_submitted_twice_is_recorded_once(elder, worker, task) -> None:
    key = uuid.uuid4()
    first, created = services.visit_submit(
        client_uuid=key, elder=elder, actor=worker, data=visit_input(), task=task
    )
    again, created_again = services.visit_submit(
        client_uuid=key, elder=elder, actor=worker, data=visit_input(), task=task
    )
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and VisitRecord.objects.count() == 1
    assert AuditEntry.objects.filter(action="visits.visit_recorded").count() == 1
    task.refresh_from_db()
    assert task.status == "done"


def test_the_api_answers_a_retry_with_the_stored_visit(elder, worker, task) -> None:
    client = signed_in(worker)
    body = {
        "client_uuid": str(uuid.uuid4()),
        "elder_id": elder.pk,
        "task_id": task.pk,
        "method": "phone",
        "outcome": "visited",
        "visited_at": timezone.now().isoformat(),
        "checklist": {"health": {"level": "ok"}, "needs": {"level": "concern", "note": "想要助餐"}},
    }
    first = client.post("/api/v1/visits/records", body, content_type="application/json")
    retry = client.post("/api/v1/visits/records", body, content_type="application/json")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["duplicate"] is True
    assert first.json()["record"]["id"] == retry.json()["record"]["id"]
    assert VisitRecord.objects.count() == 1


def test_the_form_posted_twice_by_a_flaky_network_is_recorded_once(elder, worker, task) -> None:
    client = signed_in(worker)
    data = form_data(str(uuid.uuid4()))
    url = f"/visits/tasks/{task.pk}/record/"
    first = client.post(url, data, HTTP_ACCEPT="application/json")
    retry = client.post(url, data, HTTP_ACCEPT="application/json")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["duplicate"] is True and VisitRecord.objects.count() == 1
    # without JavaScript the same: a redirect to the record, once
    plain = client.post(url, data)
    assert plain.status_code == 302 and VisitRecord.objects.count() == 1


def test_a_key_reused_for_another_elder_is_refused(elder, worker) -> None:
    other = special_elder()
    key = uuid.uuid4()
    services.visit_submit(client_uuid=key, elder=elder, actor=worker, data=visit_input())
    with pytest.raises(ConflictError) as refused:
        services.visit_submit(client_uuid=key, elder=other, actor=worker, data=visit_input())
    assert refused.value.code == "visit_key_reused"


def test_a_visit_in_the_future_or_with_a_bad_checklist_is_refused(elder, worker) -> None:
    with pytest.raises(DomainError) as future:
        services.visit_submit(
            client_uuid=uuid.uuid4(),
            elder=elder,
            actor=worker,
            data=visit_input(timezone.localdate() + timedelta(days=2)),
        )
    assert future.value.code == "visit_time_future"
    with pytest.raises(DomainError) as bad:
        services.visit_submit(
            client_uuid=uuid.uuid4(),
            elder=elder,
            actor=worker,
            data=visit_input(checklist={"health": "great"}),
        )
    assert bad.value.code == "visit_checklist_invalid"
    assert not VisitRecord.objects.exists()


# ---- not found at home, findings, follow-ups, notifications -----------------------------------------


def test_an_elder_not_found_keeps_the_task_open_and_is_looked_for(elder, worker, task, officer) -> None:
    # when the worker finds nobody at home
    record = record_visit(elder, worker, task=task, outcome="not_found", checklist={})
    # then the task stays open, due again in two days, and a 'locate' follow-up is assigned to the worker
    task.refresh_from_db()
    today = timezone.localdate()
    assert (task.status, task.attempts) == ("open", 1)
    assert task.due_on == min(today + timedelta(days=2), task.deadline)
    follow_up = FollowUp.objects.get(record=record)
    assert (follow_up.kind, follow_up.severity, follow_up.assignee) == ("locate", "normal", worker)
    # and a second miss is serious: the street officer is told
    second = record_visit(elder, worker, task=task, outcome="not_found", checklist={})
    assert FollowUp.objects.get(record=second).severity == "serious"
    assert Notification.objects.filter(recipient=officer).count() == 1


def test_a_serious_finding_notifies_the_street_officer_at_once(
    elder, worker, officer, django_capture_on_commit_callbacks, caplog
) -> None:
    # when the visitor finds a health risk (a serious item) and a food risk
    with (
        caplog.at_level(logging.WARNING, logger="eldercare.visits.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        record = record_visit(
            elder,
            worker,
            checklist={
                "health": {"level": "risk", "note": "发烧三天"},
                "food": {"level": "risk", "note": ""},
            },
        )
    # then a serious medical follow-up (due today) and a normal home-care one exist
    kinds = {f.kind: f for f in FollowUp.objects.filter(record=record)}
    assert set(kinds) == {"medical", "home_care"}
    assert (kinds["medical"].severity, kinds["medical"].due_on) == ("serious", timezone.localdate())
    assert kinds["home_care"].severity == "normal"
    # and the street officer got a notification, handed to the delivery adapter (a log line here)
    note = Notification.objects.get(recipient=officer)
    assert note.follow_up == kinds["medical"] and note.delivered_via == "log"
    assert "street_officer_1" in caplog.text
    assert signed_in(officer).get("/visits/notifications/").status_code == 200


def test_a_follow_up_is_tracked_to_closure(elder, worker) -> None:
    record = record_visit(elder, worker, actions=["emergency_device"])
    item = FollowUp.objects.get(record=record)
    services.follow_up_update(follow_up=item, status="in_progress", note="已联系平安通", actor=worker)
    with pytest.raises(DomainError) as no_note:
        services.follow_up_update(follow_up=item, status="closed", note="", actor=worker)
    assert no_note.value.code == "follow_up_resolution_required"
    services.follow_up_update(follow_up=item, status="closed", note="已安装一键呼叫器", actor=worker)
    item.refresh_from_db()
    assert (item.status, item.resolution, item.closed_by) == ("closed", "已安装一键呼叫器", worker)
    assert [s.status_to for s in item.updates.all()] == ["open", "in_progress", "closed"]
    with pytest.raises(ConflictError):
        services.follow_up_update(follow_up=item, status="in_progress", note="again", actor=worker)
    # the same through the page
    client = signed_in(worker)
    assert client.get(f"/visits/follow-ups/{item.pk}/").status_code == 200


# ---- photos -----------------------------------------------------------------------------------------


def test_photos_are_stored_and_served_only_inside_the_scope(elder, worker, task) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(worker)
    photo = SimpleUploadedFile("kitchen.jpg", JPEG, content_type="image/jpeg")
    response = client.post(
        f"/visits/tasks/{task.pk}/record/", {**form_data(str(uuid.uuid4())), "photos": photo}
    )
    assert response.status_code == 302
    stored = VisitPhoto.objects.get()
    assert stored.size == len(JPEG) and stored.content_type == "image/jpeg"
    assert client.get(f"/visits/photos/{stored.pk}/").status_code == 200
    outsider = make_visitor(other_district_community())
    assert signed_in(outsider).get(f"/visits/photos/{stored.pk}/").status_code == 404
    # a file that is not an image is refused
    with pytest.raises(DomainError):
        services.visit_submit(
            client_uuid=uuid.uuid4(),
            elder=elder,
            actor=worker,
            data=visit_input(),
            photos=[services.PhotoUpload(name="x.jpg", content=b"<script>")],
        )


# ---- concurrent edits -------------------------------------------------------------------------------


def test_two_edits_of_the_same_version_give_a_conflict_not_a_silent_overwrite(elder, worker) -> None:
    record = record_visit(elder, worker)
    colleague = make_visitor(community())
    # given both opened version 1 offline; the colleague saves first
    services.visit_update(
        record=record, base_version=1, changes={"notes": "补充：家中燃气需检修"}, actor=colleague
    )
    # when the worker's edit of version 1 arrives
    with pytest.raises(services.VisitConflictError) as conflict:
        services.visit_update(record=record, base_version=1, changes={"urgent": True}, actor=worker)
    # then nothing was overwritten and the conflict is kept with both versions
    record.refresh_from_db()
    assert (record.version, record.notes, record.urgent) == (2, "补充：家中燃气需检修", False)
    stored = RecordConflict.objects.get()
    assert (stored.base_version, stored.submitted, stored.status) == (1, {"urgent": True}, "open")
    details = conflict.value.details
    assert details["current"]["notes"] == "补充：家中燃气需检修" and details["yours"] == {"urgent": True}
    assert details["fields"] == ["urgent"]
    # when the worker resolves it by keeping their value
    services.conflict_resolve(conflict=stored, take_mine=["urgent"], seen_version=2, actor=worker)
    record.refresh_from_db()
    assert (record.version, record.notes, record.urgent) == (3, "补充：家中燃气需检修", True)
    assert RecordConflict.objects.get().status == "resolved"


def test_the_second_save_of_the_page_opens_the_conflict_page_with_both_versions(elder, worker) -> None:
    record = record_visit(elder, worker, notes="初次记录")
    colleague = make_visitor(community())
    mine, theirs = signed_in(worker), signed_in(colleague)
    url = f"/visits/records/{record.pk}/edit/"
    # given both open the edit page of version 1
    form_mine = mine.get(url).context["form"]
    base = mine.get(url).context["base_values"]
    assert form_mine.initial["version"] == 1

    def post(client: Client, **changes: object):
        data = form_data(str(record.client_uuid), version=1, base_values=base, notes="初次记录")
        data["visited_at"] = timezone.localtime(record.visited_at).strftime("%Y-%m-%dT%H:%M")
        data.update(changes)
        return client.post(url, data)

    # when the colleague saves a note and then the worker saves "urgent" on the same version
    assert post(theirs, notes="家属电话已更新").status_code == 302
    response = post(mine, urgent="on")
    # then the worker lands on the conflict page, which shows both versions
    assert response.status_code == 302 and "/visits/conflicts/" in response["Location"]
    page = mine.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "家属电话已更新" in text and 'name="take_urgent" value="mine"' in text
    # and resolving keeps the colleague's note and the worker's flag
    done = mine.post(response["Location"], {"seen_version": 2, "take_urgent": "mine"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert (record.version, record.notes, record.urgent) == (3, "家属电话已更新", True)
    # the JSON path used by the offline script answers 409 with the conflict page
    stale = mine.post(
        url, {**form_data(str(record.client_uuid), version=1), "notes": "x"}, HTTP_ACCEPT="application/json"
    )
    assert stale.status_code == 409 and "/visits/conflicts/" in stale.json()["conflict_url"]


def test_the_api_edit_of_an_old_version_answers_409_with_both_versions(elder, worker) -> None:
    record = record_visit(elder, worker)
    client = signed_in(worker)
    ok = client.patch(
        f"/api/v1/visits/records/{record.pk}", {"version": 1, "notes": "A"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/visits/records/{record.pk}", {"version": 1, "notes": "B"}, content_type="application/json"
    )
    body = stale.json()
    assert stale.status_code == 409 and body["code"] == "visit_conflict"
    assert body["details"]["current"]["notes"] == "A" and body["details"]["yours"] == {"notes": "B"}
    assert VisitRecord.objects.get().notes == "A"


# ---- scope ------------------------------------------------------------------------------------------


def test_records_and_tasks_outside_the_scope_answer_404(elder, worker, task) -> None:
    record = record_visit(elder, worker, task=task)
    outsider = signed_in(make_visitor(other_district_community()))
    for url in (
        f"/visits/records/{record.pk}/",
        f"/visits/records/{record.pk}/edit/",
        f"/visits/tasks/{task.pk}/record/",
        f"/visits/elders/{elder.pk}/record/",
        f"/visits/targets/{elder.pk}/",
        f"/api/v1/visits/records/{record.pk}",
    ):
        assert outsider.get(url).status_code in (404, 403), url
    assert outsider.get(f"/visits/records/{record.pk}/").status_code == 404


def test_a_volunteer_sees_only_the_visits_assigned_to_them(elder) -> None:
    # given a volunteer (no division of their own) registered as a visitor of the community
    volunteer = make_visitor(community(), role=Role.VOLUNTEER, kind="volunteer")
    services.plan_month(month=timezone.localdate())
    task = VisitTask.objects.get(elder=elder)
    assert task.visitor == volunteer
    client = signed_in(volunteer)
    # then they see it on their phone page and can record it, and see the record afterwards
    assert f"task-{task.pk}" in client.get("/visits/my/").content.decode()
    response = client.post(
        f"/visits/tasks/{task.pk}/record/", form_data(str(uuid.uuid4())), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 201
    assert client.get(response.json()["url"]).status_code == 200
    # and another elder of the same community is out of their reach
    other = special_elder()
    assert client.get(f"/visits/elders/{other.pk}/record/").status_code == 404


def test_the_reveal_of_address_and_phone_for_a_visit_is_audited(elder, worker, task) -> None:
    response = signed_in(worker).post(f"/visits/tasks/{task.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action__contains="reveal", target_id=str(elder.pk)).exists()


def test_a_draft_key_travels_with_the_form(elder, worker, task) -> None:
    page = signed_in(worker).get(f"/visits/tasks/{task.pk}/record/").content.decode()
    assert f'data-draft-key="task-{task.pk}"' in page
    assert "eldercare/visit_form.js" in page and "<script>" not in page  # no inline script (CSP)
