"""Monthly settlement: idempotent runs, pre-settlement findings, recoveries after a late death."""

from datetime import date

import pytest

from eldercare.benefits.choices import LineKind, SettlementStatus, SuspensionReason, SuspensionStatus
from eldercare.benefits.models import Absence, PaymentLine, Settlement, Suspension
from eldercare.benefits.rules import Month
from eldercare.benefits.services import settle_month, settlement_lock, suspension_decide
from eldercare.benefits.tests.factories import entitle, load_city, make_elder, publish_level
from eldercare.core.exceptions import DomainError
from eldercare.registry.services.life_events import life_event_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _city() -> None:
    load_city()


def lines_of(period: str) -> list[tuple[int, str, str, int]]:
    return sorted(
        PaymentLine.objects.filter(settlement__period=Month.parse(period).first).values_list(
            "entitlement_id", "kind", "for_period", "amount_fen"
        )
    )


def test_running_the_settlement_twice_produces_the_same_lines() -> None:
    # given three elders receiving the old-age allowance in three bands
    for birth in (date(1940, 5, 1), date(1930, 5, 1), date(1920, 5, 1)):
        entitle(make_elder(birth_date=birth))
    # when March 2025 is settled twice
    first = settle_month(period=Month(2025, 3), actor="test")
    before = lines_of("2025-03")
    second = settle_month(period=Month(2025, 3), actor="test")
    # then the second run adds nothing and the lines are the same, with the rule version recorded
    assert first.regular == 3
    assert second.regular == 0
    assert second.already_there == 3
    assert lines_of("2025-03") == before
    assert sorted(a for *_, a in before) == [3000, 10000, 30000]
    assert not PaymentLine.objects.filter(rule_version_id=0).exists()
    assert Settlement.objects.get().runs == 2


def test_a_death_imported_after_payment_produces_a_recovery_line_next_month() -> None:
    # given an allowance paid for March and April
    elder = make_elder(birth_date=date(1940, 5, 1))
    ent = entitle(elder)
    settle_month(period=Month(2025, 3), actor="test")
    settle_month(period=Month(2025, 4), actor="test")
    # when a death on 15 March is imported afterwards
    event = life_event_record(elder=elder, kind="death", occurred_on=date(2025, 3, 15), actor="test")
    # then the registry lists April's payment as a suspected overpayment
    event.refresh_from_db()
    assert event.overpayment_fen == 3000
    assert event.outcome["overpayments"][0]["period"] == "2025-04"
    ent.refresh_from_db()
    assert (ent.status, ent.end_on) == ("ended", date(2025, 3, 15))
    # and May's settlement books April back as a recovery (March is kept: full month under the policy)
    report = settle_month(period=Month(2025, 5), actor="test")
    assert report.recoveries == 1
    assert lines_of("2025-05") == [(ent.pk, LineKind.RECOVERY, date(2025, 4, 1), -3000)]
    # and running May again adds nothing
    assert settle_month(period=Month(2025, 5), actor="test").recoveries == 0
    assert len(lines_of("2025-05")) == 1


def test_a_level_change_after_reassessment_changes_the_amount_from_the_month_after() -> None:
    # given a 低保 elder at level 2 receiving the care-service subsidy
    elder = make_elder(birth_date=date(1950, 1, 1), economic_status="dibao")
    publish_level(elder, 2, date(2024, 6, 1))
    entitle(elder, "care_service_subsidy", start_on=date(2024, 7, 1))
    # when the elder is reassessed at level 4 on 20 May
    publish_level(elder, 4, date(2025, 5, 20))
    settle_month(period=Month(2025, 5), actor="test")
    settle_month(period=Month(2025, 6), actor="test")
    # then May pays level 2 and June level 4
    assert [a for *_, a in lines_of("2025-05")] == [20000]
    assert [a for *_, a in lines_of("2025-06")] == [40000]


