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
from eldercare.accounts.permissions import (
    API_OPERATIONS,
    CAPABILITIES,
    DEVICE_OPERATIONS,
    PAGES,
    PUBLIC_API_OPERATIONS,
    PUBLIC_PAGES,
)
from eldercare.accounts.roles import Role
from eldercare.api import api
from eldercare.core.tests.factories import ElderFactory, first_child
from eldercare.homecare.tests.factories import matrix_api_id as homecare_api_id
from eldercare.homecare.tests.factories import matrix_page_sample as homecare_page_sample
from eldercare.registry.models import DuplicateCandidate, Elder, ImportBatch, ReviewItem
from eldercare.registry.tests.factories import HUKOU_HEADER, registry_samples
from eldercare.supervision.tests.matrix import API_SAMPLES as SUPERVISION_API_SAMPLES
from eldercare.supervision.tests.matrix import matrix_api_ids as supervision_api_ids
from eldercare.supervision.tests.matrix import matrix_page_sample as supervision_page_sample
from eldercare.timebank.tests.factories import matrix_api_request
from eldercare.timebank.tests.factories import matrix_page_sample as timebank_page_sample
from eldercare.visits.tests.factories import VISITS_POST_PAGES, visits_page_kwargs, visits_samples

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
    assert api_operation_names() == set(API_OPERATIONS) | DEVICE_OPERATIONS | PUBLIC_API_OPERATIONS


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
    elif url_name in ELDER_PAGES:
        kwargs["elder_id"] = Elder.objects.order_by("id").values_list("id", flat=True)[0]
    elif url_name in {"registry:import_detail", "registry:import_commit", "registry:import_report"}:
        kwargs["batch_id"] = ImportBatch.objects.order_by("id").values_list("id", flat=True)[0]
    elif url_name == "registry:review_resolve":
        kwargs["item_id"] = ReviewItem.objects.order_by("id").values_list("id", flat=True)[0]
    elif url_name in {"registry:duplicate_merge", "registry:duplicate_dismiss"}:
        kwargs["candidate_id"] = DuplicateCandidate.objects.order_by("id").values_list("id", flat=True)[0]
    elif url_name in EMERGENCY_ALARM_PAGES:
        kwargs["alarm_id"] = sample_alarm_id()
    elif url_name.startswith("visits:"):
        kwargs = visits_page_kwargs(url_name, user)
    method = "post" if url_name in POST_PAGES else "get"
    if url_name.startswith("assessment:"):
        from eldercare.assessment.tests.factories import matrix_page_sample

        method, kwargs = matrix_page_sample(url_name, Elder.objects.order_by("id").first())
    if url_name.startswith("timebank:"):
        method, kwargs = timebank_page_sample(url_name, user)
    if url_name.startswith("facilities:"):
        from eldercare.facilities.tests.factories import matrix_page_sample as facilities_sample

        method, kwargs = facilities_sample(url_name, user, Elder.objects.order_by("id").first())
    if url_name.startswith("homecare:"):
        method, kwargs = homecare_page_sample(url_name, user)
    if url_name.startswith(("workforce:", "supervision:")):
        method, kwargs = supervision_page_sample(url_name, user)
    if url_name.startswith("benefits:"):
        from eldercare.benefits.tests.factories import matrix_page_sample as benefits_page_sample

        method, kwargs = benefits_page_sample(url_name, Elder.objects.order_by("id").first())
    if url_name.startswith("planning:"):
        from eldercare.planning.tests.factories import matrix_page_sample as planning_page_sample

        method, kwargs = planning_page_sample(url_name, user)
    if url_name.startswith("portal:"):
        from eldercare.portal.tests.factories import matrix_page_sample as portal_page_sample

        method, kwargs = portal_page_sample(url_name, user, Elder.objects.order_by("id").first())
    if url_name == "core:task_retry":
        kwargs["task_id"] = "00000000-0000-0000-0000-000000000000"
    if url_name.startswith("onboarding:"):
        from eldercare.onboarding.tests.factories import matrix_page_sample as onboarding_page_sample

        method, kwargs = onboarding_page_sample(url_name)
    if url_name.startswith("spatial:"):
        from eldercare.spatial.tests.factories import matrix_page_sample as spatial_page_sample

        method, kwargs = spatial_page_sample(url_name, user)
    return method, reverse(url_name, kwargs=kwargs)


