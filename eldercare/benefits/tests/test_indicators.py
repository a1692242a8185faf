"""Subsidies paid per programme and month (key counts) and the `subsidies` data set, on hand-made lines."""

from __future__ import annotations

from datetime import date

import pytest

from eldercare.benefits import indicators
from eldercare.benefits.models import Entitlement, PaymentLine, Settlement
from eldercare.benefits.tests.factories import entitle, make_elder
from eldercare.core.tests.factories import CITY, DISTRICT, first_child
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db

JUNE, JULY = date(2026, 6, 1), date(2026, 7, 1)


def line(
    settlement: Settlement, elder: Elder, programme: str, fen: int, status: str, kind: str = "regular"
) -> None:
    PaymentLine.objects.create(
        settlement=settlement,
        entitlement=Entitlement.objects.filter(elder=elder, programme_code=programme).first()
        or entitle(elder, programme),
        elder=elder,
        programme_code=programme,
        kind=kind,
        for_period=settlement.period,
        amount_fen=fen,
        payment_form="bank",
        rule_version_id=1,
        status=status,
        division_code=elder.residence_division_id,
        district_code=elder.residence_division_id[:6],
    )


def test_subsidies_paid_count_the_months_settlement_lines_whose_money_reached_the_elder() -> None:
    c = first_child(first_child(DISTRICT).code)
    june, july = Settlement.objects.create(period=JUNE), Settlement.objects.create(period=JULY)
    a, b, d = (make_elder(residence_division=c) for _ in range(3))
    line(june, a, "old_age_allowance", 10000, "paid")
    line(june, a, "nursing_subsidy", 20000, "issued")
    line(june, b, "old_age_allowance", 10000, "paid")
    line(june, d, "old_age_allowance", 10000, "failed")  # did not reach the elder
    line(june, d, "pension_top_up", 5000, "paid")  # a programme of neither profile
    line(july, a, "old_age_allowance", 10000, "paid")  # next month

    counts = indicators.subsidy_key_counts(CITY, JUNE, date(2026, 6, 30))

    assert counts["subsidies.paid"] == {c.code: 450.0} and counts["subsidies.recipients"] == {c.code: 3}
    assert counts["subsidies.paid.old_age_allowance"] == {c.code: 200.0}
    assert counts["subsidies.recipients.old_age_allowance"] == {c.code: 2}
    assert counts["subsidies.paid.nursing_subsidy"] == {c.code: 200.0}
    assert counts["subsidies.paid.other"] == {c.code: 50.0}
    rows = {(r["programme_code"], r["line_kind"]): r for r in indicators.subsidy_rows(CITY, JUNE)}
    assert (
        rows[("old_age_allowance", "regular")]["amount_fen"],
        rows[("old_age_allowance", "regular")]["paid_fen"],
    ) == (30000, 20000)
    assert rows[("old_age_allowance", "regular")]["recipients"] == 3


def test_the_subsidies_are_refreshed_into_the_planning_key_counts() -> None:
    from eldercare.core.services import profile_load
    from eldercare.planning import services
    from eldercare.planning.models import KeyCount

    profile_load(code="jiangmen")
    c = first_child(first_child(DISTRICT).code)
    june = Settlement.objects.create(period=JUNE)
    line(june, make_elder(residence_division=c), "meal_subsidy", 1234, "paid")

    services.refresh(months=[JUNE])

    assert (
        KeyCount.objects.get(key="subsidies.paid.meal_subsidy", division_id=CITY, month=JUNE).value == 12.34
    )
    assert KeyCount.objects.get(key="subsidies.recipients", division_id=DISTRICT, month=JUNE).value == 1
