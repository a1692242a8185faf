"""Family links (confirmed by the elder or a worker), what each caller may see, and 帮办代办."""

import pytest
from django.test import Client
from django.urls import reverse

from eldercare.accounts.roles import Role
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import ElderFactory, UserFactory, division, first_child
from eldercare.portal.models import OfflineAction
from eldercare.portal.services import family_link_request
from eldercare.portal.tests.factories import NoticeFactory, link
from eldercare.timebank.selectors import linked_elders

pytestmark = pytest.mark.django_db

ELDER_PHONE = "13811112222"


def elsewhere_community():  # type: ignore[no-untyped-def]
    return first_child(first_child("440704").code)


def family_user(name: str = "fam"):  # type: ignore[no-untyped-def]
    return UserFactory(username=name, role=Role.FAMILY, division=None)


def worker_for(elder):  # type: ignore[no-untyped-def]
    return UserFactory(role=Role.COMMUNITY_WORKER, division=division(elder.residence_division_id))


def test_a_family_request_is_pending_until_the_elder_confirms_it(client: Client) -> None:
    elder = ElderFactory(phone=ELDER_PHONE)
    family = family_user()
    pending = family_link_request(user=family, elder_phone=ELDER_PHONE)
    assert pending is not None and pending.confirmed_at is None
    assert not linked_elders(user=family).exists()
    elder_user = UserFactory(role=Role.ELDER, division=None)
    link(elder_user, elder)
    client.force_login(elder_user)
    response = client.post(
        reverse("portal:link_decide", args=[elder.pk, pending.pk]), {"decision": "confirm"}, follow=True
    )
    assert response.status_code == 200
    assert list(linked_elders(user=family)) == [elder]


def test_a_request_for_an_unknown_phone_answers_the_same_and_links_nothing() -> None:
    family = family_user()
    assert family_link_request(user=family, elder_phone="13800000000") is None
    assert not linked_elders(user=family).exists()


def test_a_family_member_follows_several_elders_and_sees_only_them(client: Client) -> None:
    mother, father, stranger = ElderFactory(), ElderFactory(), ElderFactory()
    family = family_user()
    link(family, mother)
    link(family, father)
    client.force_login(family)
    home = client.get(reverse("portal:home")).content.decode()
    assert mother.masked_name in home and father.masked_name in home
    for elder in (mother, father):
        assert client.get(reverse("portal:elder_home", args=[elder.pk])).status_code == 200
    for name in ("elder_home", "entitlements", "applications", "payments", "timebank", "emergency"):
        assert client.get(reverse(f"portal:{name}", args=[stranger.pk])).status_code == 404


def test_an_unconfirmed_or_revoked_link_gives_no_access(client: Client) -> None:
    elder = ElderFactory()
    family = family_user()
    link(family, elder, confirmed=False)
    client.force_login(family)
    assert client.get(reverse("portal:elder_home", args=[elder.pk])).status_code == 404


def test_a_family_member_cannot_decide_links(client: Client) -> None:
    elder = ElderFactory(phone=ELDER_PHONE)
    family = family_user()
    link(family, elder)
    pending = family_link_request(user=family_user("other"), elder_phone=ELDER_PHONE)
    client.force_login(family)
    response = client.post(
        reverse("portal:link_decide", args=[elder.pk, pending.pk]), {"decision": "confirm"}
    )  # type: ignore[union-attr]
    assert response.status_code == 403


def test_a_worker_acts_only_for_elders_in_their_area(client: Client) -> None:
    elder = ElderFactory()
    worker = worker_for(elder)
    elsewhere = ElderFactory(residence_division=elsewhere_community())
    client.force_login(worker)
    assert client.get(reverse("portal:elder_home", args=[elder.pk])).status_code == 200
    assert client.get(reverse("portal:elder_home", args=[elsewhere.pk])).status_code == 404


def test_a_worker_confirming_a_link_is_recorded_as_acting_for_the_elder_with_a_receipt(
    client: Client,
) -> None:
    elder = ElderFactory(phone=ELDER_PHONE)
    worker = worker_for(elder)
    pending = family_link_request(user=family_user(), elder_phone=ELDER_PHONE)
    client.force_login(worker)
    response = client.post(
        reverse("portal:link_decide", args=[elder.pk, pending.pk]),
        {"decision": "confirm"},
        follow=True,  # type: ignore[union-attr]
    )
    receipt = OfflineAction.objects.get()
    assert receipt.worker == worker and receipt.worker_name == str(worker) and receipt.elder == elder
    assert reverse("portal:receipt", args=[receipt.pk]) in response.content.decode()
    entry = AuditEntry.objects.get(action="portal.on_behalf")
    assert entry.actor == worker and entry.changes["worker"] == str(worker)
    page = client.get(reverse("portal:receipt", args=[receipt.pk])).content.decode()
    assert receipt.receipt_number in page and str(worker) in page


def test_a_receipt_outside_the_workers_area_is_not_found(client: Client) -> None:
    elder = ElderFactory(phone=ELDER_PHONE)
    pending = family_link_request(user=family_user(), elder_phone=ELDER_PHONE)
    client.force_login(worker_for(elder))
    client.post(reverse("portal:link_decide", args=[elder.pk, pending.pk]), {"decision": "decline"})  # type: ignore[union-attr]
    receipt = OfflineAction.objects.get()
    other = UserFactory(username="w2", role=Role.COMMUNITY_WORKER, division=elsewhere_community())
    client.force_login(other)
    assert client.get(reverse("portal:receipt", args=[receipt.pk])).status_code == 404


def test_the_elder_pages_cost_the_same_number_of_queries_with_more_rows(
    client: Client,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    elder = ElderFactory()
    family = family_user()
    link(family, elder)
    for _ in range(5):
        NoticeFactory()
    client.force_login(family)
    for name in ("elder_home", "timebank", "emergency", "complaint", "applications"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(f"portal:{name}", args=[elder.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:notices")).status_code == 200
