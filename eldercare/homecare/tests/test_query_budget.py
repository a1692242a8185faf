"""The query budget helper: a page within its budget passes, over it fails with the statements listed,
and a list whose query count grows with its rows (N+1) is caught."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from eldercare.accounts.roles import Role
from eldercare.core.tests.factories import UserFactory, first_child
from eldercare.core.tests.querybudget import QueryBudgetExceededError, assert_constant_queries

pytestmark = pytest.mark.django_db


def _orders(n: int) -> None:
    from eldercare.homecare.tests.factories import make_item, make_order, make_provider

    item = make_item(make_provider())
    for _ in range(n):
        make_order(item=item)


def _officer(client: Client) -> None:
    from eldercare.core.tests.factories import DISTRICT

    client.force_login(UserFactory(role=Role.STREET_OFFICER, division=first_child(DISTRICT)))


def test_the_order_list_page_stays_within_its_budget_whatever_the_number_of_orders(
    client: Client, query_budget: Any
) -> None:
    _orders(3)
    _officer(client)
    url = reverse("homecare:order_list")
    query_budget(client, url, budget=12)
    query_budget.constant(client, url, grow=lambda: _orders(20), budget=12)
    query_budget(client, "/api/v1/homecare/orders?size=50", budget=8)


def test_a_page_over_its_budget_fails_and_lists_its_statements(client: Client, query_budget: Any) -> None:
    _orders(2)
    _officer(client)
    with pytest.raises(QueryBudgetExceededError, match=r"queries, budget 1\n(.|\n)*all statements:"):
        query_budget(client, reverse("homecare:order_list"), budget=1)


def test_a_count_that_grows_with_the_rows_is_caught_as_n_plus_one() -> None:
    """A fake "client" that runs one query per order: the second request, after adding rows, costs more."""
    from eldercare.homecare.models import ServiceOrder

    class Response:
        status_code = 200

    class PerRowClient:
        def get(self, url: str, **extra: Any) -> Response:
            for order in ServiceOrder.objects.all():
                ServiceOrder.objects.filter(pk=order.pk).exists()
            return Response()

    _orders(1)
    with pytest.raises(QueryBudgetExceededError, match="repeated statements"):
        assert_constant_queries(PerRowClient(), "/any", grow=lambda: _orders(3))
