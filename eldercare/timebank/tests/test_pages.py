"""Pages and API: scope (404 outside), a volunteer sees only their own, query budgets, card, export."""

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from eldercare.accounts.roles import Role
from eldercare.core.models import AuditEntry, Division
from eldercare.core.tests.factories import DISTRICT, OTHER_DISTRICT, UserFactory, first_child
from eldercare.timebank import services
from eldercare.timebank.choices import RequestStatus
from eldercare.timebank.models import ServiceRequest, Transaction
from eldercare.timebank.tests.factories import fund, make_elder, make_request, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker() -> object:
    community = first_child(first_child(DISTRICT).code)
    return UserFactory(role=Role.COMMUNITY_WORKER, division=community)


def other_community() -> Division:
    return first_child(first_child(OTHER_DISTRICT).code)


def test_out_of_scope_volunteers_accounts_and_requests_are_404(client: Client, worker: object) -> None:
    # given records in another district
    outsider = make_volunteer(division=other_community())
    account = fund(outsider, 60)
    request = make_request(elder=make_elder(residence_division=other_community()))
    client.force_login(worker)
    # then the worker of this community cannot tell they exist
    for url in (
        f"/timebank/volunteers/{outsider.pk}/",
        f"/timebank/volunteers/{outsider.pk}/card/",
        f"/timebank/accounts/{account.pk}/",
        f"/timebank/requests/{request.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/timebank/requests/{request.pk}/action/", {"action": "cancel"}).status_code == 404


def test_a_volunteer_sees_only_their_own_account(client: Client) -> None:
    # given two volunteers with balances
    user = UserFactory(role=Role.VOLUNTEER, division=None)
    me = make_volunteer(user=user)
    fund(me, 90)
    other = make_volunteer()
    fund(other, 600)
    client.force_login(user)
    # when the volunteer opens their pages and the API
    page = client.get("/timebank/me/")
    api = client.get("/api/v1/timebank/me").json()
    # then only their own account shows, and staff pages are closed to them
    assert page.context["account"].volunteer_id == me.pk
    assert api["balance_minutes"] == 90 and api["volunteer_id"] == me.pk
    assert client.get(f"/timebank/accounts/{services.volunteer_account(other).pk}/").status_code == 403
    statement = client.get("/api/v1/timebank/me/statement").json()
    assert [row["amount_minutes"] for row in statement["items"]] == [90]


def test_the_volunteer_app_flow_through_the_api(client: Client, worker: object) -> None:
    # given an open request in the volunteer's street
    user = UserFactory(role=Role.VOLUNTEER, division=None)
    me = make_volunteer(user=user)
    request = make_request()
    client.force_login(user)
    listed = client.get("/api/v1/timebank/requests").json()
    assert [r["id"] for r in listed] == [request.pk] and listed[0]["elder_name"].count("*") >= 1
    # when the volunteer takes it, checks in and out
    assert client.post(f"/api/v1/timebank/requests/{request.pk}/take").json()["status"] == "taken"
    check_in = client.post(f"/api/v1/timebank/requests/{request.pk}/check-in?lon=113.08&lat=22.58")
    assert check_in.status_code == 200
    ServiceRequest.objects.filter(pk=request.pk).update(checked_in_at=timezone.now() - timedelta(minutes=75))
    assert client.post(f"/api/v1/timebank/requests/{request.pk}/check-out").json()["served_minutes"] == 75
    # and the worker confirms for the elder and approves
    client.force_login(worker)
    client.post(f"/timebank/requests/{request.pk}/action/", {"action": "confirm"})
    client.post(f"/timebank/requests/{request.pk}/action/", {"action": "approve"})
    # then the hours are deposited, the confirmation is recorded as a proxy action
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.confirmed_as_proxy
    assert services.volunteer_account(me).balance_minutes == 75


def test_a_refusal_comes_back_as_a_code(client: Client) -> None:
    user = UserFactory(role=Role.VOLUNTEER, division=None)
    me = make_volunteer(user=user)
    request = make_request()
    client.force_login(user)
    response = client.post(f"/api/v1/timebank/requests/{request.pk}/check-in")
    assert response.status_code == 404  # not theirs yet
    services.request_take(request=request, volunteer=me, actor=None)
    response = client.post(f"/api/v1/timebank/requests/{request.pk}/check-out")
    assert response.status_code == 409 and response.json()["code"] == "timebank_request_state"


