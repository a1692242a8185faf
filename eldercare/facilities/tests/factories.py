"""Factories of the facilities tests: facilities with beds, residents, policies and matrix samples."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from eldercare.core.models import Organisation
from eldercare.core.tests.factories import DISTRICT, ElderFactory, OrganisationFactory, first_child
from eldercare.facilities import services
from eldercare.facilities.choices import FacilityStatus
from eldercare.facilities.models import Bed, Facility, Residency
from eldercare.registry.models import Elder

_n = itertools.count(1)
DAY = date(2025, 3, 3)


def load_policies(code: str = "jiangmen") -> None:
    """Seed only this module's policies of the city profile (the whole profile would also switch on
    two-factor sign-in for the test accounts)."""
    from eldercare.core.models import CityProfile, PolicyVersion
    from eldercare.core.services import policy_set, read_profile_file

    data = read_profile_file(code)
    profile, _ = CityProfile.objects.get_or_create(
        code=code, defaults={"name": data["profile"]["name"], "division_id": data["profile"]["division"]}
    )
    for key, entry in data["policies"].items():
        if (
            key.startswith("facilities.")
            and not PolicyVersion.objects.filter(profile=profile, key=key).exists()
        ):
            policy_set(
                profile=profile,
                key=key,
                value=entry["value"],
                valid_from=entry["valid_from"],
                actor=None,
                reason=entry.get("reason", "seeded"),
                source=entry.get("source", ""),
            )


def home_community() -> Any:
    return first_child(first_child(DISTRICT).code)


def make_facility(
    *,
    operator: Organisation | None = None,
    division: Any = None,
    kind: str = "institution",
    ownership: str = "public",
    beds: dict[str, int] | None = None,
    rooms_of: int = 2,
    listed: bool = True,
    opened_on: date = date(2020, 1, 1),
    in_service_from: date = date(2020, 1, 1),
) -> Facility:
    """An operating facility with beds per type, `rooms_of` beds to a room."""
    n = next(_n)
    facility = Facility.objects.create(
        name=f"测试养老院{n}",
        kind=kind,
        ownership=ownership,
        operator=operator or OrganisationFactory(),
        division=division or home_community(),
        status=FacilityStatus.OPERATING,
        opened_on=opened_on,
        publicly_listed=listed,
        lon=113.08,
        lat=22.6,
        price_min_fen=200000,
        price_max_fen=500000,
        contact_phone="0750-1234567",
    )
    specs = []
    room = 100
    for bed_type, count in (beds or {}).items():
        for i in range(count):
            if i % rooms_of == 0:
                room += 1
            specs.append(services.BedSpec(room=str(room), number=str(i % rooms_of + 1), bed_type=bed_type))
    if specs:
        services.beds_add(facility=facility, beds=specs, actor=None, in_service_from=in_service_from)
    return facility


def admit(bed: Bed, elder: Elder | None = None, *, at: datetime | None = None) -> Residency:
    return services.resident_admit(bed=bed, elder=elder or ElderFactory(), actor=None, started_at=at)


def matrix_page_sample(url_name: str, user: Any, elder: Elder) -> tuple[str, dict[str, Any]]:
    """Method and URL arguments for the permission-matrix test's page requests (inside the user's scope)."""
    from eldercare.assessment.tests.factories import quick_published
    from eldercare.facilities.models import Filing, Rating

    load_policies()
    operator = getattr(user, "organisation", None) if user is not None else None
    facility = make_facility(operator=operator, beds={"nursing": 1, "ordinary": 1})
    bed = facility.beds.order_by("id").first()
    post = {
        "facilities:facility_listing",
        "facilities:filing_create",
        "facilities:filing_decide",
        "facilities:licence_add",
        "facilities:bed_add",
        "facilities:bed_state",
        "facilities:resident_admit",
        "facilities:resident_discharge",
        "facilities:report_submit",
        "facilities:incident_add",
        "facilities:rating_publish",
        "facilities:application_withdraw",
        "facilities:offer_respond",
    }
    kwargs: dict[str, Any] = {}
    by_facility = {
        "facilities:facility_detail",
        "facilities:facility_listing",
        "facilities:filing_create",
        "facilities:licence_add",
        "facilities:bed_list",
        "facilities:bed_add",
        "facilities:report_submit",
        "facilities:incident_add",
        "facilities:rating_self",
    }
    if url_name in by_facility:
        kwargs["facility_id"] = facility.pk
    elif url_name in {"facilities:bed_state", "facilities:resident_admit"}:
        kwargs["bed_id"] = bed.pk
    elif url_name in {"facilities:resident_discharge", "facilities:risk_assessment_add"}:
        kwargs["residency_id"] = admit(facility.beds.order_by("id").last()).pk
    elif url_name == "facilities:filing_decide":
        kwargs["filing_id"] = Filing.objects.create(facility=facility, kind="initial", status="submitted").pk
    elif url_name in {"facilities:rating_review", "facilities:rating_publish"}:
        sheet = services.rating_sheets_load()
        kwargs["rating_id"] = Rating.objects.create(facility=facility, sheet=sheet, status="submitted").pk
    elif url_name == "facilities:application_create":
        kwargs["elder_id"] = elder.pk
    elif url_name in {
        "facilities:application_detail",
        "facilities:application_withdraw",
        "facilities:offer_respond",
    }:
        from eldercare.assessment.models import Assessment

        if not Assessment.objects.filter(elder=elder).exists():
            quick_published(elder)
        # the ordinary bed is taken and a free nursing bed waits: the application is offered it at once
        admit(facility.beds.order_by("id").last())
        app = services.application_create(facility=facility, elder=elder, wanted_bed="nursing", actor=None)
        if url_name == "facilities:offer_respond":
            kwargs["offer_id"] = app.offers.get().pk
        else:
            kwargs["application_id"] = app.pk
    method = "post" if url_name in post else "get"
    return method, kwargs


def waiting_at(minutes: int) -> datetime:
    return datetime(2025, 3, 1, 9, 0, tzinfo=timezone.get_current_timezone()) + timedelta(minutes=minutes)


def api_sample_ids(client: Any, elder: Elder) -> dict[str, Any]:
    """Ids for the permission-matrix API samples, inside the signed-in user's scope."""
    from eldercare.assessment.models import Assessment
    from eldercare.assessment.tests.factories import quick_published

    user = None
    if "_auth_user_id" in client.session:
        from eldercare.accounts.models import User

        user = User.objects.filter(pk=client.session["_auth_user_id"]).first()
    load_policies()
    facility = make_facility(operator=getattr(user, "organisation", None), beds={"nursing": 2, "ordinary": 1})
    residency = admit(facility.beds.order_by("id").last())
    if not Assessment.objects.filter(elder=elder).exists():
        quick_published(elder)
    app = services.application_create(facility=facility, elder=elder, wanted_bed="ordinary", actor=None)
    return {
        "facility": facility.pk,
        "bed": facility.beds.order_by("id").first().pk,
        "residency": residency.pk,
        "application": app.pk,
    }