def test_presettlement_checks_list_a_long_absence_for_review_and_hold_the_payment() -> None:
    # given a care-subsidy recipient in hospital for 20 days of April
    elder = make_elder(birth_date=date(1950, 1, 1), economic_status="tekun")
    publish_level(elder, 3, date(2024, 6, 1))
    ent = entitle(elder, "care_service_subsidy", start_on=date(2024, 7, 1))
    Absence.objects.create(
        elder=elder,
        kind="hospital",
        start_on=date(2025, 4, 5),
        end_on=date(2025, 4, 24),
        division_code=elder.residence_division_id,
    )
    # when April is settled
    report = settle_month(period=Month(2025, 4), actor="test")
    # then the absence is listed with its reason, nothing is paid yet, and the settlement cannot be locked
    finding = Suspension.objects.get(entitlement=ent)
    assert finding.reason == SuspensionReason.ABSENCE
    assert "20 days" in finding.detail
    assert report.regular == 0
    settlement = Settlement.objects.get()
    with pytest.raises(DomainError, match="still open"):
        settlement_lock(settlement=settlement, actor="test")
    # when the reviewer dismisses the finding and the draft runs again, then the line is paid
    suspension_decide(suspension=finding, confirm=False, actor="test")
    assert settle_month(period=Month(2025, 4), actor="test").regular == 1
    settlement_lock(settlement=settlement, actor="test")
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.LOCKED
    with pytest.raises(DomainError, match="no longer run"):
        settle_month(period=Month(2025, 4), actor="test")


def test_a_death_recorded_without_the_hook_is_found_and_confirming_it_ends_the_entitlement() -> None:
    from eldercare.registry.models import Elder

    elder = make_elder(birth_date=date(1940, 5, 1))
    ent = entitle(elder)
    Elder.objects.filter(pk=elder.pk).update(status="deceased", deceased_on=date(2025, 2, 10))
    settle_month(period=Month(2025, 3), actor="test")
    finding = Suspension.objects.get(entitlement=ent, reason=SuspensionReason.DECEASED)
    suspension_decide(suspension=finding, confirm=True, actor="test")
    ent.refresh_from_db()
    finding.refresh_from_db()
    assert (ent.status, ent.end_on, finding.status) == (
        "ended",
        date(2025, 2, 10),
        SuspensionStatus.CONFIRMED,
    )
    assert lines_of("2025-03") == []


def test_a_status_change_mid_month_prorates_the_subsidy() -> None:
    from eldercare.registry.models import Elder

    elder = make_elder(birth_date=date(1950, 1, 1), economic_status="dibao")
    Elder.objects.filter(pk=elder.pk).update(economic_valid_to=date(2025, 4, 10))
    publish_level(elder, 3, date(2024, 6, 1))
    entitle(elder, "care_service_subsidy", start_on=date(2024, 7, 1))
    settle_month(period=Month(2025, 4), actor="test")
    assert [a for *_, a in lines_of("2025-04")] == [30000 * 10 // 30]
    settle_month(period=Month(2025, 5), actor="test")
    assert lines_of("2025-05") == []
    assert Suspension.objects.filter(reason=SuspensionReason.NOT_ELIGIBLE).count() == 1


def test_the_daily_grant_gives_the_allowance_from_the_month_after_the_80th_birthday() -> None:
    from eldercare.benefits.models import Entitlement, Notification
    from eldercare.benefits.services import grant_automatic

    # given an elder turning 80 on 15 March 2025 (Jiangmen: the month after) and a 79-year-old
    turning = make_elder(birth_date=date(1945, 3, 15))
    make_elder(birth_date=date(1946, 3, 15))
    # when the daily task runs in March, then on 1 April, then again
    assert grant_automatic(on=date(2025, 3, 20), actor="task").granted == 0
    assert grant_automatic(on=date(2025, 4, 1), actor="task").granted == 1
    assert grant_automatic(on=date(2025, 4, 2), actor="task").granted == 0
    # then the allowance runs from April and the elder is told in plain words
    ent = Entitlement.objects.get(elder=turning)
    assert (ent.start_on, ent.monthly_amount_fen) == (date(2025, 4, 1), 3000)
    assert Notification.objects.filter(elder=turning, text__contains="2025年4月").exists()


def test_settle_month_command_runs_and_refuses_bad_periods() -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    entitle(make_elder(birth_date=date(1940, 5, 1)))
    out = StringIO()
    call_command("settle_month", "--period", "2025-03", stdout=out)
    assert "1 regular" in out.getvalue()
    call_command("settle_month", "--period", "2025-03", stdout=out)
    assert "0 regular" in out.getvalue()
    with pytest.raises(CommandError, match="period"):
        call_command("settle_month", "--period", "2025-3")
