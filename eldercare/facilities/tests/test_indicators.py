"""The facility plan indicators on hand-made facilities with known numerators and denominators,
including the boundary dates (bed retired on the month's last day, rating expiring that day)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from eldercare.core.models import Division, DivisionLevel
from eldercare.core.tests.factories import CITY, DISTRICT, OTHER_DISTRICT, OrganisationFactory, first_child
from eldercare.facilities import indicators
from eldercare.facilities.models import Bed, Facility, Rating, RatingSheet
from eldercare.facilities.tests.factories import home_community, make_facility
from eldercare.planning.registry import Measure

pytestmark = pytest.mark.django_db

END = date(2024, 6, 30)


def total(measures: dict[str, Measure], prefix: str = "") -> Measure:
    out = Measure(0, 0)
    for code, m in measures.items():
        if code.startswith(prefix):
            out = out + m
    return out


def rate(facility: Facility, *, stars: int, valid_from: date, valid_until: date | None) -> Rating:
    sheet, _ = RatingSheet.objects.get_or_create(
        code="gbt37276",
        version=1,
        defaults={"title": "等级评定", "valid_from": date(2019, 1, 1), "definition": {}},
    )
    return Rating.objects.create(
        facility=facility,
        sheet=sheet,
        status="published",
        stars=stars,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def retire(facility: Facility, bed_type: str, on: date, count: int = 1) -> None:
    ids = list(facility.beds.filter(bed_type=bed_type).values_list("id", flat=True)[:count])
    Bed.objects.filter(id__in=ids).update(retired_on=on)


def test_nursing_bed_share_counts_beds_in_use_on_the_months_last_day_in_operating_institutions() -> None:
    c = home_community()
    home = make_facility(division=c, beds={"nursing": 4, "dementia": 1, "ordinary": 2})
    retire(home, "nursing", END)  # retired on the month's last day: no longer in use that day
    make_facility(division=c, beds={"nursing": 2}, in_service_from=END + timedelta(days=1))  # July beds
    make_facility(division=c, kind="street_complex", beds={"nursing": 5})  # not an institution
    closed = make_facility(division=c, beds={"nursing": 3})
    Facility.objects.filter(pk=closed.pk).update(status="closed", closed_on=date(2024, 6, 15))
    later_closed = make_facility(division=c, beds={"ordinary": 2})
    Facility.objects.filter(pk=later_closed.pk).update(status="closed", closed_on=date(2024, 7, 10))

    result = indicators.nursing_bed_share(CITY, END)

    # 3 nursing of 3 + 1 dementia + 2 ordinary + 2 ordinary (the home closed in July still ran in June)
    assert result == {c.code: Measure(3, 8)}
    # the day before, the retired bed was still in use
    assert indicators.nursing_bed_share(CITY, END - timedelta(days=1))[c.code] == Measure(4, 9)


def test_care_facility_beds_count_institutions_complexes_tekun_and_rural_homes_not_day_care() -> None:
    c = home_community()
    make_facility(division=c, beds={"nursing": 2, "ordinary": 1})
    make_facility(division=c, kind="street_complex", beds={"ordinary": 2})
    make_facility(division=c, kind="tekun_facility", beds={"ordinary": 1})
    make_facility(division=c, kind="rural_welfare_home", beds={"ordinary": 1})
    make_facility(division=c, kind="day_care", beds={"ordinary": 6})
    planned = make_facility(division=c, beds={"ordinary": 4})
    Facility.objects.filter(pk=planned.pk).update(status="planned")

    assert indicators.care_facility_beds(CITY, END) == {c.code: Measure(7)}


def test_rating_coverage_counts_a_rating_expiring_on_the_months_last_day_but_not_the_day_after() -> None:
    c = home_community()
    expiring = make_facility(division=c)
    rate(expiring, stars=3, valid_from=date(2021, 7, 1), valid_until=END)
    expired = make_facility(division=c)
    rate(expired, stars=4, valid_from=date(2021, 6, 30), valid_until=END - timedelta(days=1))
    future = make_facility(division=c)
    rate(future, stars=2, valid_from=END + timedelta(days=1), valid_until=date(2027, 6, 30))
    make_facility(division=c)  # never rated
    make_facility(division=c, kind="day_care")  # not an institution

    assert indicators.institution_rating_coverage(CITY, END) == {c.code: Measure(1, 4)}
    assert indicators.institution_rating_coverage(CITY, END + timedelta(days=1)) == {c.code: Measure(1, 4)}


def test_basic_norms_take_the_latest_gb38600_inspection_of_the_operator_up_to_the_date() -> None:
    from eldercare.supervision.models import ChecklistVersion, Inspection

    gb = ChecklistVersion.objects.create(
        code="gb38600", version=1, title="GB 38600", items=[], valid_from=date(2019, 1, 1)
    )
    fire = ChecklistVersion.objects.create(
        code="fire", version=1, title="消防", items=[], valid_from=date(2019, 1, 1)
    )
    c = home_community()
    fell_back, recovered, never = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    for org in (fell_back, recovered, never):
        make_facility(division=c, operator=org)

    def inspect(org: Any, on: date, passed: bool, checklist: Any = gb) -> None:
        Inspection.objects.create(
            organisation=org,
            checklist=checklist,
            scheduled_on=on,
            conducted_on=on,
            status="done",
            passed=passed,
        )

    inspect(fell_back, date(2023, 3, 1), True)
    inspect(fell_back, date(2024, 5, 1), False)
    inspect(recovered, date(2023, 3, 1), False)
    inspect(recovered, END, True)  # conducted on the month's last day: counts
    inspect(recovered, date(2024, 7, 2), False)  # after the date: ignored
    inspect(never, date(2024, 6, 1), True, fire)  # another checklist: never inspected for GB 38600

    assert indicators.institutions_meeting_basic_standard(CITY, END) == {c.code: Measure(1, 3)}


def test_day_care_coverage_counts_urban_communities_with_an_operating_centre() -> None:
    street = first_child(DISTRICT)
    communities = list(Division.objects.filter(parent=street).order_by("code"))
    urban = [d.code for d in communities if 1 <= int(d.code[9:]) <= 399]
    assert len(urban) >= 2
    make_facility(division=Division.objects.get(code=urban[0]), kind="day_care")
    closed = make_facility(division=Division.objects.get(code=urban[1]), kind="day_care")
    Facility.objects.filter(pk=closed.pk).update(status="closed", closed_on=date(2024, 1, 1))

    result = indicators.day_care_community_coverage(CITY, END)

    assert result[urban[0]] == Measure(1, 1) and result[urban[1]] == Measure(0, 1)
    assert total(result, street.code) == Measure(1, len(urban))
    assert all(1 <= int(code[9:]) <= 399 for code in result)


def test_street_coverage_counts_streets_with_a_complex_in_the_street_or_one_of_its_communities() -> None:
    s1, s2 = Division.objects.filter(parent_id=DISTRICT).order_by("code")[:2]
    make_facility(division=first_child(s1.code), kind="street_complex")
    make_facility(division=s2, kind="day_care")  # not a complex
    streets = [
        d
        for d in Division.objects.filter(code__startswith=CITY, level=DivisionLevel.STREET).values_list(
            "code", flat=True
        )
        if not 400 <= int(d[6:]) <= 599
    ]

    result = indicators.street_comprehensive_centre_coverage(CITY, END)

    assert result[s1.code] == Measure(1, 1) and result[s2.code] == Measure(0, 1)
    assert total(result) == Measure(1, len(streets))


def test_county_3star_needs_an_operating_tekun_facility_with_a_valid_rating_of_three_stars() -> None:
    three = make_facility(division=first_child(first_child(DISTRICT).code), kind="tekun_facility")
    rate(three, stars=3, valid_from=date(2022, 1, 1), valid_until=date(2025, 12, 31))
    two = make_facility(division=first_child(first_child(OTHER_DISTRICT).code), kind="tekun_facility")
    rate(two, stars=2, valid_from=date(2022, 1, 1), valid_until=date(2025, 12, 31))
    counties = Division.objects.filter(code__startswith=CITY, level=DivisionLevel.COUNTY).count()

    result = indicators.county_tekun_facility_3star(CITY, END)

    assert result[DISTRICT] == Measure(1, 1) and result[OTHER_DISTRICT] == Measure(0, 1)
    assert total(result) == Measure(1, counties) and counties == 7


def test_key_counts_give_facilities_by_kind_and_beds_in_use_by_type() -> None:
    c = home_community()
    make_facility(division=c, beds={"nursing": 2, "dementia": 1})
    make_facility(division=c, kind="day_care", beds={"ordinary": 1})
    retired = make_facility(division=c, beds={"ordinary": 1})
    retire(retired, "ordinary", END)

    counts = indicators.facility_key_counts(CITY, date(2024, 6, 1), END)

    assert counts["facilities.institution"] == {c.code: 2} and counts["facilities.day_care"] == {c.code: 1}
    assert counts["beds.total"] == {c.code: 4} and counts["beds.nursing"] == {c.code: 2}
    assert counts["beds.ordinary"] == {c.code: 1} and counts["beds.dementia"] == {c.code: 1}


def test_institutions_and_beds_data_sets_list_the_facilities_operating_at_the_months_end() -> None:
    c = home_community()
    home = make_facility(division=c, beds={"nursing": 2, "ordinary": 1})
    rate(home, stars=4, valid_from=date(2023, 1, 1), valid_until=date(2026, 1, 1))

    rows = list(indicators.institution_rows(CITY, date(2024, 6, 1)))
    beds = list(indicators.bed_rows(CITY, date(2024, 6, 1)))

    assert [(r["facility_id"], r["beds_in_use"], r["nursing_beds"], r["rating_stars"]) for r in rows] == [
        (home.pk, 3, 2, 4)
    ]
    assert {(r["bed_type"], r["beds_in_use"]) for r in beds} == {("nursing", 2), ("ordinary", 1)}


def test_a_planning_refresh_shows_the_facility_indicators_as_computed() -> None:
    from eldercare.core.services import profile_load
    from eldercare.planning import services
    from eldercare.planning.models import IndicatorValue

    profile_load(code="jiangmen")
    make_facility(division=home_community(), beds={"nursing": 1, "ordinary": 3})

    services.refresh(months=[date(2024, 6, 1)])

    jm02 = IndicatorValue.objects.get(indicator__code="JM02", division_id=CITY, month=date(2024, 6, 1))
    assert (jm02.source, jm02.numerator, jm02.denominator, jm02.value) == ("computed", 1, 4, 25.0)
    for code in ("JM03", "JM04"):
        assert (
            IndicatorValue.objects.get(indicator__code=code, division_id=CITY, month=date(2024, 6, 1)).source
            == "computed"
        )