def test_family_confirms_as_a_proxy_through_the_portal(client: Client) -> None:
    elder = make_elder(birth_date=date(1940, 1, 1))
    family = UserFactory(role=Role.FAMILY, division=None)
    services.proxy_link_confirm(elder=elder, user=family, kind="family", actor=None)
    helper = make_volunteer()
    request = make_request(elder=elder)
    services.request_take(request=request, volunteer=helper, actor=None)
    services.request_check_in(request=request, volunteer=helper, actor=None)
    services.request_check_out(request=request, volunteer=helper, actor=None)
    client.force_login(family)
    assert client.get("/timebank/portal/").context["rows"][0]["elder"] == elder
    client.post(f"/timebank/portal/requests/{request.pk}/confirm/")
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED and request.confirmed_as_proxy
    confirmed = AuditEntry.objects.filter(action="timebank.request_confirmed", changes__proxy_for=elder.pk)
    assert confirmed.exists()
    # a stranger's request stays invisible
    other = make_request()
    assert client.post(f"/timebank/portal/requests/{other.pk}/confirm/").status_code == 404


def test_the_card_page_has_a_qr_code(client: Client, worker: object) -> None:
    volunteer = make_volunteer()
    client.force_login(worker)
    response = client.get(f"/timebank/volunteers/{volunteer.pk}/card/")
    assert response.status_code == 200
    assert b"<svg" in response.content and volunteer.card_number.encode() in response.content


def test_registration_verifies_the_resident_id(client: Client, worker: object) -> None:
    client.force_login(worker)
    community = first_child(first_child(DISTRICT).code)
    response = client.post(
        "/timebank/volunteers/new/",
        {"name": "李四", "id_number": "440703199001011234", "division": community.code},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    from eldercare.core.ids import make_resident_id

    response = client.post(
        "/timebank/volunteers/new/",
        {
            "name": "李四",
            "id_number": make_resident_id("440703", date(1990, 1, 1), 123),
            "division": community.code,
            "skills": ["chat", "digital"],
            "availability": "sat:am, sun:pm",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="timebank.volunteer_registered").exists()


def test_list_pages_have_a_query_budget(
    client: Client, worker: object, django_assert_max_num_queries: object
) -> None:
    for _ in range(15):
        v = make_volunteer()
        fund(v, 60)
        make_request()
    client.force_login(worker)
    for url in ("/timebank/volunteers/", "/timebank/requests/", "/timebank/", "/timebank/recognition/"):
        with django_assert_max_num_queries(16):  # type: ignore[operator]
            assert client.get(url).status_code == 200
    account_id = services.volunteer_account(v).pk
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get(f"/timebank/accounts/{account_id}/").status_code == 200


def test_the_auditors_export_re_adds_to_the_balances(client: Client) -> None:
    v = make_volunteer()
    fund(v, 120)
    services.donate(account=services.volunteer_account(v), minutes=30, actor=None)
    client.force_login(UserFactory(role=Role.INSPECTOR))
    response = client.get("/timebank/ledger/export.xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    balances = {row[0]: row[4] for row in book["accounts"].iter_rows(min_row=2, values_only=True)}
    sums: dict[int, int] = {}
    for _pid, _tid, account_id, amount in book["postings"].iter_rows(min_row=2, values_only=True):
        sums[account_id] = sums.get(account_id, 0) + amount
    assert balances == sums
    assert dict(book["invariant"].iter_rows(min_row=2, values_only=True))["ok"] is True
    assert AuditEntry.objects.filter(action="timebank.exported").exists()


def test_the_public_page_shows_totals_only(client: Client) -> None:
    v = make_volunteer(name="王大明")
    fund(v, 60)
    response = client.get("/timebank/public/")
    assert response.status_code == 200
    assert "王大明".encode() not in response.content and v.id_number_masked.encode() not in response.content
    assert response.context["totals"].volunteers == 1


def test_the_city_admin_reverses_a_transaction(client: Client) -> None:
    v = make_volunteer()
    fund(v, 60)
    txn = Transaction.objects.get()
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    client.post(f"/timebank/ledger/{txn.pk}/reverse/", {"reason": "entered twice"})
    assert services.volunteer_account(v).balance_minutes == 0
    assert client.get("/timebank/ledger/check/").context["report"].ok


def test_services_show_on_the_elders_timeline(worker: object) -> None:
    from eldercare.accounts.principal import principal_for_user
    from eldercare.registry.timeline import elder_timeline

    request = make_request()
    entries = elder_timeline(elder=request.elder, principal=principal_for_user(worker))
    assert [e.source for e in entries] == ["timebank"]
