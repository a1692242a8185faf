"""Monthly provider settlement (结算) from verified orders only.

`settlement_run(provider, period)` is idempotent: the (provider, period) pair is unique, so a second run
returns the first settlement and pays nothing twice. It takes every verified order of the provider with a
service date before the end of the period that has no order line yet (late verifications roll into the next
month's run), plus pending correction lines. Orders become `settled`; lines are never edited.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.homecare import rules
from eldercare.homecare.choices import LineKind, OrderStatus
from eldercare.homecare.models import Provider, ServiceOrder, Settlement, SettlementLine


def period_start(day: date) -> date:
    return day.replace(day=1)


def next_period(period: date) -> date:
    return date(period.year + (period.month == 12), period.month % 12 + 1, 1)


def period_bounds(period: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(period_start(period), time(0), tzinfo=tz)
    return start, datetime.combine(next_period(period_start(period)), time(0), tzinfo=tz)


@transaction.atomic
def settlement_run(*, provider: Provider, period: date, actor: Any) -> Settlement:
    period = period_start(period)
    _start, end = period_bounds(period)
    if end > timezone.now():
        raise DomainError("homecare_period_open", "A month is settled after it has ended.", status=422)
    Provider.objects.select_for_update().get(pk=provider.pk)  # one run per provider at a time
    existing = Settlement.objects.filter(provider=provider, period=period).first()
    if existing is not None:
        return existing
    orders = list(
        ServiceOrder.objects.select_for_update(of=("self",))
        .filter(
            provider=provider, status=OrderStatus.VERIFIED, verified_at__isnull=False, scheduled_at__lt=end
        )
        .exclude(settlement_lines__kind=LineKind.ORDER)
        .order_by("pk")
        .only("id", "price_fen", "subsidy_fen", "elder_fen", "status", "verified_at")
    )
    settlement = Settlement.objects.create(
        provider=provider,
        period=period,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    lines = [
        SettlementLine(
            settlement=settlement,
            provider=provider,
            order=o,
            kind=LineKind.ORDER,
            price_fen=o.price_fen,
            subsidy_fen=o.subsidy_fen,
            elder_fen=o.elder_fen,
        )
        for o in orders
    ]
    try:
        with transaction.atomic():
            SettlementLine.objects.bulk_create(lines, batch_size=2000)
    except IntegrityError as exc:  # an order line exists already: another run got there first
        raise ConflictError("homecare_already_settled", "Some orders are settled already.") from exc
    SettlementLine.objects.filter(
        provider=provider, settlement__isnull=True, kind=LineKind.CORRECTION
    ).update(settlement=settlement)
    ids = [o.pk for o in orders]
    for chunk in range(0, len(ids), 5000):
        ServiceOrder.objects.filter(pk__in=ids[chunk : chunk + 5000], status=OrderStatus.VERIFIED).update(
            status=OrderStatus.SETTLED, updated_at=timezone.now()
        )
    totals = rules.settlement_totals(
        rules.Line(line.price_fen, line.subsidy_fen, line.elder_fen, line.kind == LineKind.CORRECTION)
        for line in SettlementLine.objects.filter(settlement=settlement).only(
            "price_fen", "subsidy_fen", "elder_fen", "kind"
        )
    )
    settlement.order_count = totals.order_count
    settlement.price_fen = totals.price_fen
    settlement.subsidy_fen = totals.subsidy_fen
    settlement.elder_fen = totals.elder_fen
    settlement.correction_fen = totals.correction_fen
    settlement.save()
    audit_record(
        actor=actor,
        action="homecare.settlement_run",
        target=settlement,
        changes={
            "orders": totals.order_count,
            "subsidy_fen": totals.subsidy_fen,
            "period": period.isoformat(),
        },
    )
    return settlement


@transaction.atomic
def settlement_correct(*, order: ServiceOrder, reason: str, actor: Any) -> SettlementLine:
    """Take back a settled order's payment: a negative correction line, pending until the provider's next
    settlement. The original line is never edited."""
    original = SettlementLine.objects.filter(order=order, kind=LineKind.ORDER).first()
    if original is None:
        raise ConflictError("homecare_not_settled", "This order has not been paid.")
    if SettlementLine.objects.filter(corrects=original).exists():
        raise ConflictError("homecare_already_corrected", "This payment is already corrected.")
    line = SettlementLine.objects.create(
        provider_id=order.provider_id,
        order=order,
        kind=LineKind.CORRECTION,
        price_fen=-original.price_fen,
        subsidy_fen=-original.subsidy_fen,
        elder_fen=-original.elder_fen,
        corrects=original,
        reason=reason[:300],
    )
    audit_record(
        actor=actor,
        action="homecare.settlement_corrected",
        target=order,
        changes={"line": line.pk, "subsidy_fen": line.subsidy_fen, "reason": reason},
    )
    return line