ELDER_PAGES = {
    "registry:elder_detail",
    "registry:elder_reveal",
    "registry:elder_edit",
    "registry:contact_add",
    "registry:consent_add",
    "registry:groups_edit",
    "registry:life_event_add",
}
POST_PAGES = {
    "registry:elder_reveal",
    "registry:contact_add",
    "registry:consent_add",
    "registry:groups_edit",
    "registry:life_event_add",
    "registry:import_commit",
    "registry:review_resolve",
    "registry:duplicate_merge",
    "registry:duplicate_dismiss",
}
EMERGENCY_ALARM_PAGES = {
    "emergency:alarm_detail",
    "emergency:alarm_take",
    "emergency:alarm_call",
    "emergency:alarm_dispatch",
    "emergency:alarm_close",
    "emergency:alarm_reveal",
}
POST_PAGES |= {
    *(EMERGENCY_ALARM_PAGES - {"emergency:alarm_detail"}),
    "emergency:shift_create",
    "emergency:drill_create",
    "emergency:resource_create",
}
POST_PAGES |= VISITS_POST_PAGES
POST_PAGES |= {"core:task_retry"}


def sample_alarm_id() -> int:
    from eldercare.emergency.models import Alarm
    from eldercare.emergency.tests.factories import make_alarm

    existing = Alarm.objects.order_by("id").values_list("id", flat=True).first()
    return existing or make_alarm(make_device_for_first_elder()).pk


def make_device_for_first_elder() -> object:
    from eldercare.emergency.tests.factories import make_device

    return make_device(Elder.objects.order_by("id").first())


