"""What benefits contribute to plan monitoring (discovered by eldercare.planning.registry): no plan
indicator, but the subsidies paid each month per programme, and the `subsidies` export data set.

"Paid in a month": the payment lines of that month's settlement (Settlement.period) whose money reached
the elder (status paid, or issued as a voucher or credit), counted in the elder's community
(PaymentLine.division_code). Corrections and carried-over lines paid in the month are included; recoveries
are not payments. Amounts are in yuan; recipients are distinct elders (additive: an elder's lines of a
month are in one community).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from eldercare.benefits.choices import LineStatus
from eldercare.benefits.models import PaymentLine
from eldercare.planning import rules as planning_rules
from eldercare.planning.exchange.datasets import export_dataset
from eldercare.planning.registry import key_counts

PAID = (LineStatus.PAID, LineStatus.ISSUED)
# The programmes of both city profiles (policy benefits.programmes); any other code counts as "other".
PROGRAMMES = {
    "old_age_allowance": "高龄津贴",
    "care_service_subsidy": "养老服务补贴",
    "nursing_subsidy": "护理补贴",
    "meal_subsidy": "助餐补贴",
    "family_care_bed": "家庭养老床位补贴",
    "home_adaptation": "适老化改造补贴",
    "other": "其他补贴",
}
LABELS = {
    "subsidies.paid": "当月发放补贴（合计）",
    "subsidies.recipients": "当月领取补贴的老年人",
    **{f"subsidies.paid.{code}": f"{name}发放额" for code, name in PROGRAMMES.items()},
    **{f"subsidies.recipients.{code}": f"{name}领取人数" for code, name in PROGRAMMES.items()},
}
UNITS = {key: ("元" if key.startswith("subsidies.paid") else "人") for key in LABELS}


def paid_lines(division_code: str, month: date) -> QuerySet[PaymentLine]:
    return PaymentLine.objects.filter(
        settlement__period=planning_rules.month_start(month),
        status__in=list(PAID),
        division_code__startswith=division_code,
    )


@key_counts("benefits.subsidies", labels=LABELS, units=UNITS, flow=True)
def subsidy_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    """Subsidies paid in the month's settlement per programme and community, in yuan and recipients."""
    out: dict[str, dict[str, float]] = {key: {} for key in LABELS}
    lines = paid_lines(division_code, start)
    for row in (
        lines.values("division_code")
        .annotate(fen=Sum("amount_fen"), n=Count("elder_id", distinct=True))
        .order_by()
    ):
        out["subsidies.paid"][row["division_code"]] = (row["fen"] or 0) / 100
        out["subsidies.recipients"][row["division_code"]] = row["n"]
    for row in (
        lines.values("division_code", "programme_code")
        .annotate(fen=Sum("amount_fen"), n=Count("elder_id", distinct=True))
        .order_by()
    ):
        code = row["programme_code"] if row["programme_code"] in PROGRAMMES else "other"
        paid, recipients = out[f"subsidies.paid.{code}"], out[f"subsidies.recipients.{code}"]
        where = row["division_code"]
        paid[where] = paid.get(where, 0) + (row["fen"] or 0) / 100
        recipients[where] = recipients.get(where, 0) + row["n"]
    return out


@export_dataset(
    "subsidies",
    schema_version="1.0",
    title="补贴发放（按社区、项目）Subsidies by community and programme",
    columns=[
        "division_code",
        "month",
        "programme_code",
        "line_kind",
        "lines",
        "recipients",
        "amount_fen",
        "paid_fen",
    ],
)
def subsidy_rows(division_code: str, month: date) -> Iterator[dict[str, Any]]:
    """Every payment line of the month's settlement, summed per community, programme and kind; `paid_fen`
    is the part whose money reached the elder."""
    first = planning_rules.month_start(month)
    rows = (
        PaymentLine.objects.filter(settlement__period=first, division_code__startswith=division_code)
        .values("division_code", "programme_code", "kind")
        .annotate(
            lines=Count("id"),
            recipients=Count("elder_id", distinct=True),
            amount=Sum("amount_fen"),
            paid=Sum("amount_fen", filter=Q(status__in=list(PAID))),
        )
        .order_by("division_code", "programme_code", "kind")
    )
    for r in rows:
        yield {
            "division_code": r["division_code"],
            "month": first.strftime("%Y-%m"),
            "programme_code": r["programme_code"],
            "line_kind": r["kind"],
            "lines": r["lines"],
            "recipients": r["recipients"],
            "amount_fen": r["amount"] or 0,
            "paid_fen": r["paid"] or 0,
        }
