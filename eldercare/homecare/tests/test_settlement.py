"""Settlement: only verified orders are paid, the total is their sum, and running it again pays nothing."""

from datetime import date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.homecare import services
from eldercare.homecare.choices import LineKind, OrderStatus
from eldercare.homecare.models import QualityCallback, ServiceOrder, Settlement, SettlementLine
from eldercare.homecare.tests.factories import (
    HOME,
    make_elder,
    make_item,
    make_order,
    make_provider,
    make_worker,
    serve,
)

pytestmark = pytest.mark.django_db


def last_month() -> tuple[date, datetime]:
    first = timezone.localdate().replace(day=1)
    period = (first - timedelta(days=1)).replace(day=1)
    tz = timezone.get_current_timezone()
    return period, datetime(period.year, period.month, 10, 9, tzinfo=tz)


def test_settlement_pays_exactly_the_verified_orders_and_is_idempotent() -> None:
    # given last month: two verified orders, one flagged, one confirmed-less, one cancelled
    period, day = last_month()
    provider = make_provider()
    item = make_item(provider, price=5000)
    worker = make_worker(provider)
    tekun = make_elder(economic_status="tekun")
    verified = [
        serve(make_order(item=item, elder=tekun, scheduled_at=day), worker, start=day, minutes=60),
        serve(
            make_order(item=item, scheduled_at=day + timedelta(hours=3)),
            worker,
            start=day + timedelta(hours=3),
            minutes=60,
        ),
    ]
    flagged = serve(
        make_order(item=item, scheduled_at=day + timedelta(hours=6)),
        worker,
        start=day + timedelta(hours=6),
        minutes=5,
    )
    unconfirmed = serve(
        make_order(item=item, scheduled_at=day + timedelta(days=1)),
        worker,
        start=day + timedelta(days=1),
        minutes=60,
        confirm=False,
    )
    cancelled = services.order_cancel(order=make_order(item=item, scheduled_at=day), reason="x", actor=None)
    assert [o.status for o in verified] == [OrderStatus.VERIFIED] * 2
    # when the month is settled twice
    first = services.settlement_run(provider=provider, period=period, actor=None)
    second = services.settlement_run(provider=provider, period=period, actor=None)
    # then the settlement equals the sum of the verified orders, and the second run changed nothing
    assert second.pk == first.pk
    assert first.order_count == 2
    assert first.price_fen == sum(o.price_fen for o in verified) == 10000
    assert first.subsidy_fen == sum(o.subsidy_fen for o in verified) == 5000
    assert first.elder_fen == 5000
    assert SettlementLine.objects.filter(settlement=first).count() == 2
    assert set(ServiceOrder.objects.filter(status=OrderStatus.SETTLED).values_list("pk", flat=True)) == {
        o.pk for o in verified
    }
    for unpaid in (flagged, unconfirmed, cancelled):
        unpaid.refresh_from_db()
        assert unpaid.status != OrderStatus.SETTLED
        assert not SettlementLine.objects.filter(order=unpaid).exists()


def test_an_order_cannot_be_paid_unless_verified_even_by_a_direct_write() -> None:
    order = make_order()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceOrder.objects.filter(pk=order.pk).update(status=OrderStatus.SETTLED)


def test_one_settlement_per_provider_and_period() -> None:
    period, _day = last_month()
    provider = make_provider()
    services.settlement_run(provider=provider, period=period, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Settlement.objects.create(provider=provider, period=period)


def test_an_order_is_paid_once_even_across_periods() -> None:
    period, day = last_month()
    provider = make_provider()
    worker = make_worker(provider)
    order = serve(make_order(item=make_item(provider), scheduled_at=day), worker, start=day, minutes=60)
    services.settlement_run(provider=provider, period=period, actor=None)
    earlier = (period - timedelta(days=1)).replace(day=1)
    before = services.settlement_run(provider=provider, period=earlier, actor=None)
    assert before.order_count == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        SettlementLine.objects.create(
            provider=provider, order=order, kind=LineKind.ORDER, price_fen=1, subsidy_fen=1, elder_fen=0
        )


def test_a_current_month_is_not_settled_before_it_ends() -> None:
    from eldercare.core.exceptions import DomainError

    with pytest.raises(DomainError):
        services.settlement_run(provider=make_provider(), period=timezone.localdate(), actor=None)


def test_a_call_back_denying_a_settled_service_adds_a_correction_line_to_the_next_settlement() -> None:
    # given a settled order from two months ago
    provider = make_provider()
    first_of_month = timezone.localdate().replace(day=1)
    older = ((first_of_month - timedelta(days=1)).replace(day=1) - timedelta(days=1)).replace(day=1)
    day = datetime(older.year, older.month, 5, 9, tzinfo=timezone.get_current_timezone())
    order = serve(
        make_order(
            item=make_item(provider, price=4000), elder=make_elder(economic_status="dibao"), scheduled_at=day
        ),
        make_worker(provider),
        start=day,
        minutes=60,
    )
    paid = services.settlement_run(provider=provider, period=older, actor=None)
    assert paid.subsidy_fen == 4000
    # when the call-back says the service never happened
    callback, _ = QualityCallback.objects.get_or_create(
        order=order, defaults={"division_id": order.division_id}
    )
    services.callback_record(callback=callback, reached=True, service_happened=False, actor=None)
    # then the original line stays, and a negative correction line goes into the next settlement
    correction = SettlementLine.objects.get(order=order, kind=LineKind.CORRECTION)
    assert correction.settlement is None and correction.subsidy_fen == -4000
    following = (older + timedelta(days=40)).replace(day=1)
    nxt = services.settlement_run(provider=provider, period=following, actor=None)
    correction.refresh_from_db()
    assert correction.settlement == nxt
    assert nxt.correction_fen == -4000 and nxt.subsidy_fen == -4000
    assert SettlementLine.objects.get(order=order, kind=LineKind.ORDER).subsidy_fen == 4000
    assert HOME
