"""The order flow, on-site verification and each fraud pattern, through the real services."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.core.exceptions import DomainError
from eldercare.homecare import services
from eldercare.homecare.choices import OrderStatus
from eldercare.homecare.eligibility import worker_may_be_assigned
from eldercare.homecare.models import QualityCallback, ServiceOrder
from eldercare.homecare.tests.factories import (
    HOME,
    at,
    last_code,
    make_elder,
    make_item,
    make_order,
    make_provider,
    make_worker,
    serve,
)

pytestmark = pytest.mark.django_db

FAR = (HOME[0] + 0.01, HOME[1])  # ~1 km east at this latitude


def test_a_confirmed_clean_order_is_verified_and_split_by_funding_policy() -> None:
    # given a 低保 elder and a 50-yuan cleaning service
    provider = make_provider()
    order = make_order(item=make_item(provider, price=5000), elder=make_elder(economic_status="dibao"))
    # when the worker serves on site for the full hour and the elder confirms with the SMS code
    done = serve(order, make_worker(provider), start=at(30), minutes=60)
    # then the order is verified, fully funded (特困/低保 rule), and carries the policy version
    assert done.status == OrderStatus.VERIFIED
    assert done.flags == []
    assert (done.subsidy_fen, done.elder_fen) == (5000, 0)
    assert done.funding_source.startswith("policy:homecare.funding#")
    assert done.check_in_distance_m == 0


def test_an_ordinary_elder_pays_the_catalogue_price() -> None:
    order = make_order(item=make_item(make_provider(), price=4000), elder=make_elder())
    assert (order.subsidy_fen, order.elder_fen) == (0, 4000)


def test_check_in_far_from_home_is_flagged_and_not_verified() -> None:
    # given an order served from ~1 km away (beyond the 200 m policy radius)
    provider = make_provider()
    order = make_order(item=make_item(provider))
    # when the worker checks in and out there and the elder confirms
    done = serve(order, make_worker(provider), start=at(30), minutes=60, where=FAR)
    # then it is flagged, stays completed, and is not verified
    assert "far_check_in" in done.flags
    assert done.check_in_distance_m > 900
    assert done.status == OrderStatus.COMPLETED and done.flagged and done.verified_at is None


def test_check_in_inside_the_radius_passes() -> None:
    provider = make_provider()
    near = (HOME[0] + 0.001, HOME[1])  # ~100 m
    done = serve(
        make_order(item=make_item(provider)), make_worker(provider), start=at(30), minutes=60, where=near
    )
    assert done.status == OrderStatus.VERIFIED


def test_duration_far_below_the_catalogue_is_flagged() -> None:
    # given a 60-minute catalogue service
    provider = make_provider()
    order = make_order(item=make_item(provider, minutes=60))
    # when the worker stays 10 minutes
    done = serve(order, make_worker(provider), start=at(30), minutes=10)
    # then the order is flagged for short duration and not verified
    assert done.flags == ["short_duration"]
    assert done.status == OrderStatus.COMPLETED


def test_one_worker_in_two_places_at_once_flags_both_orders() -> None:
    # given one worker assigned to two elders' orders scheduled at different hours
    provider = make_provider()
    item = make_item(provider)
    worker = make_worker(provider)
    first = make_order(item=item, scheduled_at=at(30))
    second = make_order(item=item, scheduled_at=at(27))
    start = at(30)
    # when the worker's check-ins overlap: serving both at the same time
    first = serve(first, worker, start=start, minutes=60)
    second = serve(second, worker, start=start + timedelta(minutes=20), minutes=60)
    # then both orders are flagged; the first, already verified, goes back to completed (not paid)
    first.refresh_from_db()
    assert "worker_overlap" in second.flags and second.status == OrderStatus.COMPLETED
    assert "worker_overlap" in first.flags and first.status == OrderStatus.COMPLETED
    assert first.verified_at is None


def test_the_same_elder_served_twice_at_the_same_time_is_flagged() -> None:
    # given two providers' workers booked for the same elder
    elder = make_elder()
    provider_a, provider_b = make_provider(), make_provider()
    a = make_order(item=make_item(provider_a), elder=elder, scheduled_at=at(30))
    b = make_order(item=make_item(provider_b), elder=elder, scheduled_at=at(30))
    start = at(30)
    # when both are "served" in the same hour
    serve(a, make_worker(provider_a), start=start, minutes=60)
    b = serve(b, make_worker(provider_b), start=start + timedelta(minutes=10), minutes=60)
    # then both are flagged as a double service
    a.refresh_from_db()
    assert "elder_double" in a.flags and "elder_double" in b.flags
    assert not ServiceOrder.objects.filter(pk__in=[a.pk, b.pk], status=OrderStatus.VERIFIED).exists()


def test_back_to_back_visits_within_the_grace_are_not_overlaps() -> None:
    provider = make_provider()
    item = make_item(provider)
    worker = make_worker(provider)
    start = at(30)
    first = serve(make_order(item=item, scheduled_at=start), worker, start=start, minutes=60)
    second = serve(
        make_order(item=item, scheduled_at=start + timedelta(hours=1)),
        worker,
        start=start + timedelta(minutes=57),
        minutes=60,
    )
    assert first.status == second.status == OrderStatus.VERIFIED


def test_an_officer_clears_or_rejects_a_flagged_order() -> None:
    provider = make_provider()
    item = make_item(provider)
    short = serve(make_order(item=item), make_worker(provider), start=at(30), minutes=5)
    cleared = services.order_flag_review(
        order=short, decision="clear", reason="elder asked to stop", actor=None
    )
    assert cleared.status == OrderStatus.VERIFIED and not cleared.flagged
    far = serve(make_order(item=item), make_worker(provider), start=at(20), minutes=60, where=FAR)
    rejected = services.order_flag_review(order=far, decision="reject", reason="not on site", actor=None)
    assert rejected.status == OrderStatus.FAILED and rejected.reason == "not on site"


def test_a_wrong_code_is_refused_and_attempts_are_limited() -> None:
    provider = make_provider()
    order = make_order(item=make_item(provider))
    order = serve(order, make_worker(provider), start=at(30), minutes=60, confirm=False)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(DomainError):
            services.order_confirm(order=order, actor=None, code=wrong)
    with pytest.raises(DomainError) as locked:
        services.order_confirm(order=order, actor=None, code=code)
    assert locked.value.code == "homecare_code_locked"


def test_states_follow_the_machine_and_closing_needs_a_reason() -> None:
    order = make_order()
    with pytest.raises(DomainError) as wrong_step:
        services.order_check_in(order=order, actor=None, lon=HOME[0], lat=HOME[1])
    assert wrong_step.value.code == "homecare_order_state"
    with pytest.raises(DomainError):
        services.order_cancel(order=order, reason=" ", actor=None)
    cancelled = services.order_cancel(order=order, reason="elder in hospital", actor=None)
    assert cancelled.status == OrderStatus.CANCELLED


def test_assignment_respects_blacklist_skill_schedule_and_other_orders() -> None:
    provider = make_provider()
    item = make_item(provider, skill="bathing")
    order = make_order(item=item)
    blocked = services.worker_block(worker=make_worker(provider), reason="联合惩戒名单 2024-03", actor=None)
    assert not worker_may_be_assigned(blocked)
    with pytest.raises(DomainError) as refused:
        services.order_assign(order=order, worker=blocked, actor=None)
    assert refused.value.code == "worker_blacklisted"
    unskilled = make_worker(provider, skills=["cleaning"])
    with pytest.raises(DomainError) as no_skill:
        services.order_assign(order=order, worker=unskilled, actor=None)
    assert no_skill.value.code == "worker_lacks_skill"
    off = make_worker(provider, schedule={"sun": [["08:00", "09:00"]]})
    order.scheduled_at = order.scheduled_at.replace(hour=10)
    ServiceOrder.objects.filter(pk=order.pk).update(scheduled_at=order.scheduled_at)
    if timezone.localtime(order.scheduled_at).weekday() != 6:
        with pytest.raises(DomainError) as off_duty:
            services.order_assign(order=order, worker=off, actor=None)
        assert off_duty.value.code == "worker_off_duty"
    worker = make_worker(provider)
    services.order_assign(order=order, worker=worker, actor=None)
    clash = make_order(item=item, scheduled_at=order.scheduled_at + timedelta(minutes=30))
    with pytest.raises(DomainError) as busy:
        services.order_assign(order=clash, worker=worker, actor=None)
    assert busy.value.code == "worker_busy"
    free = make_worker(provider)
    assigned = services.order_auto_assign(order=clash, actor=None)
    assert assigned.worker == free


def test_an_order_outside_the_providers_area_is_refused() -> None:
    from eldercare.core.models import Division
    from eldercare.core.tests.factories import OTHER_DISTRICT, first_child

    provider = make_provider()
    elder = make_elder(residence_division=first_child(first_child(OTHER_DISTRICT).code))
    assert Division.objects.filter(code=elder.residence_division_id).exists()
    with pytest.raises(DomainError) as refused:
        make_order(item=make_item(provider), elder=elder)
    assert refused.value.code == "homecare_outside_area"


def test_a_referral_becomes_one_order_however_often_it_is_sent() -> None:
    provider = make_provider()
    make_item(provider, service_type="cleaning", price=6000)
    cheap = make_item(provider, service_type="cleaning", price=3000)
    elder = make_elder()
    first = services.order_create_from_referral(
        elder=elder, service_type="cleaning", referral_ref="visits.followup:1", actor=None
    )
    again = services.order_create_from_referral(
        elder=elder, service_type="cleaning", referral_ref="visits.followup:1", actor=None
    )
    assert first.pk == again.pk and first.item == cheap and first.source == "referral"
    with pytest.raises(DomainError):
        services.order_create_from_referral(
            elder=elder, service_type="bathing", referral_ref="x:2", actor=None
        )


def test_the_weekly_care_plan_generation_is_idempotent() -> None:
    from datetime import time

    provider = make_provider()
    worker = make_worker(provider)
    plan = services.care_plan_create(
        elder=make_elder(),
        item=make_item(provider),
        weekdays=[1, 4],
        start_time=time(9, 0),
        valid_from=timezone.localdate() - timedelta(days=30),
        worker=worker,
        actor=None,
    )
    week = timezone.localdate() + timedelta(days=7)
    assert services.care_plans_generate_week(week_of=week, actor=None) == 2
    assert services.care_plans_generate_week(week_of=week, actor=None) == 0
    orders = ServiceOrder.objects.filter(care_plan=plan)
    assert orders.count() == 2
    assert set(orders.values_list("status", flat=True)) == {OrderStatus.ASSIGNED}
    duplicate = orders.first()
    assert duplicate is not None
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_share_of_verified_orders_gets_a_call_back(settings: object) -> None:
    from eldercare.core.models import PolicyVersion

    pv = PolicyVersion.objects.get(profile_id="jiangmen", key="homecare.verification")
    pv.value = {**pv.value, "callback_share": 1.0}
    pv.save()
    provider = make_provider()
    done = serve(make_order(item=make_item(provider)), make_worker(provider), start=at(30), minutes=60)
    callback = QualityCallback.objects.get(order=done)
    services.callback_record(
        callback=callback, reached=True, service_happened=True, satisfaction=5, actor=None
    )
    callback.refresh_from_db()
    assert callback.satisfaction == 5


def test_the_weekly_task_and_the_timeline_source() -> None:
    from datetime import time

    from eldercare.accounts.principal import Principal
    from eldercare.core.scope import DataScope
    from eldercare.homecare.tasks import generate_week_orders
    from eldercare.homecare.timeline import homecare_entries

    provider = make_provider()
    elder = make_elder()
    services.care_plan_create(
        elder=elder,
        item=make_item(provider),
        weekdays=[2],
        start_time=time(10, 0),
        valid_from=timezone.localdate(),
        actor=None,
    )
    assert generate_week_orders.call() == 1
    entries = homecare_entries(elder, Principal(role="city_admin", scope=DataScope.everything()))
    assert [e.kind for e in entries] == ["order"]


def test_the_elder_rates_a_service_that_took_place_once() -> None:
    provider = make_provider()
    done = serve(make_order(item=make_item(provider)), make_worker(provider), start=at(30), minutes=60)
    rated = services.order_rate(order=done, stars=4, comment="  很细心  ", actor=None)
    assert (rated.rating, rated.rating_comment) == (4, "很细心")
    assert rated.rated_at is not None
    with pytest.raises(DomainError) as again:
        services.order_rate(order=done, stars=1, actor=None)
    assert again.value.code == "homecare_order_rated"
    assert ServiceOrder.objects.get(pk=done.pk).rating == 4


@pytest.mark.parametrize("stars", [0, 6, True])
def test_a_rating_is_1_to_5_stars(stars: int) -> None:
    provider = make_provider()
    done = serve(make_order(item=make_item(provider)), make_worker(provider), start=at(30), minutes=60)
    with pytest.raises(DomainError) as refused:
        services.order_rate(order=done, stars=stars, actor=None)
    assert refused.value.status == 422
    assert ServiceOrder.objects.get(pk=done.pk).rating is None


def test_a_service_not_yet_done_cannot_be_rated() -> None:
    order = make_order()
    with pytest.raises(DomainError) as refused:
        services.order_rate(order=order, stars=5, actor=None)
    assert refused.value.code == "homecare_order_state"
