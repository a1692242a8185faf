"""The portal's services page: an elder (or a worker at the office) orders a service or a meal from the
providers of the elder's area, confirms it took place and rates it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.tests.factories import UserFactory, division
from eldercare.homecare.choices import OrderSource, OrderStatus
from eldercare.homecare.models import ServiceOrder
from eldercare.homecare.tests.factories import (
    at,
    make_elder,
    make_item,
    make_order,
    make_provider,
    make_worker,
    seed_homecare_policies,
    serve,
)
from eldercare.portal.services import WORKER, Acting, service_order
from eldercare.portal.tests.factories import link

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _policies() -> None:
    seed_homecare_policies()


def signed_in_elder(client: Client):  # type: ignore[no-untyped-def]
    elder = make_elder()
    user = UserFactory(role=Role.ELDER, division=None)
    link(user, elder)
    client.force_login(user)
    return elder


def test_an_elder_orders_a_meal_on_the_portal_and_the_provider_receives_it(client: Client) -> None:
    elder = signed_in_elder(client)
    meal = make_item(make_provider(), service_type="meal", price=1200, minutes=30)
    page = client.get(reverse("portal:services", args=[elder.pk]))
    assert page.status_code == 200 and meal.name in page.content.decode()
    day = timezone.localdate() + timedelta(days=2)
    response = client.post(
        reverse("portal:service_order", args=[elder.pk]),
        {"item": meal.pk, "day": day.isoformat(), "time": "11:30", "note": "少盐"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/done/")
    order = ServiceOrder.objects.get(elder=elder)
    assert (order.item, order.source, order.status, order.note) == (
        meal,
        OrderSource.PORTAL,
        "requested",
        "少盐",
    )
    assert timezone.localtime(order.scheduled_at).strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 11:30"


def test_a_service_of_a_provider_not_contracted_for_the_area_or_too_soon_is_refused(client: Client) -> None:
    elder = signed_in_elder(client)
    elsewhere = make_item(make_provider(area=division("440704")))
    here = make_item(make_provider())
    url = reverse("portal:service_order", args=[elder.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(url, {"item": elsewhere.pk, "day": tomorrow, "time": "10:00"})
    assert refused.status_code == 422
    assert elsewhere.name not in refused.content.decode()  # not even offered
    no_time = client.post(url, {"item": here.pk, "day": tomorrow, "time": "03:00"})
    assert no_time.status_code == 422
    with pytest.raises(DomainError) as too_soon:
        service_order(
            acting=Acting(elder=elder, mode="self", user=None), item=here, scheduled_at=timezone.now()
        )
    assert too_soon.value.code == "portal_service_time"
    assert not ServiceOrder.objects.filter(elder=elder).exists()


def test_a_worker_ordering_at_the_office_gets_a_receipt() -> None:
    elder = make_elder()
    worker = UserFactory(role=Role.COMMUNITY_WORKER, division=division(elder.residence_division_id))
    item = make_item(make_provider())
    order, receipt = service_order(
        acting=Acting(elder=elder, mode=WORKER, user=worker),
        item=item,
        scheduled_at=timezone.now() + timedelta(days=1),
    )
    assert order.created_by == worker and order.source == OrderSource.PORTAL
    assert receipt is not None and receipt.reference == str(order.pk) and receipt.action == "service_ordered"


def test_the_elder_rates_a_service_that_took_place(client: Client) -> None:
    elder = signed_in_elder(client)
    provider = make_provider()
    done = serve(
        make_order(item=make_item(provider), elder=elder), make_worker(provider), start=at(30), minutes=60
    )
    assert done.status == OrderStatus.VERIFIED
    services_page = client.get(reverse("portal:services", args=[elder.pk])).content.decode()
    assert reverse("portal:service_rate", args=[elder.pk, done.pk]) in services_page
    response = client.post(
        reverse("portal:service_rate", args=[elder.pk, done.pk]), {"stars": "5", "comment": "准时"}
    )
    assert response.status_code == 302
    done.refresh_from_db()
    assert (done.rating, done.rating_comment) == (5, "准时")
    after = client.get(reverse("portal:services", args=[elder.pk])).content.decode()
    assert reverse("portal:service_rate", args=[elder.pk, done.pk]) not in after


def test_an_order_not_yet_done_cannot_be_rated_from_the_portal(client: Client) -> None:
    elder = signed_in_elder(client)
    order = make_order(elder=elder)
    response = client.post(reverse("portal:service_rate", args=[elder.pk, order.pk]), {"stars": "5"})
    assert response.status_code == 302  # to the "not done" page
    order.refresh_from_db()
    assert order.rating is None
