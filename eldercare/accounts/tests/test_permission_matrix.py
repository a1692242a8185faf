"""The permission matrix, enumerated: every page and API operation × every role.

Anonymous → sign-in (pages) or 401 (API); a role without the capability → 403; a role with it → the
page. Out-of-scope objects are covered by the scope tests: they answer 404.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from eldercare.accounts.models import User
from eldercare.accounts.permissions import API_OPERATIONS, CAPABILITIES, PAGES, PUBLIC_PAGES
from eldercare.accounts.roles import Role
from eldercare.api import api
from eldercare.core.tests.factories import ElderFactory, first_child
from eldercare.registry.models import Elder
from eldercare.timebank.tests.factories import API_METHODS, matrix_api_request, matrix_page_sample

pytestmark = pytest.mark.django_db


def named_urls(resolver: Any = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def api_operation_names() -> set[str]:
    return {
        operation.view_func.__name__
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }


def test_every_page_is_in_the_matrix_or_declared_public() -> None:
    pages = {n for n in named_urls() if not n.startswith("api-1.0.0:") or n in PUBLIC_PAGES}
    assert pages - set(PAGES) - PUBLIC_PAGES == set()
    assert set(PAGES) - pages == set(), "the matrix names pages that do not exist"


def test_every_api_operation_is_in_the_matrix() -> None:
    assert api_operation_names() == set(API_OPERATIONS)


def test_every_capability_used_is_defined() -> None:
    assert set(PAGES.values()) | set(API_OPERATIONS.values()) <= set(CAPABILITIES)


# Sample arguments and method per page; everything points inside the accounts' own area.
def page_request(url_name: str, user: User | None) -> tuple[str, str]:
    kwargs: dict[str, Any] = {}
    if url_name == "core:division_geojson":
        kwargs["code"] = "4407"
    elif url_name == "core:division_detail":
        kwargs["code"] = user.division_id if user is not None and user.division_id else "4407"
    elif url_name in {"core:policy_detail", "core:policy_edit"}:
        kwargs["key"] = "plan.indicators"
    elif url_name in {"registry:elder_detail", "registry:elder_reveal"}:
        kwargs["elder_id"] = Elder.objects.order_by("id").values_list("id", flat=True)[0]
    method = "post" if url_name == "registry:elder_reveal" else "get"
    if url_name.startswith("timebank:"):
        method, kwargs = matrix_page_sample(url_name, user)
    return method, reverse(url_name, kwargs=kwargs)


@pytest.fixture
def elder_in_home_community() -> Elder:
    street = first_child("440703")
    return ElderFactory(residence_division=first_child(street.code))


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_anonymous_callers_are_sent_to_sign_in(
    url_name: str, client: Client, elder_in_home_community: Elder
) -> None:
    method, url = page_request(url_name, None)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_each_role_gets_exactly_the_pages_the_matrix_gives_it(
    url_name: str, role: str, client: Client, make_user: Callable[[str], User], elder_in_home_community: Elder
) -> None:
    # given a signed-in account of the role
    user = make_user(role)
    client.force_login(user)
    # when it opens the page
    method, url = page_request(url_name, user)
    response = getattr(client, method)(url)
    # then it is allowed exactly when its role holds the page's capability
    if role in CAPABILITIES[PAGES[url_name]]:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 403


API_SAMPLES = {
    "me": "/api/v1/me",
    "division_detail": "/api/v1/divisions/{division}",
    "division_children_list": "/api/v1/divisions/{division}/children",
    "audit_list": "/api/v1/audit",
    "policy_list": "/api/v1/policies",
    "elder_list": "/api/v1/elders",
    "elder_detail": "/api/v1/elders/{elder}",
    "timebank_me": "/api/v1/timebank/me",
    "timebank_statement": "/api/v1/timebank/me/statement",
    "timebank_request_list": "/api/v1/timebank/requests",
    "timebank_request_take": "/api/v1/timebank/requests/{request}/take",
    "timebank_request_check_in": "/api/v1/timebank/requests/{request}/check-in",
    "timebank_request_check_out": "/api/v1/timebank/requests/{request}/check-out",
}


def test_the_api_samples_cover_every_operation() -> None:
    assert set(API_SAMPLES) == set(API_OPERATIONS)


@pytest.mark.parametrize("operation", sorted(API_SAMPLES))
def test_the_api_refuses_anonymous_callers_with_401(
    operation: str, client: Client, elder_in_home_community: Elder
) -> None:
    url = API_SAMPLES[operation].format(
        division="4407", elder=elder_in_home_community.pk, request=matrix_api_request(operation, None)
    )
    response = getattr(client, API_METHODS.get(operation, "get"))(url)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("operation", sorted(API_SAMPLES))
def test_each_role_gets_exactly_the_api_operations_the_matrix_gives_it(
    operation: str,
    role: str,
    client: Client,
    make_user: Callable[[str], User],
    elder_in_home_community: Elder,
) -> None:
    user = make_user(role)
    client.force_login(user)
    url = API_SAMPLES[operation].format(
        division=user.division_id or "4407",
        elder=elder_in_home_community.pk,
        request=matrix_api_request(operation, user),
    )
    response = getattr(client, API_METHODS.get(operation, "get"))(url)
    if role in CAPABILITIES[API_OPERATIONS[operation]]:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 403
        assert response.json() == {
            "code": "forbidden",
            "message": "Your role may not use this operation.",
            "details": None,
        }
