"""Canteens, family care beds and home adaptation, with the indicator selectors."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from eldercare.core.exceptions import DomainError
from eldercare.core.scope import DataScope
from eldercare.homecare import selectors, services
from eldercare.homecare.choices import BedStatus
from eldercare.homecare.tests.factories import home_community, make_elder, make_item, make_provider
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db
CITY = DataScope(division_codes=("4407",))


def _id_number(elder: Elder) -> str:
    return str(Elder.objects.get(pk=elder.pk).id_number)


def test_a_meal_at_the_counter_is_split_by_group_and_served_once() -> None:
    # given a canteen with room for two meals and three elders
    provider = make_provider()
    canteen = services.canteen_create(
        name="长者食堂",
        operator=provider.organisation,
        division=home_community(),
        daily_capacity=2,
        actor=None,
    )
    poor = make_elder(economic_status="dibao")
    old = make_elder(birth_date=timezone.localdate().replace(year=timezone.localdate().year - 85, day=1))
    # when they are identified by ID number and phone and served lunch
    elder = services.identify_elder(identifier=_id_number(poor), identified_by="id_number")
    first = services.meal_serve(
        canteen=canteen, elder=elder, meal="lunch", mode="dine_in", identified_by="id_number", actor=None
    )
    by_phone = services.identify_elder(identifier=str(old.phone), identified_by="phone")
    second = services.meal_serve(
        canteen=canteen, elder=by_phone, meal="lunch", mode="pick_up", identified_by="phone", actor=None
    )
    # then the split follows the meal policy (12 元: hardship 1, 80+ 3)
    assert (first.group, first.subsidy_fen, first.elder_fen) == ("hardship", 1100, 100)
    assert by_phone.pk == old.pk
    assert (second.group, second.elder_fen) == ("age_80", 300)
    # and the same elder cannot have lunch twice, and capacity is enforced
    with pytest.raises(DomainError):
        services.meal_serve(
            canteen=canteen, elder=poor, meal="lunch", mode="dine_in", identified_by="phone", actor=None
        )
    with pytest.raises(DomainError) as full:
        services.meal_serve(
            canteen=canteen,
            elder=make_elder(),
            meal="dinner",
            mode="dine_in",
            identified_by="phone",
            actor=None,
        )
    assert full.value.code == "homecare_canteen_full"


def test_a_failed_inspection_closes_the_canteen() -> None:
    provider = make_provider()
    canteen = services.canteen_create(
        name="助餐点",
        operator=provider.organisation,
        division=home_community(),
        daily_capacity=50,
        actor=None,
    )
    services.inspection_record(
        canteen=canteen, inspected_on=timezone.localdate(), inspector="市场监管", result="fail", actor=None
    )
    canteen.refresh_from_db()
    assert not canteen.is_active
    with pytest.raises(DomainError):
        services.meal_serve(
            canteen=canteen,
            elder=make_elder(),
            meal="lunch",
            mode="dine_in",
            identified_by="phone",
            actor=None,
        )


def test_a_family_care_bed_goes_from_application_to_service_with_devices_and_visits() -> None:
    from eldercare.emergency.tests.factories import make_device

    provider = make_provider()
    elder = make_elder()
    bed = services.bed_apply(elder=elder, provider=provider, actor=None)
    with pytest.raises(DomainError):
        services.bed_apply(elder=elder, provider=provider, actor=None)
    bed = services.bed_assess(bed=bed, findings={"notes": "卫生间无扶手"}, suitable=True, actor=None)
    today = timezone.localdate()
    bed = services.bed_contract(
        bed=bed,
        number="JTCW-001",
        contract_from=today,
        contract_to=today + timedelta(days=365),
        monthly_fee_fen=30000,
        actor=None,
    )
    services.bed_link_device(bed=bed, device=make_device(elder).device, actor=None)
    bed = services.bed_plan_add(
        bed=bed, item=make_item(provider), weekdays=[0, 3], start_time=time(9), actor=None
    )
    assert bed.status == BedStatus.ACTIVE and bed.devices.count() == 1
    created = services.care_plans_generate_week(week_of=today + timedelta(days=7), actor=None)
    assert created == 2
    assert selectors.family_bed_coverage_willing(scope=CITY).percent == 100.0


def test_home_adaptation_workflow_and_the_indicator_selectors() -> None:
    # given two willing households in special difficulty, one of which completes its adaptation
    provider = make_provider()
    done_elder = make_elder(economic_status="dibao")
    waiting = make_elder()
    Elder.objects.filter(pk__in=[done_elder.pk, waiting.pk]).update(special_difficulty=True)
    done_elder.refresh_from_db()
    a = services.adaptation_apply(elder=done_elder, actor=None)
    services.adaptation_apply(elder=waiting, actor=None)
    a = services.adaptation_survey(adaptation=a, notes="卫生间地面湿滑", actor=None)
    a = services.adaptation_plan(
        adaptation=a,
        items={"toilet_grab_bar": 2, "floor_antislip": 1, "nursing_bed": 1},
        provider=provider,
        actor=None,
    )
    assert a.total_cost_fen == 2 * 20000 + 80000 + 250000
    a = services.adaptation_start_works(adaptation=a, actor=None)
    a = services.adaptation_accept(adaptation=a, actor=None)
    a = services.adaptation_pay_subsidy(adaptation=a, actor=None)
    # then the subsidy covers the basic items only, and the indicators count 1 of 2
    assert a.subsidy_fen == 2 * 20000 + 80000
    willing = selectors.adaptation_completion_rate_willing(scope=CITY)
    special = selectors.adaptation_rate_special_difficulty(scope=CITY)
    assert (willing.numerator, willing.denominator) == (1, 2)
    assert special.numerator == 1 and special.denominator >= 2
    with pytest.raises(DomainError):
        services.adaptation_plan(adaptation=a, items={"nope": 1}, provider=provider, actor=None)
