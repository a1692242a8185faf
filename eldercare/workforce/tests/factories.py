"""Factories of the workforce tests: workers with valid resident IDs, employers, listings."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from eldercare.core.ids import make_resident_id
from eldercare.core.models import Organisation, OrganisationKind
from eldercare.core.tests.factories import DISTRICT, OrganisationFactory, first_child
from eldercare.workforce import services
from eldercare.workforce.choices import StaffCategory
from eldercare.workforce.models import PunishmentListing, Worker

_n = itertools.count(1)


def new_id_number(*, birth_date: date = date(1980, 3, 1)) -> str:
    n = next(_n)
    return make_resident_id(DISTRICT, birth_date, (n * 2 + 1) % 1000)


def make_worker(*, category: str = StaffCategory.NURSING_WORKER, **fields: Any) -> Worker:
    return services.worker_register(
        name=fields.pop("name", f"护理员{next(_n)}"),
        id_number=fields.pop("id_number", None) or new_id_number(),
        category=category,
        division=fields.pop("division", None) or first_child(DISTRICT),
        actor=None,
        **fields,
    )


def make_employer(kind: str = OrganisationKind.INSTITUTION, **fields: Any) -> Organisation:
    return OrganisationFactory(kind=kind, **fields)


def make_listing(
    worker: Worker, *, starts_on: date = date(2024, 1, 1), ends_on: date | None = None
) -> PunishmentListing:
    return services.listing_create(
        worker=worker,
        legal_basis="《养老机构管理办法》第四十六条",
        reason="虐待老年人",
        starts_on=starts_on,
        ends_on=ends_on,
        division=worker.division,
        actor=None,
    )
