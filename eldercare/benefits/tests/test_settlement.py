"""Monthly settlement: idempotent runs, pre-settlement findings, recoveries after a late death."""

import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction

from eldercare.benefits.choices import LineKind, SettlementStatus, SuspensionReason, SuspensionStatus
from eldercare.benefits.models import Absence, PaymentLine, Settlement, Suspension
from eldercare.benefits.rules import Month
from eldercare.benefits.services import settle_month, settlement_lock, suspension_decide
from eldercare.benefits.tests.factories import entitle, load_city, make_elder, publish_level
from eldercare.core.exceptions import DomainError
from eldercare.core.models import CityProfile
from eldercare.core.selectors import policy_value
from eldercare.core.services import policy_set
from eldercare.registry.models import Elder, ElderGroupMembership
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


# ---- the set-based path pays exactly what the rules pay ---------------------------------------------
GROUPS_PROGRAMME = {
    "code": "test_group_allowance",
    "name": "测试群体津贴",
    "kind": "monthly",
    "grant": "automatic",
    "start_rule": "same_month",
    "proration": "daily",
    "min_age": 60,
    "hukou_required": True,
    "groups_any": ["fp_special", "veteran"],
    "ends_on_admission": True,
    "source": "test",
    "certainty": "assumption",
    "tiers": [
        {"label": "百岁（不另发）", "amount_fen": 0, "min_age": 100},
        {"label": "退役军人 60–79", "amount_fen": 5000, "max_age": 79, "groups": ["veteran"]},
        {"label": "低保", "amount_fen": 7000, "economic_statuses": ["dibao"]},
        {"label": "重度以上", "amount_fen": 9000, "levels": [3, 4]},
        {"label": "其他", "amount_fen": 2000, "min_age": 65},
    ],
}


def _varied_population(rng: random.Random, n: int) -> None:
    """Elders around every edge the rules know: band birthdays (29 February too), status and validity
    changes inside and around the month, levels published on either side of its start, groups, hukou."""
    march = Month(2025, 3)
    edges = [
        date(y, m, d) for y in (1925, 1935, 1945, 1960, 1965) for m, d in ((2, 28), (3, 1), (3, 31), (4, 1))
    ]
    edges += [date(1936, 2, 29), date(1944, 2, 29), date(1940, 7, 15)]
    around = [
        march.first - timedelta(days=1),
        march.first,
        date(2025, 3, 15),
        march.last,
        march.last + timedelta(days=1),
    ]
    for i in range(n):
        birth = (
            rng.choice(edges)
            if i % 2
            else date(rng.randint(1915, 1966), rng.randint(1, 12), rng.randint(1, 28))
        )
        elder = make_elder(birth_date=birth)
        status = rng.choice(["active"] * 6 + ["deceased", "moved_out", "in_institution"])
        changed = rng.choice([*around, None])
        Elder.objects.filter(pk=elder.pk).update(
            economic_status=rng.choice(["ordinary", "dibao", "tekun", "dibian"]),
            economic_valid_from=rng.choice([None, None, *around]),
            economic_valid_to=rng.choice([None, None, *around]),
            hukou_division_id=rng.choice([elder.residence_division_id] * 5 + [None, "420102"]),
            status=status,
            status_changed_on=changed,
            deceased_on=changed if status == "deceased" else None,
        )
        for group in rng.sample(["fp_special", "veteran", "disability"], rng.randint(0, 2)):
            ElderGroupMembership.objects.create(elder=elder, group=group)
        for _ in range(rng.randint(0, 2)):
            publish_level(elder, rng.randint(0, 4), rng.choice([date(2025, 1, 10), *around]))
        for programme in (
            "old_age_allowance",
            "care_service_subsidy",
            "nursing_subsidy",
            GROUPS_PROGRAMME["code"],
        ):
            start = rng.choice([date(2024, 12, 1), date(2025, 3, 1), date(2025, 3, 15)])
            ends = [e for e in (date(2025, 3, 20), march.last, date(2025, 2, 28)) if e >= start]
            entitle(elder, programme, start_on=start, end_on=rng.choice([None, None, *ends]))


def test_the_set_based_settlement_pays_exactly_what_the_rules_pay_row_by_row() -> None:
    # given the programmes plus one with groups, a zero tier and a same-month start; 240 varied elders
    current = policy_value("benefits.programmes", on=date(2025, 3, 1)).value
    policy_set(
        profile=CityProfile.objects.get(code="jiangmen"),
        key="benefits.programmes",
        value={**current, "programmes": [*current["programmes"], GROUPS_PROGRAMME]},
        valid_from=date(2025, 2, 1),
        actor=None,
        reason="test programme",
    )
    _varied_population(random.Random(20250301), 240)
    # when March is settled row by row (then rolled back) and set-based
    with transaction.atomic():
        reference = settle_month(period=Month(2025, 3), actor="test", set_based=False)
        expected = lines_with_detail("2025-03")
        flagged = sorted(Suspension.objects.values_list("entitlement_id", "reason", "detail"))
        transaction.set_rollback(True)
    report = settle_month(period=Month(2025, 3), actor="test")
    # then both produce the same lines, amounts, tiers and findings, and most lines came from the set
    assert lines_with_detail("2025-03") == expected
    assert sorted(Suspension.objects.values_list("entitlement_id", "reason", "detail")) == flagged
    assert (report.regular, report.amount_fen, report.suspended) == (
        reference.regular,
        reference.amount_fen,
        reference.suspended,
    )
    assert reference.set_based == 0
    assert 0 < report.set_based < report.regular
    assert {"test_group_allowance", "care_service_subsidy", "old_age_allowance"} <= {
        code for _, code, *_ in expected
    }


def lines_with_detail(period: str) -> list[tuple[Any, ...]]:
    return sorted(
        PaymentLine.objects.filter(settlement__period=Month.parse(period).first).values_list(
            "entitlement_id",
            "programme_code",
            "kind",
            "amount_fen",
            "tier",
            "payment_form",
            "reasons",
            "division_code",
            "district_code",
            "rule_version_id",
            "status",
        )
    )
