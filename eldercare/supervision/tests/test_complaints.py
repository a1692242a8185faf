"""Complaints (投诉举报): routing, time limits, escalation on overrun (frozen clock), follow-up."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from eldercare.core.services import profile_load
from eldercare.core.tests.factories import DISTRICT
from eldercare.supervision import services
from eldercare.supervision.choices import (
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintStatus,
    ComplaintSubject,
)
from eldercare.supervision.models import Complaint
from eldercare.supervision.tests.factories import street_community

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture
def jiangmen() -> None:
    profile_load(code="jiangmen")


def submit(subject: str = ComplaintSubject.SERVICE_QUALITY, **fields: object) -> tuple[Complaint, str]:
    return services.complaint_submit(
        channel=fields.pop("channel", ComplaintChannel.HOTLINE),
        subject=subject,
        division=street_community(),
        content="护理员态度差",
        name=fields.pop("name", "张三"),
        phone=fields.pop("phone", "13800138000"),
        **fields,  # type: ignore[arg-type]
    )


@time_machine.travel(RECEIVED, tick=False)
def test_a_complaint_is_routed_by_subject_and_gets_due_times_from_policy(jiangmen: None) -> None:
    # given the seeded policy (24 h to acknowledge, 15 days to answer; abuse to the district)
    # when a service complaint and an abuse report come in
    service, _code = submit()
    abuse, _code = submit(ComplaintSubject.ABUSE)
    # then the service one goes to the street office and the abuse report to the district office
    community = street_community()
    assert service.responsible_office_id == community.code[:9]
    assert abuse.responsible_office_id == DISTRICT
    assert service.ack_due_at == RECEIVED + timedelta(hours=24)
    assert service.answer_due_at == RECEIVED + timedelta(days=15)
    assert service.policy_version_id  # the version used is stored


def test_a_complaint_past_its_time_limit_escalates_with_a_frozen_clock(jiangmen: None) -> None:
    # given a complaint received at 09:00 and nobody acknowledging it
    with time_machine.travel(RECEIVED, tick=False):
        complaint, _code = submit()
    street = complaint.responsible_office_id
    # when the escalation task runs just before the 24-hour limit
    with time_machine.travel(RECEIVED + timedelta(hours=23, minutes=59), tick=False):
        assert services.complaints_escalate_overdue() == 0
    complaint.refresh_from_db()
    assert complaint.escalation_level == 0
    # and again just after it
    with time_machine.travel(RECEIVED + timedelta(hours=24, minutes=1), tick=False):
        assert services.complaints_escalate_overdue() == 1
        # running twice in the same period escalates nothing more (idempotent)
        assert services.complaints_escalate_overdue() == 0
    # then it went to the district office, with an event and an audit entry
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
    assert complaint.responsible_office_id == street[:6]
    assert complaint.events.filter(kind=ComplaintEventKind.ESCALATED).count() == 1
    # and still unacknowledged a day later it goes up to the city, and stops there
    with time_machine.travel(RECEIVED + timedelta(hours=48, minutes=2), tick=False):
        assert services.complaints_escalate_overdue() == 1
    with time_machine.travel(RECEIVED + timedelta(days=30), tick=False):
        assert services.complaints_escalate_overdue() == 0
    complaint.refresh_from_db()
    assert complaint.responsible_office_id == street[:4]
    assert complaint.escalation_level == 2


def test_an_acknowledged_complaint_escalates_only_when_the_answer_is_overdue(jiangmen: None) -> None:
    with time_machine.travel(RECEIVED, tick=False):
        complaint, _code = submit()
    with time_machine.travel(RECEIVED + timedelta(hours=2), tick=False):
        services.complaint_acknowledge(complaint=complaint, actor=None)
    with time_machine.travel(RECEIVED + timedelta(days=14), tick=False):
        assert services.complaints_escalate_overdue() == 0
    with time_machine.travel(RECEIVED + timedelta(days=15, minutes=1), tick=False):
        assert services.complaints_escalate_overdue() == 1
    with time_machine.travel(RECEIVED + timedelta(days=16), tick=False):
        services.complaint_answer(complaint=complaint, answer="已核实整改", substantiated=True, actor=None)
    with time_machine.travel(RECEIVED + timedelta(days=40), tick=False):
        assert services.complaints_escalate_overdue() == 0
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED


def test_an_anonymous_complaint_keeps_no_name_and_is_followed_by_its_code(client: Client) -> None:
    # given an anonymous complaint from the public page, without a phone
    complaint, code = submit(channel=ComplaintChannel.PUBLIC, anonymous=True, name="", phone="")
    assert complaint.complainant_name == ""
    # then the follow-up page shows the case for the right code and nothing for a wrong one
    url = reverse("supervision:complaint_follow")
    ok = client.post(url, {"case_number": complaint.case_number, "secret": code})
    assert ok.status_code == 200 and complaint.case_number in ok.content.decode()
    wrong = client.post(url, {"case_number": complaint.case_number, "secret": "WRONG123"})
    assert "护理员态度差" not in wrong.content.decode()


def test_follow_up_by_phone_is_rate_limited(client: Client) -> None:
    complaint, _code = submit()
    url = reverse("supervision:complaint_follow")
    for _ in range(5):
        client.post(url, {"case_number": complaint.case_number, "secret": "13900000000"})
    # after five failures even the right phone is refused for a while
    blocked = client.post(url, {"case_number": complaint.case_number, "secret": "13800138000"})
    assert blocked.status_code == 429


def test_the_public_page_takes_a_complaint_and_shows_the_case_number(client: Client) -> None:
    response = client.post(
        reverse("supervision:complaint_public"),
        {
            "subject": ComplaintSubject.FOOD,
            "division": street_community().code,
            "content": "饭菜变质",
            "anonymous": "on",
        },
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == ComplaintChannel.PUBLIC
    assert complaint.case_number in response.content.decode()


def test_public_submissions_are_limited_per_address(client: Client) -> None:
    data = {
        "subject": ComplaintSubject.OTHER,
        "division": street_community().code,
        "content": "x",
        "anonymous": "on",
    }
    codes = [client.post(reverse("supervision:complaint_public"), data).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    assert Complaint.objects.count() == 10
