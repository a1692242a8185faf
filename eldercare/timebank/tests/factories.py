"""Factories of the time bank's tests: volunteers with valid resident IDs, funded accounts, requests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from eldercare.core.ids import make_resident_id
from eldercare.core.models import Division
from eldercare.core.tests.factories import DISTRICT, ElderFactory, first_child
from eldercare.registry.models import Elder
from eldercare.timebank import services
from eldercare.timebank.models import Account, ServiceRequest, Volunteer

_n = itertools.count(1)


def home_community() -> Division:
    return first_child(first_child(DISTRICT).code)


def make_volunteer(
    *, birth_date: date = date(1990, 5, 1), division: Division | None = None, user: Any = None, **fields: Any
) -> Volunteer:
    division = division or home_community()
    n = next(_n)
    number = make_resident_id(division.code[:6], birth_date, (n * 2 + 1) % 1000)
    return services.volunteer_register(
        name=fields.pop("name", f"志愿者{n}"),
        id_number=number,
        division=division,
        actor=None,
        user=user,
        **fields,
    )


def fund(volunteer: Volunteer, minutes: int) -> Account:
    """Give a volunteer units the way the city does: a deposit for approved service."""
    services.deposit(volunteer=volunteer, minutes=minutes, actor=None, memo="test funding")
    account = services.volunteer_account(volunteer)
    account.refresh_from_db()
    return account


def make_elder(**fields: Any) -> Elder:
    fields.setdefault("residence_division", home_community())
    return ElderFactory(**fields)


def make_request(
    *, elder: Elder | None = None, payer: Account | None = None, minutes: int = 60
) -> ServiceRequest:
    return services.request_post(
        elder=elder or make_elder(),
        service_type="companionship",
        scheduled_at=timezone.now() + timedelta(days=1),
        planned_minutes=minutes,
        actor=None,
        payer_account=payer,
    )


# --- samples for the permission-matrix test (accounts/tests/test_permission_matrix.py) ------------------

POST_PAGES = frozenset(
    {
        "timebank:relative_add",
        "timebank:proxy_add",
        "timebank:team_create",
        "timebank:request_action",
        "timebank:reverse",
        "timebank:my_action",
        "timebank:my_transfer",
        "timebank:my_donate",
        "timebank:portal_confirm",
    }
)
SAMPLE_CARD = "TBMATRIXSAMPLE"


def sample_volunteer() -> Volunteer:
    """One volunteer with a funded account and a request, in the matrix accounts' home community."""
    found = Volunteer.objects.filter(card_number=SAMPLE_CARD).first()
    if found is not None:
        return found
    volunteer = make_volunteer()
    volunteer.card_number = SAMPLE_CARD
    volunteer.save()
    fund(volunteer, 60)
    return volunteer


def own_volunteer(user: Any) -> Volunteer:
    existing = Volunteer.objects.filter(user=user).first()
    return existing or make_volunteer(user=user)


def matrix_page_sample(url_name: str, user: Any) -> tuple[str, dict[str, Any]]:
    """(method, URL kwargs) for a time-bank page, with the data the page needs for this user."""
    from eldercare.accounts.roles import Role
    from eldercare.timebank.models import Transaction

    volunteer = sample_volunteer()
    request = ServiceRequest.objects.order_by("id").first() or make_request()
    if user is not None and user.role == Role.VOLUNTEER:
        own_volunteer(user)
    if user is not None and user.role in (Role.ELDER, Role.FAMILY):
        services.proxy_link_confirm(elder=request.elder, user=user, kind="family", actor=None)
    kwargs: dict[str, Any] = {}
    if url_name in {"timebank:volunteer_detail", "timebank:volunteer_card", "timebank:relative_add"}:
        kwargs["volunteer_id"] = volunteer.pk
    elif url_name == "timebank:account_detail":
        kwargs["account_id"] = services.volunteer_account(volunteer).pk
    elif url_name in {"timebank:request_detail", "timebank:request_action", "timebank:portal_confirm"}:
        kwargs["request_id"] = request.pk
    elif url_name == "timebank:reverse":
        kwargs["transaction_id"] = Transaction.objects.order_by("id").values_list("id", flat=True)[0]
    return ("post" if url_name in POST_PAGES else "get"), kwargs


def matrix_api_request(operation: str, user: Any) -> int:
    """A request id for a time-bank API sample, in the state the operation needs for a volunteer."""
    from eldercare.accounts.roles import Role

    request = make_request()
    if user is None or user.role != Role.VOLUNTEER:
        return request.pk
    volunteer = own_volunteer(user)
    if operation in {"timebank_request_check_in", "timebank_request_check_out"}:
        services.request_take(request=request, volunteer=volunteer, actor=None)
    if operation == "timebank_request_check_out":
        services.request_check_in(request=request, volunteer=volunteer, actor=None)
    return request.pk
