"""The pure rules: units, caps, redeeming age, transfers, badges (no database)."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from eldercare.timebank import rules
from eldercare.timebank.rules import TimebankPolicy

POLICY = TimebankPolicy()


def test_one_hour_of_service_is_one_unit_by_default() -> None:
    assert rules.units_for_service(60, "cleaning", POLICY) == 60
    assert rules.units_for_service(90, "anything", POLICY) == 90


def test_the_rate_is_by_service_type() -> None:
    policy = TimebankPolicy(units_per_hour={"default": 60, "care": 90})
    assert rules.units_for_service(60, "care", policy) == 90
    assert rules.units_for_service(60, "chat", policy) == 60


@given(st.integers(min_value=0, max_value=200_000), st.integers(min_value=0, max_value=100_000))
def test_a_deposit_is_split_without_loss_and_never_passes_the_cap(balance: int, amount: int) -> None:
    credited, overflow = rules.split_deposit(balance, amount, POLICY)
    assert credited + overflow == amount
    assert credited >= 0 and overflow >= 0
    assert balance + credited <= max(balance, 90_000)


def test_no_cap_credits_everything() -> None:
    assert rules.split_deposit(10**9, 60, TimebankPolicy(cap_minutes=None)) == (60, 0)


@given(st.integers(min_value=-10, max_value=1000), st.integers(min_value=-10, max_value=1000))
def test_a_spend_never_leaves_a_negative_balance(available: int, amount: int) -> None:
    decision = rules.may_spend(available, amount)
    assert decision.allowed == (amount > 0 and available - amount >= 0)


def test_units_are_redeemed_from_the_policy_age() -> None:
    on = date(2026, 6, 1)
    assert not rules.may_redeem(date(1966, 6, 2), on, POLICY).allowed  # 59 until tomorrow
    assert rules.may_redeem(date(1966, 6, 1), on, POLICY).allowed
    assert not rules.may_redeem(date(1963, 1, 1), on, TimebankPolicy(min_redeeming_age=65)).allowed
    assert rules.may_redeem(None, on, POLICY).allowed  # pools are not people


def test_transfers_go_to_verified_direct_relatives_only() -> None:
    assert rules.may_transfer("parent", POLICY).allowed
    assert rules.may_transfer("spouse", POLICY).allowed
    assert rules.may_transfer("sibling", POLICY).code == rules.RuleCode.RELATION_NOT_ALLOWED
    assert rules.may_transfer(None, POLICY).code == rules.RuleCode.RELATION_UNVERIFIED


def test_no_cash_out_ever() -> None:
    assert rules.may_cash_out(POLICY).code == rules.RuleCode.CASH_OUT


def test_expiry_is_off_by_default() -> None:
    assert rules.expires_on(date(2026, 1, 31), POLICY) is None
    assert rules.expires_on(date(2026, 1, 31), TimebankPolicy(expiry_months=1)) == date(2026, 2, 28)


def test_receiving_may_not_pass_the_cap() -> None:
    assert rules.may_receive(89_940, 60, POLICY).allowed
    assert not rules.may_receive(89_941, 60, POLICY).allowed


def test_badges_and_honours_follow_hours() -> None:
    assert rules.badges_for(9) == []
    assert rules.badges_for(120) == ["bronze", "silver", "gold"]
    assert rules.yearly_honour(250) == "outstanding" and rules.yearly_honour(5) == ""


@given(st.lists(st.integers(min_value=-1000, max_value=1000), max_size=6))
def test_postings_balance_means_sum_zero_and_no_empty_lines(amounts: list[int]) -> None:
    assert rules.postings_balance(amounts) == (bool(amounts) and sum(amounts) == 0 and 0 not in amounts)


def test_policy_from_stored_values() -> None:
    policy = TimebankPolicy.from_values({"min_redeeming_age": 65, "expiry_months": 0, "cap_minutes": None})
    assert policy.min_redeeming_age == 65 and policy.expiry_months is None and policy.cap_minutes is None
