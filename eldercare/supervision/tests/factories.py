"""Factories of the supervision tests: inspectors, supervised organisations, campaigns, inspections."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.models import Division, Organisation, OrganisationKind
from eldercare.core.tests.factories import DISTRICT, OrganisationFactory, UserFactory, division, first_child
from eldercare.supervision import services
from eldercare.supervision.models import Campaign, Inspection

_n = itertools.count(1)


def make_inspector(*, division_code: str = DISTRICT, **fields: Any) -> User:
    return UserFactory(
        username=f"inspector{next(_n)}", role=Role.INSPECTOR, division=division(division_code), **fields
    )


def make_target(kind: str = OrganisationKind.INSTITUTION, **fields: Any) -> Organisation:
    fields.setdefault("division", first_child(DISTRICT))
    return OrganisationFactory(kind=kind, **fields)


def make_campaign(
    *, division_code: str = DISTRICT, target_count: int = 3, per_target: int = 2, **fields: Any
) -> Campaign:
    return services.campaign_create(
        title=fields.pop("title", "2025 年双随机抽查"),
        division=division(division_code),
        target_kinds=fields.pop("target_kinds", [OrganisationKind.INSTITUTION, OrganisationKind.PROVIDER]),
        target_count=target_count,
        inspectors_per_target=per_target,
        checklist_code=fields.pop("checklist_code", "gb38600"),
        inspect_by=fields.pop("inspect_by", date(2025, 6, 30)),
        actor=None,
    )


def make_inspection(
    *,
    organisation: Organisation | None = None,
    inspector: User | None = None,
    checklist_code: str = "gb38600",
) -> Inspection:
    return services.inspection_create(
        organisation=organisation or make_target(),
        checklist_code=checklist_code,
        inspectors=[inspector or make_inspector()],
        scheduled_on=date(2025, 5, 1),
        actor=None,
    )


def all_pass(inspection: Inspection) -> dict[str, str]:
    return {item["code"]: "pass" for item in inspection.checklist.items}


def street_community() -> Division:
    return first_child(first_child(DISTRICT).code)
