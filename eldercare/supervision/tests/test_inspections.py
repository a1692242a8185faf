"""Inspections: findings, rectification deadlines, re-inspection closing, overdue escalation, photos,
scope (404) and query budgets; the credit ranking and the GB 38600 indicator."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import (
    OTHER_DISTRICT,
    OrganisationFactory,
    UserFactory,
    division,
    first_child,
)
from eldercare.supervision import selectors, services
from eldercare.supervision.choices import RectificationStatus, Severity
from eldercare.supervision.models import Finding, Rectification
from eldercare.supervision.tests.factories import all_pass, make_inspection, make_inspector, make_target

pytestmark = pytest.mark.django_db
DONE_ON = date(2025, 5, 2)


def record_with_failures(inspection, failed: dict[str, str]):  # type: ignore[no-untyped-def]
    answers = all_pass(inspection) | dict.fromkeys(failed, "fail")
    return services.inspection_record(
        inspection=inspection,
        answers=answers,
        findings=[{"item_code": c, "severity": s, "description": "问题"} for c, s in failed.items()],
        conducted_on=DONE_ON,
        actor=None,
    )


def test_failed_items_become_findings_and_one_order_with_the_deadline_of_the_worst() -> None:
    # given a GB 38600 inspection where a minor and a major item fail
    inspection = record_with_failures(make_inspection(), {"A2": Severity.MINOR, "B6": Severity.MAJOR})
    # then it failed, has two findings and one order due in 15 days (major), per the default policy
    assert inspection.passed is False
    assert Finding.objects.filter(inspection=inspection).count() == 2
    order = Rectification.objects.get(inspection=inspection)
    assert order.deadline == DONE_ON + timedelta(days=15)
    assert set(order.findings.values_list("item_code", flat=True)) == {"A2", "B6"}


def test_a_passed_reinspection_closes_the_order_and_a_failed_one_does_not() -> None:
    inspector = make_inspector()
    inspection = record_with_failures(make_inspection(inspector=inspector), {"A2": Severity.MINOR})
    order = Rectification.objects.get(inspection=inspection)
    # a failed re-inspection leaves the order open
    first = services.reinspection_plan(
        rectification=order, inspectors=[inspector], scheduled_on=DONE_ON, actor=None
    )
    record_with_failures(first, {"A2": Severity.MINOR})
    order.refresh_from_db()
    assert order.status == RectificationStatus.OPEN
    # a passed one closes it
    second = services.reinspection_plan(
        rectification=order, inspectors=[inspector], scheduled_on=DONE_ON, actor=None
    )
    services.inspection_record(
        inspection=second, answers=all_pass(second), conducted_on=DONE_ON, actor=inspector
    )
    order.refresh_from_db()
    assert order.status == RectificationStatus.CLOSED and order.closed_on == DONE_ON


def test_an_overdue_order_escalates_once() -> None:
    inspection = record_with_failures(make_inspection(), {"C2": Severity.CRITICAL})
    order = Rectification.objects.get(inspection=inspection)
    assert services.rectifications_escalate_overdue(today=order.deadline) == 0
    assert services.rectifications_escalate_overdue(today=order.deadline + timedelta(days=1)) == 1
    assert services.rectifications_escalate_overdue(today=order.deadline + timedelta(days=2)) == 0
    order.refresh_from_db()
    assert order.escalation_level == 1
    assert order in selectors.public_sanctions(on=order.deadline + timedelta(days=1))


def test_only_an_assigned_inspector_records() -> None:
    inspection = make_inspection()
    with pytest.raises(DomainError) as refused:
        services.inspection_record(
            inspection=inspection, answers=all_pass(inspection), actor=make_inspector()
        )
    assert refused.value.code == "supervision_not_assigned"


def test_photos_are_checked_by_content_and_size() -> None:
    inspection = record_with_failures(make_inspection(), {"A2": Severity.MINOR})
    finding = Finding.objects.get(inspection=inspection)
    fake = SimpleUploadedFile("x.jpg", b"GIF89a not a jpeg", content_type="image/jpeg")
    with pytest.raises(DomainError) as wrong_type:
        services.finding_photo_attach(finding=finding, upload=fake, actor=None)
    assert wrong_type.value.code == "supervision_photo_type"
    big = SimpleUploadedFile(
        "x.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(DomainError) as too_big:
        services.finding_photo_attach(finding=finding, upload=big, actor=None)
    assert too_big.value.code == "supervision_photo_too_large"
    png = SimpleUploadedFile("anything.gif", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/gif")
    services.finding_photo_attach(finding=finding, upload=png, actor=None)
    finding.refresh_from_db()
    assert finding.photo.name.endswith(".png")


def test_an_inspection_outside_the_callers_area_is_a_404(client: Client) -> None:
    # given an inspection in 蓬江区 and a district officer of 新会区
    inspection = make_inspection()
    officer = UserFactory(role=Role.DISTRICT_OFFICER, division=division(OTHER_DISTRICT))
    client.force_login(officer)
    assert client.get(reverse("supervision:inspection_detail", args=[inspection.pk])).status_code == 404
    # and an institution sees its own inspection but not another's
    operator = UserFactory(
        role=Role.INSTITUTION_OPERATOR, division=None, organisation=inspection.organisation
    )
    client.force_login(operator)
    assert client.get(reverse("supervision:inspection_detail", args=[inspection.pk])).status_code == 200
    other = make_inspection()
    assert client.get(reverse("supervision:inspection_detail", args=[other.pk])).status_code == 404


def test_list_pages_keep_their_query_budget(client: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(6):
        record_with_failures(make_inspection(), {"A2": Severity.MINOR})
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    for name in (
        "supervision:inspection_list",
        "supervision:rectification_list",
        "supervision:credit_ranking",
    ):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("supervision:public_index")).status_code == 200


def test_the_credit_ranking_puts_the_organisation_with_findings_first() -> None:
    clean, troubled = make_target(), make_target()
    services.inspection_record(
        inspection=(i := make_inspection(organisation=clean)),
        answers=all_pass(i),
        conducted_on=DONE_ON,
        actor=None,
    )
    record_with_failures(
        make_inspection(organisation=troubled), {"A1": Severity.CRITICAL, "B6": Severity.MAJOR}
    )
    rows = selectors.credit_ranking(scope=DataScope.everything(), on=DONE_ON)
    ranked = [r.organisation for r in rows if r.organisation in (clean, troubled)]
    assert ranked == [troubled, clean]
    by_org = {r.organisation: r for r in rows}
    assert by_org[clean].credit.score == 100 and by_org[troubled].credit.score < 100


def test_basic_norms_compliance_counts_the_latest_gb38600_result_per_institution() -> None:
    # given three institutions in a fresh street: one passed, one failed then passed, one never inspected
    street = first_child("440705")
    orgs = [OrganisationFactory(division=street) for _ in range(3)]
    services.inspection_record(
        inspection=(i := make_inspection(organisation=orgs[0])),
        answers=all_pass(i),
        conducted_on=DONE_ON,
        actor=None,
    )
    record_with_failures(make_inspection(organisation=orgs[1]), {"A1": Severity.CRITICAL})
    later = make_inspection(organisation=orgs[1])
    services.inspection_record(
        inspection=later, answers=all_pass(later), conducted_on=DONE_ON + timedelta(days=30), actor=None
    )
    # then 2 of 3 meet the norms (WH02)
    result = selectors.basic_norms_compliance(
        scope=DataScope(division_codes=(street.code,)), on=date(2025, 12, 31)
    )
    assert (result.institutions, result.inspected, result.meeting) == (3, 2, 2)
    assert result.share == round(2 / 3, 4)