@pytest.fixture
def elder_in_home_community() -> Elder:
    street = first_child("440703")
    elder = ElderFactory(residence_division=first_child(street.code))
    registry_samples(elder)
    return elder


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
    "elder_timeline": "/api/v1/elders/{elder}/timeline",
    "elder_record_export": "/api/v1/elders/{elder}/record-export",
    # a living elder: an allowed role is refused by the rule (409), never 401/403
    "elder_erase": ("post", "/api/v1/elders/{elder}/erase", {}),
    "import_detail": "/api/v1/imports/{batch}",
    # writes: (method, url, body); an allowed role may still be refused by a rule (4xx), never 401/403
    "elder_create": ("post", "/api/v1/elders", {"name": "x", "id_number": "1", "residence_division": "4407"}),
    "elder_update": ("patch", "/api/v1/elders/{elder}", {}),
    "import_upload": ("multipart", "/api/v1/imports", {"source": "hukou"}),
    "import_commit_api": ("post", "/api/v1/imports/{batch}/commit", {}),
    "emergency_alarm_list": "/api/v1/emergency/alarms",
    "emergency_alarm_detail": "/api/v1/emergency/alarms/{alarm}",
    "emergency_alarm_take": ("post", "/api/v1/emergency/alarms/{alarm}/take", {}),
    "emergency_alarm_dispatch": ("post", "/api/v1/emergency/alarms/{alarm}/dispatch", {"target": "family"}),
    "emergency_alarm_close": ("post", "/api/v1/emergency/alarms/{alarm}/close", {"outcome": "phone"}),
    "emergency_device_list": "/api/v1/emergency/devices",
    "assessment_list": "/api/v1/assessments",
    "assessment_detail": "/api/v1/assessments/{assessment}",
    "elder_ability_level": "/api/v1/elders/{elder}/ability-level",
    "assessment_score": ("post", "/api/v1/assessments/score", {"items": {}}),
    "assessment_create": ("post", "/api/v1/assessments", {"elder_id": 0, "assessors": [], "items": {}}),
    "timebank_me": "/api/v1/timebank/me",
    "timebank_statement": "/api/v1/timebank/me/statement",
    "timebank_request_list": "/api/v1/timebank/requests",
    "timebank_request_take": ("post", "/api/v1/timebank/requests/{request}/take", {}),
    "timebank_request_check_in": ("post", "/api/v1/timebank/requests/{request}/check-in", {}),
    "timebank_request_check_out": ("post", "/api/v1/timebank/requests/{request}/check-out", {}),
    "facility_list": "/api/v1/facilities",
    "facility_bed_list": "/api/v1/facilities/{facility}/beds",
    "facility_resident_list": "/api/v1/facilities/{facility}/residents",
    "facility_incident_list": "/api/v1/facilities/{facility}/incidents",
    "facility_bed_statistics": "/api/v1/facilities/statistics/{division}",
    "waitlist_application_position": "/api/v1/waitlist/applications/{application}/position",
    "facility_bed_update": ("patch", "/api/v1/facilities/beds/{bed}", {"state": "out_of_service"}),
    "facility_resident_admit": (
        "post",
        "/api/v1/facilities/{facility}/residents",
        {"bed_id": 0, "id_number": "0" * 18},
    ),
    "facility_resident_discharge": (
        "post",
        "/api/v1/facilities/residents/{residency}/discharge",
        {"reason": "home"},
    ),
    "facility_incident_create": (
        "post",
        "/api/v1/facilities/{facility}/incidents",
        {"kind": "fall", "occurred_at": "2025-01-01T10:00:00+08:00"},
    ),
    "homecare_order_list": "/api/v1/homecare/orders",
    "homecare_order_detail": "/api/v1/homecare/orders/{hc}",
    "homecare_order_create": (
        "post",
        "/api/v1/homecare/orders",
        {"elder_id": 0, "item_id": 0, "scheduled_at": "2030-01-01T09:00:00+08:00"},
    ),
    "homecare_statement": "/api/v1/homecare/providers/{hc}/statement?period=2024-01",
    "homecare_indicators": "/api/v1/homecare/indicators",
    "homecare_worker_orders": "/api/v1/homecare/worker/orders",
    "homecare_worker_depart": ("post", "/api/v1/homecare/worker/orders/{hc}/depart", {}),
    "homecare_worker_check_in": ("post", "/api/v1/homecare/worker/orders/{hc}/check-in", {}),
    "homecare_worker_check_out": ("post", "/api/v1/homecare/worker/orders/{hc}/check-out", {}),
    "homecare_worker_confirm": ("post", "/api/v1/homecare/worker/orders/{hc}/confirm", {"code": "0"}),
    "homecare_portal_orders": "/api/v1/homecare/portal/orders",
    "homecare_portal_confirm": ("post", "/api/v1/homecare/portal/orders/{hc}/confirm", {}),
    **SUPERVISION_API_SAMPLES,
    "visits_my_list": "/api/v1/visits/my",
    "visits_record_detail": "/api/v1/visits/records/{record}",
    "visits_follow_up_list": "/api/v1/visits/follow-ups",
    "visits_task_list": "/api/v1/visits/tasks",
    "visits_rate_get": "/api/v1/visits/rates?division={division}",
    "visits_record_submit": (
        "post",
        "/api/v1/visits/records",
        {
            "client_uuid": "00000000-0000-4000-8000-000000000000",
            "elder_id": 0,
            "method": "phone",
            "outcome": "visited",
            "visited_at": "2026-01-01T10:00:00+08:00",
        },
    ),
    "visits_record_update": ("patch", "/api/v1/visits/records/{record}", {"version": 1}),
    "visits_follow_up_update": ("post", "/api/v1/visits/follow-ups/{follow_up}/update", {"status": "bogus"}),
    "benefit_programme_list": "/api/v1/benefits/programmes",
    "elder_benefits": "/api/v1/elders/{elder}/benefits",
    "benefit_application_list": "/api/v1/benefits/applications",
    "benefit_application_detail": "/api/v1/benefits/applications/{application}",
    "benefit_application_create": (
        "post",
        "/api/v1/benefits/applications",
        {"elder_id": 0, "programme": "x"},
    ),
    "benefit_application_decide": (
        "post",
        "/api/v1/benefits/applications/{application}/decisions",
        {"decision": "x"},
    ),
    "benefit_settlement_list": "/api/v1/benefits/settlements",
    "benefit_settlement_run": ("post", "/api/v1/benefits/settlements/2020-01/run", {}),
    "benefit_settlement_lines": "/api/v1/benefits/settlements/{period}/lines",
    "benefit_funds": "/api/v1/benefits/funds",
    "planning_indicator_values": "/api/v1/planning/values?division={division}",
    "planning_indicator_series": "/api/v1/planning/indicators/PA01/series?division={division}",
    "planning_key_counts": "/api/v1/planning/key-counts?division={division}",
    "planning_report_download": "/api/v1/planning/reports/{report}/download?fmt=xlsx",
    "spatial_coverage_run_create": ("post", "/api/v1/spatial/coverage-runs", {"division": "440703"}),
    "spatial_coverage_run_detail": "/api/v1/spatial/coverage-runs/{coverage_run}",
    "spatial_coverage_areas": "/api/v1/spatial/coverage-runs/{coverage_run}/areas",
    "spatial_siting_run_create": ("post", "/api/v1/spatial/siting-runs", {"division": "440703", "k": 1}),
    "spatial_siting_run_detail": "/api/v1/spatial/siting-runs/{siting_run}",
}


