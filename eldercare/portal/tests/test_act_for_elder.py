"""Portal actions call the owning module's service; done by a worker they are 帮办代办 with a receipt."""

from datetime import timedelta

import pytest
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.benefits.choices import Channel
from eldercare.benefits.tests.factories import load_city, make_elder, publish_level
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import UserFactory, division
from eldercare.portal.models import OfflineAction
from eldercare.portal.services import FAMILY, WORKER, Acting, benefit_apply, reassessment_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _city() -> None:
    load_city()


def eligible_elder():  # type: ignore[no-untyped-def]
    elder = make_elder(
        birth_date=timezone.localdate().replace(year=1950, month=1, day=1), economic_status="dibao"
    )
    publish_level(elder, 3, timezone.localdate() - timedelta(days=60))
    return elder


def test_a_worker_applying_for_an_elder_files_a_proxy_application_with_a_receipt() -> None:
    elder = eligible_elder()
    worker = UserFactory(role=Role.COMMUNITY_WORKER, division=division(elder.residence_division_id))
    application, receipt = benefit_apply(
        acting=Acting(elder=elder, mode=WORKER, user=worker), programme_code="care_service_subsidy"
    )
    assert application.channel == Channel.PROXY and application.submitted_by == worker
    assert receipt is not None and receipt.reference == str(application.pk)
    assert receipt.worker_name == str(worker)
    assert AuditEntry.objects.filter(action="portal.on_behalf", actor=worker).count() == 1


def test_a_family_member_applying_files_a_family_application_without_a_receipt() -> None:
    elder = eligible_elder()
    family = UserFactory(role=Role.FAMILY, division=None)
    application, receipt = benefit_apply(
        acting=Acting(elder=elder, mode=FAMILY, user=family), programme_code="care_service_subsidy"
    )
    assert application.channel == Channel.FAMILY and receipt is None
    assert not OfflineAction.objects.exists()


def test_a_worker_asking_for_a_reassessment_records_the_community_worker_as_requester() -> None:
    elder = eligible_elder()
    worker = UserFactory(role=Role.COMMUNITY_WORKER, division=division(elder.residence_division_id))
    row, receipt = reassessment_request(acting=Acting(elder=elder, mode=WORKER, user=worker), note="跌倒后")
    assert row.requester == "community_worker" and receipt is not None
    assert receipt.action == "reassessment_requested"
