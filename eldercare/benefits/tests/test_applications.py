"""Applications: 帮办代办, documents, three-level review, N reviewers, budget, notice, objections."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.benefits.choices import ApplicationStatus, Channel
from eldercare.benefits.models import Application, Budget, Entitlement, Notification, ReviewDecision
from eldercare.benefits.services import (
    application_decide,
    application_submit,
    document_add,
    notices_finish,
    objection_raise,
    objection_resolve,
)
from eldercare.benefits.tests.factories import load_city, make_elder, publish_level
from eldercare.core.exceptions import DomainError
from eldercare.core.tests.factories import UserFactory, division

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test document"


@pytest.fixture(autouse=True)
def _city() -> None:
    load_city()


def reviewers(elder):  # type: ignore[no-untyped-def]
    code = elder.residence_division_id
    return (
        UserFactory(role=Role.COMMUNITY_WORKER, division=division(code)),
        UserFactory(role=Role.STREET_OFFICER, division=division(code[:9])),
        UserFactory(role=Role.DISTRICT_OFFICER, division=division(code[:6])),
    )


def poor_disabled_elder():  # type: ignore[no-untyped-def]
    elder = make_elder(birth_date=date(1950, 1, 1), economic_status="dibao")
    publish_level(elder, 3, timezone.localdate() - timedelta(days=60))
    return elder


def with_documents(application: Application, actor: object) -> None:
    for kind in ("身份证", "低保/低边/特困证明"):
        document_add(
            application=application,
            kind=kind,
            upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf"),
            actor=actor,
        )


def test_a_proxy_application_goes_through_three_steps_and_notice_then_is_granted() -> None:
    # given a 低保 elder at level 3 and a community worker filing on their behalf (帮办代办)
    elder = poor_disabled_elder()
    worker, street, district = reviewers(elder)
    application = application_submit(
        elder=elder,
        programme_code="care_service_subsidy",
        channel=Channel.PROXY,
        actor=worker,
        proxy_note="老人行动不便，社区上门代办",
    )
    assert application.channel == "proxy" and application.submitted_by == worker
    assert application.preview["eligible"] and application.preview["amount_fen"] == 30000
    # when the community accepts without documents, it is refused
    with pytest.raises(DomainError, match="Documents missing"):
        application_decide(application=application, actor=worker, decision="approve")
    with_documents(application, worker)
    # when the three levels approve in turn
    application_decide(application=application, actor=worker, decision="approve")
    with pytest.raises(DomainError, match="not waiting for your review"):
        application_decide(application=application, actor=district, decision="approve")
    application_decide(application=application, actor=street, decision="approve")
    application = application_decide(application=application, actor=district, decision="approve")
    # then the application is in public notice for 7 days, and each decision is a record
    assert application.status == ApplicationStatus.IN_NOTICE
    assert ReviewDecision.objects.filter(application=application).count() == 3
    with pytest.raises(ValueError, match="insert-only"):
        ReviewDecision.objects.first().delete()  # type: ignore[union-attr]
    # when the notice ends without objection, then the entitlement starts next month and the elder is told
    assert notices_finish(on=application.notice_until + timedelta(days=1), actor="task") == 1  # type: ignore[operator]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.GRANTED
    assert Entitlement.objects.get(elder=elder).monthly_amount_fen == 30000
    texts = list(Notification.objects.filter(elder=elder, channel="in_app").values_list("text", flat=True))
    assert any("批准" in t for t in texts) and any("公示" in t for t in texts)


def test_a_rejection_needs_a_reason_and_the_elder_reads_it() -> None:
    elder = poor_disabled_elder()
    worker, street, _ = reviewers(elder)
    application = application_submit(
        elder=elder, programme_code="nursing_subsidy", channel="family", actor=worker, applicant_name="张小明"
    )
    for kind in ("身份证", "低保/特困证明", "银行卡"):
        document_add(
            application=application, kind=kind, upload=SimpleUploadedFile("a.pdf", PDF), actor=worker
        )
    application_decide(application=application, actor=worker, decision="approve")
    with pytest.raises(DomainError, match="reason"):
        application_decide(application=application, actor=street, decision="reject")
    application = application_decide(
        application=application, actor=street, decision="reject", reason="低保已于上月停发"
    )
    assert application.status == ApplicationStatus.REJECTED
    assert Notification.objects.filter(elder=elder, text__contains="低保已于上月停发").exists()


def test_documents_are_checked_for_type_size_and_content() -> None:
    elder = poor_disabled_elder()
    worker, *_ = reviewers(elder)
    application = application_submit(
        elder=elder, programme_code="care_service_subsidy", channel="proxy", actor=worker
    )
    for upload, code in (
        (SimpleUploadedFile("a.exe", b"MZ..."), "document_type"),
        (SimpleUploadedFile("a.pdf", b"not a pdf"), "document_content"),
        (SimpleUploadedFile("a.png", b"\x89PNG" + b"0" * (6 * 1024 * 1024)), "document_too_large"),
    ):
        with pytest.raises(DomainError) as caught:
            document_add(application=application, kind="身份证", upload=upload, actor=worker)
        assert caught.value.code == code


def test_approval_checks_the_remaining_budget() -> None:
    elder = poor_disabled_elder()
    worker, street, district = reviewers(elder)
    Budget.objects.create(
        programme_code="care_service_subsidy",
        district_code=elder.residence_division_id[:6],
        year=timezone.localdate().year,
        amount_fen=100,
    )
    application = application_submit(
        elder=elder, programme_code="care_service_subsidy", channel="proxy", actor=worker
    )
    with_documents(application, worker)
    application_decide(application=application, actor=worker, decision="approve")
    application_decide(application=application, actor=street, decision="approve")
    if timezone.localdate().month == 12:
        pytest.skip("no months left in the year to commit")
    with pytest.raises(DomainError, match="budget"):
        application_decide(application=application, actor=district, decision="approve")
    assert not ReviewDecision.objects.filter(reviewer=district).exists()  # rolled back with the refusal


def test_an_upheld_objection_rejects_during_notice() -> None:
    elder = poor_disabled_elder()
    worker, street, district = reviewers(elder)
    application = application_submit(
        elder=elder, programme_code="care_service_subsidy", channel="proxy", actor=worker
    )
    with_documents(application, worker)
    for who in (worker, street, district):
        application = application_decide(application=application, actor=who, decision="approve")
    objection = objection_raise(
        application=application, raised_by="邻居", text="老人已随子女外迁", actor="portal"
    )
    assert notices_finish(on=application.notice_until + timedelta(days=1), actor="task") == 0  # type: ignore[operator]
    objection_resolve(objection=objection, upheld=True, resolution="核实已外迁", actor=street)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_an_in_flight_application_keeps_its_workflow_version_and_n_of_reviewers() -> None:
    from eldercare.core.models import CityProfile
    from eldercare.core.services import policy_set

    elder = poor_disabled_elder()
    worker, _street, district = reviewers(elder)
    old = application_submit(
        elder=elder, programme_code="care_service_subsidy", channel="proxy", actor=worker
    )
    # when the bureau changes the workflow to one step needing two district officers
    policy_set(
        profile=CityProfile.objects.get(code="jiangmen"),
        key="benefits.workflow",
        value={
            "steps": [
                {
                    "code": "district",
                    "name": "区级审批",
                    "division_length": 6,
                    "roles": ["district_officer"],
                    "mode": "n",
                    "n": 2,
                }
            ]
        },
        valid_from=timezone.localdate(),
        actor=district,
        reason="test",
    )
    # then the open application still has three steps; a new one has the new step
    old.refresh_from_db()
    assert [s["code"] for s in old.steps] == ["community", "street", "district"]
    other = poor_disabled_elder()
    second_district = UserFactory(
        role=Role.DISTRICT_OFFICER, division=division(other.residence_division_id[:6])
    )
    first_district = UserFactory(
        role=Role.DISTRICT_OFFICER, division=division(other.residence_division_id[:6])
    )
    new = application_submit(elder=other, programme_code="family_care_bed", channel="proxy", actor=worker)
    assert [s["code"] for s in new.steps] == ["district"]
    for kind in ("身份证", "低保/低边/特困证明", "家庭床位服务协议"):
        document_add(application=new, kind=kind, upload=SimpleUploadedFile("a.pdf", PDF), actor=worker)
    new = application_decide(application=new, actor=first_district, decision="approve")
    assert new.status == ApplicationStatus.IN_REVIEW  # one of two
    new = application_decide(application=new, actor=second_district, decision="approve")
    assert new.status == ApplicationStatus.IN_NOTICE


def test_automatic_programmes_need_no_application() -> None:
    elder = make_elder(birth_date=date(1930, 1, 1))
    with pytest.raises(DomainError, match="automatically"):
        application_submit(elder=elder, programme_code="old_age_allowance", channel="elder", actor="portal")
