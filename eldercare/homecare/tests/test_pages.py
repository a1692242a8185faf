"""Pages and API: query budgets on lists, the worker's phone flow, scope (404 outside), keyset pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.core.tests.factories import (
    OTHER_DISTRICT,
    OrganisationFactory,
    UserFactory,
    division,
    first_child,
)
from eldercare.homecare.choices import OrderStatus
from eldercare.homecare.models import ServiceOrder
from eldercare.homecare.tests.factories import (
    HOME,
    at,
    last_code,
    make_item,
    make_order,
    make_provider,
    make_worker,
)

pytestmark = pytest.mark.django_db


def street_officer() -> object:
    from eldercare.core.tests.factories import DISTRICT

    return UserFactory(role=Role.STREET_OFFICER, division=first_child(DISTRICT))


def test_the_order_list_page_and_api_have_constant_query_counts(
    client: Client, django_assert_max_num_queries: object
) -> None:
    provider = make_provider()
    item = make_item(provider)
    for _ in range(12):
        make_order(item=item)
    client.force_login(street_officer())
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        page = client.get(reverse("homecare:order_list"))
    assert page.status_code == 200
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        api = client.get("/api/v1/homecare/orders?size=5")
    body = api.json()
    assert len(body["items"]) == 5 and body["next"]
    rest = client.get("/api/v1/homecare/orders", {"size": 50, "before": body["next"]}).json()
    assert len(rest["items"]) == 7 and rest["next"] == ""
    ids = [o["id"] for o in body["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)


def test_an_officer_of_another_district_gets_404(client: Client) -> None:
    order = make_order()
    other = UserFactory(role=Role.DISTRICT_OFFICER, division=division(OTHER_DISTRICT))
    client.force_login(other)
    assert client.get(reverse("homecare:order_detail", args=[order.pk])).status_code == 404
    assert client.get(f"/api/v1/homecare/orders/{order.pk}").status_code == 404


def test_a_provider_manager_sees_only_its_providers_orders(client: Client) -> None:
    mine, theirs = make_provider(), make_provider()
    own = make_order(item=make_item(mine))
    make_order(item=make_item(theirs))
    manager = UserFactory(role=Role.PROVIDER_MANAGER, division=None, organisation=mine.organisation)
    client.force_login(manager)
    ids = [o["id"] for o in client.get("/api/v1/homecare/orders").json()["items"]]
    assert ids == [own.pk]


def test_the_worker_checks_in_and_out_from_the_phone_page_and_the_elder_code_verifies(client: Client) -> None:
    # given a worker account with an assigned order
    provider = make_provider()
    user = UserFactory(role=Role.PROVIDER_WORKER, division=None, organisation=provider.organisation)
    worker = make_worker(provider, user=user)
    order = make_order(item=make_item(provider, minutes=1), scheduled_at=at(1))
    from eldercare.homecare import services

    services.order_assign(order=order, worker=worker, actor=None)
    client.force_login(user)
    page = client.get(reverse("homecare:worker"))
    assert page.status_code == 200 and str(order.pk) in page.content.decode()
    detail = client.get(reverse("homecare:worker_order", args=[order.pk])).content.decode()
    assert "homecare/worker.js" in detail and "<script>" not in detail
    url = reverse("homecare:worker_action", args=[order.pk])
    # when it checks in and out at the elder's home (positions sent by the page's script)
    client.post(url, {"action": "check_in", "lon": HOME[0], "lat": HOME[1]})
    ServiceOrder.objects.filter(pk=order.pk).update(check_in_at=timezone.now() - timedelta(minutes=5))
    client.post(url, {"action": "check_out", "lon": HOME[0], "lat": HOME[1]})
    client.post(url, {"action": "confirm", "code": last_code()})
    # then the order is verified
    order.refresh_from_db()
    assert order.status == OrderStatus.VERIFIED
    # and another worker cannot open it
    other = UserFactory(role=Role.PROVIDER_WORKER, division=None, organisation=provider.organisation)
    make_worker(provider, user=other)
    client.force_login(other)
    assert client.get(reverse("homecare:worker_order", args=[order.pk])).status_code == 404


def test_the_statement_api_sums_verified_orders(client: Client) -> None:
    provider = make_provider()
    client.force_login(UserFactory(role=Role.DISTRICT_OFFICER, division=division("440703")))
    period = timezone.localdate().strftime("%Y-%m")
    make_order(item=make_item(provider), scheduled_at=timezone.now())
    body = client.get(f"/api/v1/homecare/providers/{provider.pk}/statement", {"period": period}).json()
    assert body["verified_orders"] == 0 and sum(r["orders"] for r in body["rows"]) == 1


def test_list_pages_render(client: Client, django_assert_max_num_queries: object) -> None:
    provider = make_provider()
    make_order(item=make_item(provider))
    client.force_login(UserFactory(role=Role.CITY_ADMIN, division=division("4407")))
    for name in (
        "overview",
        "provider_list",
        "settlement_list",
        "canteen_list",
        "bed_list",
        "adaptation_list",
        "indicators",
    ):
        with django_assert_max_num_queries(15):  # type: ignore[operator]
            assert client.get(reverse(f"homecare:{name}")).status_code == 200
    assert OrganisationFactory is not None


def test_the_order_form_offers_only_providers_contracted_for_the_users_area(client: Client) -> None:
    from eldercare.homecare.tests.factories import home_community

    here = make_item(make_provider(), service_type="cleaning")
    elsewhere = make_item(make_provider(area=division(OTHER_DISTRICT)), service_type="cleaning")
    worker = UserFactory(role=Role.COMMUNITY_WORKER, division=home_community())
    client.force_login(worker)
    page = client.get(reverse("homecare:order_create")).content.decode()
    assert f'value="{here.pk}"' in page
    assert f'value="{elsewhere.pk}"' not in page
