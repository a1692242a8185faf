"""Beds and residents: one open stay per bed and per elder (database constraints), admissions,
discharges, monthly reports, and the roll-up of bed counts from room to city."""

from datetime import date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.core.exceptions import ConflictError
from eldercare.core.tests.factories import ElderFactory, first_child
from eldercare.facilities import selectors, services
from eldercare.facilities.models import Bed, Residency
from eldercare.facilities.tests.factories import admit, make_facility
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_open_stay_in_one_bed() -> None:
    # given a bed with a resident
    facility = make_facility(beds={"nursing": 1})
    bed = facility.beds.get()
    admit(bed)
    # when a second open stay is written straight to the table (bypassing the service)
    # then the partial unique constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        Residency.objects.create(facility=facility, bed=bed, elder=ElderFactory(), started_at=timezone.now())


def test_the_database_refuses_a_second_open_stay_for_one_elder() -> None:
    facility = make_facility(beds={"nursing": 2})
    one, two = facility.beds.order_by("id")
    elder = ElderFactory()
    admit(one, elder)
    with pytest.raises(IntegrityError), transaction.atomic():
        Residency.objects.create(facility=facility, bed=two, elder=elder, started_at=timezone.now())


def test_closed_stays_do_not_count_against_the_constraints() -> None:
    # given a stay that ended
    facility = make_facility(beds={"nursing": 1})
    bed = facility.beds.get()
    stay = admit(bed)
    services.resident_discharge(residency=stay, reason="home", actor=None)
    # when the same elder comes back to the same bed
    again = admit(Bed.objects.get(pk=bed.pk), Elder.objects.get(pk=stay.elder_id))
    # then it is allowed and the bed is occupied again
    assert again.pk != stay.pk
    assert Bed.objects.get(pk=bed.pk).state == "occupied"


def test_the_service_answers_a_taken_bed_or_a_resident_elsewhere_with_a_conflict() -> None:
    facility = make_facility(beds={"nursing": 2})
    one, two = facility.beds.order_by("id")
    elder = ElderFactory()
    admit(one, elder)
    with pytest.raises(ConflictError) as taken:
        admit(Bed.objects.get(pk=one.pk))
    assert taken.value.code == "bed_not_free"
    with pytest.raises(ConflictError) as elsewhere:
        admit(two, elder)
    assert elsewhere.value.code == "elder_already_resident"


def test_admission_marks_the_elder_in_institution_and_calls_the_admission_hooks() -> None:
    from eldercare.facilities import admission_hooks

    seen: list[admission_hooks.AdmissionInfo] = []

    @admission_hooks.admission_listener
    def record(info: admission_hooks.AdmissionInfo) -> None:
        seen.append(info)

    try:
        facility = make_facility(beds={"dementia": 1})
        stay = admit(facility.beds.get())
        services.resident_discharge(residency=stay, reason="death", actor=None)
    finally:
        admission_hooks.unregister_listener(record)
    assert [i.event for i in seen] == ["admitted", "discharged"]
    assert seen[0].bed_type == "dementia" and seen[1].reason == "death"
    assert Elder.objects.get(pk=stay.elder_id).status == "deceased"


def test_beds_roll_up_from_room_to_institution_to_district_to_city() -> None:
    # given institutions in two districts of Jiangmen, a community centre, and a closed home
    pengjiang = first_child(first_child("440703").code)
    xinhui = first_child(first_child("440705").code)
    a = make_facility(division=pengjiang, beds={"nursing": 6, "dementia": 2, "ordinary": 4})
    b = make_facility(division=pengjiang, kind="tekun_facility", beds={"nursing": 3, "ordinary": 3})
    c = make_facility(division=xinhui, kind="rural_welfare_home", beds={"nursing": 1, "ordinary": 5})
    make_facility(division=xinhui, kind="day_care", beds={"ordinary": 7})  # not an institution
    closed = make_facility(division=xinhui, beds={"nursing": 9})
    closed.closed_on = date(2024, 1, 1)
    closed.save()
    admit(a.beds.filter(bed_type="nursing").first())
    today = timezone.localdate()
    # when the counts are read at each level
    rooms = selectors.bed_counts_by_room(a.pk, today)
    by_facility = selectors.bed_counts_by_facility("4407", today)
    districts = {d.code: c for d, c in selectors.bed_counts_by_child_division("4407", today)}
    city = selectors.bed_counts("4407", today)
    # then each level is the sum of the one below
    assert sum(rooms.values(), selectors.BedCounts()) == by_facility[a.pk]
    assert (
        by_facility[a.pk] + by_facility[b.pk] == districts["440703"] == selectors.bed_counts("440703", today)
    )
    assert by_facility[c.pk] == districts["440705"]
    assert sum(districts.values(), selectors.BedCounts()) == city
    assert (city.total, city.nursing, city.dementia, city.ordinary, city.occupied) == (24, 10, 2, 12, 1)
    # and the nursing share follows the indicator definition (nursing / institution beds)
    assert city.nursing_share == pytest.approx(10 / 24)


def test_counts_on_a_past_date_use_the_beds_and_stays_of_that_date() -> None:
    facility = make_facility(beds={"nursing": 2}, in_service_from=date(2024, 1, 1))
    services.beds_add(
        facility=facility,
        beds=[services.BedSpec(room="900", number="1", bed_type="ordinary")],
        actor=None,
        in_service_from=date(2024, 6, 1),
    )
    tz = timezone.get_current_timezone()
    stay = admit(facility.beds.first(), at=datetime(2024, 2, 1, 10, tzinfo=tz))
    services.resident_discharge(
        residency=stay, reason="home", actor=None, ended_at=datetime(2024, 3, 1, 10, tzinfo=tz)
    )
    code = facility.division_id
    assert selectors.bed_counts(code, date(2024, 2, 15)).total == 2
    assert selectors.bed_counts(code, date(2024, 2, 15)).occupied == 1
    assert selectors.bed_counts(code, date(2024, 3, 1)).occupied == 0
    assert selectors.bed_counts(code, date(2024, 7, 1)).total == 3
    series = selectors.occupancy_series(
        facility_id=facility.pk, start=date(2024, 1, 31), end=date(2024, 2, 2)
    )
    assert [o for _d, o, _b in series] == [0, 1, 1]


def test_the_monthly_report_holds_the_months_figures() -> None:
    facility = make_facility(beds={"nursing": 3, "ordinary": 1})
    admit(facility.beds.first())
    month = timezone.localdate().replace(day=1)
    report = services.monthly_report_submit(facility=facility, month=month, actor=None)
    assert report.figures["beds"]["total"] == 4
    assert report.figures["beds"]["occupied"] == 1
    assert report.figures["admissions"] == 1
    again = services.monthly_report_submit(facility=facility, month=month + timedelta(days=3), actor=None)
    assert again.pk == report.pk