def api_call(client: Client, operation: str, **fmt: object) -> Any:
    sample = API_SAMPLES[operation]
    if "{assessment}" in str(sample):
        from eldercare.assessment.tests.factories import quick_published

        fmt["assessment"] = quick_published(Elder.objects.get(pk=fmt["elder"])).pk
    if operation.startswith(("facility_", "waitlist_")) and any(
        f"{{{key}}}" in str(sample) for key in ("facility", "bed", "residency", "application")
    ):
        from eldercare.facilities.tests.factories import api_sample_ids

        fmt.update(api_sample_ids(client, Elder.objects.get(pk=fmt["elder"])))
    if operation.startswith("benefit_") and ("{application}" in str(sample) or "{period}" in str(sample)):
        from eldercare.benefits.tests.factories import matrix_api_sample

        fmt.update(matrix_api_sample(Elder.objects.get(pk=fmt["elder"])))
    if "{report}" in str(sample):
        from eldercare.planning.tests.factories import sample_report

        fmt["report"] = sample_report().pk
    if "_run}" in str(sample):
        from eldercare.spatial.tests.factories import matrix_api_runs

        fmt.update(matrix_api_runs())
    if isinstance(sample, str):
        return client.get(sample.format(**fmt))
    method, url, body = sample
    url = url.format(**fmt)
    if method == "multipart":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("x.csv", HUKOU_HEADER.encode(), content_type="text/csv")
        return client.post(url, {**body, "file": upload})
    return getattr(client, method)(url, body, content_type="application/json")


def sample_ids(elder: Elder) -> dict[str, object]:
    return {"elder": elder.pk, "batch": ImportBatch.objects.order_by("id").values_list("id", flat=True)[0]}


def test_the_api_samples_cover_every_operation() -> None:
    assert set(API_SAMPLES) == set(API_OPERATIONS)


@pytest.mark.parametrize("operation", sorted(API_SAMPLES))
def test_the_api_refuses_anonymous_callers_with_401(
    operation: str, client: Client, elder_in_home_community: Elder
) -> None:
    response = api_call(
        client,
        operation,
        division="4407",
        alarm=0,
        request=matrix_api_request(operation, None),
        hc=homecare_api_id(operation, None),
        **supervision_api_ids(operation, None),
        record=0,
        follow_up=0,
        **sample_ids(elder_in_home_community),
    )
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
    alarm = sample_alarm_id() if "{alarm}" in str(API_SAMPLES[operation]) else 0
    visits = visits_samples(user) if operation.startswith("visits_") else {"record": 0, "follow_up": 0}
    response = api_call(
        client,
        operation,
        division=user.division_id or "4407",
        alarm=alarm,
        request=matrix_api_request(operation, user),
        hc=homecare_api_id(operation, user),
        **supervision_api_ids(operation, user),
        record=visits["record"],
        follow_up=visits["follow_up"],
        **sample_ids(elder_in_home_community),
    )
    if role in CAPABILITIES[API_OPERATIONS[operation]]:
        if isinstance(API_SAMPLES[operation], str):
            assert response.status_code == 200, response.content
        else:
            assert response.status_code not in (401, 403), response.content
    else:
        assert response.status_code == 403
        assert response.json() == {
            "code": "forbidden",
            "message": "Your role may not use this operation.",
            "details": None,
        }
