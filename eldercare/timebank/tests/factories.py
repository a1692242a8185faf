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
