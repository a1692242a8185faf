"""What home care contributes to plan monitoring (discovered by eldercare.planning.registry).

Definitions (docs/indicators.md WH11, WH12, JM06), as of a date d (the month's last day), counted per
elder (an elder with several records counts once) in the elder's residence community:

- WH11 有意愿的老年人居家适老化改造完成率: elders with a home adaptation accepted on or before d
  (accepted_on ≤ d) ÷ elders with an adaptation application registered on or before d with `willing`
  set and not withdrawn (rejected applications stay in the denominator: the wish was not withdrawn). The
  numerator is taken among the denominator's elders, so the rate never exceeds 100 %.
- WH12 有意愿的老年人家庭养老床位服务覆盖率: elders with a family care bed in service on d (contract from
  ≤ d, not ended: ended_on empty or after d) ÷ elders with a bed application registered on or before d
  that was not ended on or before d (ending a bed, before or after the contract, withdraws the wish).
- JM06 特殊困难老年人家庭居家适老化改造率: elders in special difficulty at home on d
  (`registry.indicators.special_difficulty_on(..., at_home_only=True)`) ÷ those of them with an
  adaptation accepted on or before d, whenever they became special-difficulty elders.

Key counts (flow, the whole month): orders scheduled (not cancelled), services delivered (checked out in
the month and completed, verified or settled) and their hours, canteen meals served.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from eldercare.homecare.choices import ADAPTATION_DONE, AdaptationStatus, BedStatus, OrderStatus
from eldercare.homecare.models import FamilyCareBed, HomeAdaptation, MealServed, ServiceOrder
from eldercare.planning import rules as planning_rules
from eldercare.planning.exchange.datasets import export_dataset
from eldercare.planning.registry import Measure, indicator_computation, key_counts
from eldercare.registry.choices import ElderStatus
from eldercare.registry.indicators import elders_present, special_difficulty_on

DELIVERED = (OrderStatus.COMPLETED, OrderStatus.VERIFIED, OrderStatus.SETTLED)
ELDER_COMMUNITY = "elder__residence_division_id"


def accepted_q(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": list(ADAPTATION_DONE), f"{prefix}accepted_on__lte": on})


def _by_elder_community(rows: Any) -> dict[str, Measure]:
    return {r[ELDER_COMMUNITY]: Measure(r["num"], r["den"]) for r in rows}


@indicator_computation("home_adaptation_completion_rate", grouped=True)
def home_adaptation_completion_rate(division_code: str, on: date) -> dict[str, Measure]:
    """WH11: willing applicants (not withdrawn) by `on` with an adaptation accepted by `on`, per elder."""
    done = HomeAdaptation.objects.filter(accepted_q(on), elder_id=OuterRef("elder_id"))
    rows = (
        HomeAdaptation.objects.filter(
            willing=True, applied_on__lte=on, elder__residence_division__code__startswith=division_code
        )
        .exclude(status=AdaptationStatus.WITHDRAWN)
        .annotate(done=Exists(done))
        .values(ELDER_COMMUNITY)
        .annotate(
            den=Count("elder_id", distinct=True), num=Count("elder_id", filter=Q(done=True), distinct=True)
        )
        .order_by()
    )
    return _by_elder_community(rows)


def bed_in_service_q(on: date) -> Q:
    return Q(status__in=[BedStatus.CONTRACTED, BedStatus.ACTIVE, BedStatus.ENDED], contract_from__lte=on) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )


@indicator_computation("family_care_bed_coverage", grouped=True)
def family_care_bed_coverage(division_code: str, on: date) -> dict[str, Measure]:
    """WH12: elders with a bed in service on `on` ÷ elders whose bed wish stands on `on`, per elder."""
    rows = (
        FamilyCareBed.objects.filter(
            applied_on__lte=on, elder__residence_division__code__startswith=division_code
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .values(ELDER_COMMUNITY)
        .annotate(
            den=Count("elder_id", distinct=True),
            num=Count("elder_id", filter=bed_in_service_q(on), distinct=True),
        )
        .order_by()
    )
    return _by_elder_community(rows)


@indicator_computation("special_difficulty_home_adaptation_rate", grouped=True)
def special_difficulty_home_adaptation_rate(division_code: str, on: date) -> dict[str, Measure]:
    """JM06: special-difficulty elders at home on `on` with an adaptation accepted by `on` ÷ all of them."""
    denominators = special_difficulty_on(division_code, on, at_home_only=True)
    done = HomeAdaptation.objects.filter(accepted_q(on), elder_id=OuterRef("pk"))
    adapted = dict(
        elders_present(division_code, on)
        .filter(special_difficulty=True)
        .exclude(status=ElderStatus.IN_INSTITUTION)
        .filter(Exists(done))
        .values("residence_division_id")
        .annotate(n=Count("id"))
        .values_list("residence_division_id", "n")
        .order_by()
    )
    return {code: Measure(adapted.get(code, 0), n) for code, n in denominators.items()}


# ---- key counts ----------------------------------------------------------------------------------------
LABELS = {
    "homecare.orders": "居家服务工单",
    "homecare.services": "完成的上门服务",
    "homecare.service_hours": "上门服务时长",
    "homecare.meals": "助餐服务（份）",
}
UNITS = {
    "homecare.orders": "单",
    "homecare.services": "次",
    "homecare.service_hours": "小时",
    "homecare.meals": "份",
}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


@key_counts("homecare.services", labels=LABELS, units=UNITS, flow=True)
def homecare_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    """Orders scheduled in the month (not cancelled), services checked out in the month (completed,
    verified or settled) with their served hours, by the order's division; meals served, by the meal's."""
    since, until = _bounds(start, end)
    out: dict[str, dict[str, float]] = {key: {} for key in LABELS}
    orders = ServiceOrder.objects.filter(division__code__startswith=division_code)
    for code, n in (
        orders.filter(scheduled_at__gte=since, scheduled_at__lt=until)
        .exclude(status=OrderStatus.CANCELLED)
        .values("division_id")
        .annotate(n=Count("id"))
        .values_list("division_id", "n")
        .order_by()
    ):
        out["homecare.orders"][code] = n
    for row in (
        orders.filter(status__in=list(DELIVERED), check_out_at__gte=since, check_out_at__lt=until)
        .values("division_id")
        .annotate(n=Count("id"), minutes=Sum("served_minutes"))
        .order_by()
    ):
        out["homecare.services"][row["division_id"]] = row["n"]
        out["homecare.service_hours"][row["division_id"]] = (row["minutes"] or 0) / 60
    for code, n in (
        MealServed.objects.filter(
            division__code__startswith=division_code, served_on__gte=start, served_on__lte=end
        )
        .values("division_id")
        .annotate(n=Count("id"))
        .values_list("division_id", "n")
        .order_by()
    ):
        out["homecare.meals"][code] = n
    return out


@export_dataset(
    "services",
    schema_version="1.0",
    title="居家上门服务（按社区、服务类型）Home-care services by community and type",
    columns=[
        "division_code",
        "month",
        "service_type",
        "services",
        "served_minutes",
        "price_fen",
        "subsidy_fen",
    ],
)
def service_rows(division_code: str, month: date) -> Iterator[dict[str, Any]]:
    """Services delivered in the month (checked out, completed/verified/settled) per community and type."""
    first = planning_rules.month_start(month)
    since, until = _bounds(first, planning_rules.month_end(first))
    rows = (
        ServiceOrder.objects.filter(
            division__code__startswith=division_code,
            status__in=list(DELIVERED),
            check_out_at__gte=since,
            check_out_at__lt=until,
        )
        .values("division_id", "service_type")
        .annotate(
            n=Count("id"), minutes=Sum("served_minutes"), price=Sum("price_fen"), subsidy=Sum("subsidy_fen")
        )
        .order_by("division_id", "service_type")
    )
    for r in rows:
        yield {
            "division_code": r["division_id"],
            "month": first.strftime("%Y-%m"),
            "service_type": r["service_type"],
            "services": r["n"],
            "served_minutes": r["minutes"] or 0,
            "price_fen": r["price"] or 0,
            "subsidy_fen": r["subsidy"] or 0,
        }
