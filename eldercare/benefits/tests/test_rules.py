"""The programme rules at their edges: birthdays, deaths, status changes, level changes, pro-rating."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.benefits.rules import (
    ElderSnapshot,
    LevelFact,
    Month,
    Programme,
    Tier,
    age_on,
    evaluate,
    full_month_plan,
    qualifying_start,
    step_outcome,
)

ALLOWANCE = Programme(
    code="old_age_allowance",
    name="高龄津贴",
    grant="automatic",
    min_age=80,
    start_rule="next_month",
    proration="full",
    tiers=(
        Tier("80–89", 3000, min_age=80, max_age=89),
        Tier("90–99", 10000, min_age=90, max_age=99),
        Tier("100+", 30000, min_age=100),
    ),
)
CARE = Programme(
    code="care_subsidy",
    name="养老服务补贴",
    min_age=60,
    proration="daily",
    economic_statuses=frozenset({"dibao", "tekun", "dibian"}),
    min_level=2,
    tiers=(
        Tier("moderate", 10000, levels=frozenset({2})),
        Tier("severe", 20000, levels=frozenset({3})),
        Tier("total", 30000, levels=frozenset({4})),
    ),
)


def elder(**kwargs: object) -> ElderSnapshot:
    base: dict[str, object] = {"elder_id": 1, "birth_date": date(1945, 3, 15)}
    base.update(kwargs)
    return ElderSnapshot(**base)  # type: ignore[arg-type]


def same_month(p: Programme) -> Programme:
    from dataclasses import replace

    return replace(p, start_rule="same_month")


def with_proration(p: Programme, proration: str) -> Programme:
    from dataclasses import replace

    return replace(p, proration=proration)


# ---- the month of the 80th birthday under both start rules ----------------------------------------
def test_80th_birthday_month_is_paid_under_same_month_rule() -> None:
    # given an elder who turns 80 on 15 March 2025 and a programme that starts the month of the birthday
    e = elder(birth_date=date(1945, 3, 15))
    # when March, and February, are evaluated
    march = evaluate(e, same_month(ALLOWANCE), Month(2025, 3))
    february = evaluate(e, same_month(ALLOWANCE), Month(2025, 2))
    # then March pays the whole first band and February nothing
    assert (march.eligible, march.amount_fen, march.tier) == (True, 3000, "80–89")
    assert march.days == 31
    assert not february.eligible
    assert february.codes == ("age",)


def test_80th_birthday_month_is_not_paid_under_next_month_rule() -> None:
    # given the same elder and the default rule (the month after the birthday)
    e = elder(birth_date=date(1945, 3, 15))
    # when March and April are evaluated
    march = evaluate(e, ALLOWANCE, Month(2025, 3))
    april = evaluate(e, ALLOWANCE, Month(2025, 4))
    # then March is "not yet", and says from when; April pays
    assert not march.eligible
    assert march.qualifies_from == date(2025, 4, 1)
    assert "2025-04" in march.reasons[0]
    assert (april.eligible, april.amount_fen) == (True, 3000)


def test_a_birthday_on_the_first_and_the_last_day_of_the_month() -> None:
    for birth in (date(1945, 3, 1), date(1945, 3, 31)):
        assert evaluate(elder(birth_date=birth), same_month(ALLOWANCE), Month(2025, 3)).amount_fen == 3000
        assert not evaluate(elder(birth_date=birth), ALLOWANCE, Month(2025, 3)).eligible


def test_29_february_birthday_qualifies_in_february_of_a_common_year() -> None:
    e = elder(birth_date=date(1944, 2, 29))  # 80 in 2024 (leap), and e.g. 90 in 2034 (common)
    assert evaluate(e, same_month(ALLOWANCE), Month(2024, 2)).eligible
    assert evaluate(e, same_month(ALLOWANCE), Month(2034, 2)).tier == "90–99"


def test_the_age_band_changes_with_the_start_rule() -> None:
    e = elder(birth_date=date(1935, 6, 10))  # 90 on 10 June 2025
    assert evaluate(e, same_month(ALLOWANCE), Month(2025, 6)).amount_fen == 10000
    assert evaluate(e, ALLOWANCE, Month(2025, 6)).amount_fen == 3000
    assert evaluate(e, ALLOWANCE, Month(2025, 7)).amount_fen == 10000


# ---- death on the first and on the last day of a month --------------------------------------------
@pytest.mark.parametrize(
    ("proration", "died", "expected"),
    [
        ("full", date(2025, 3, 1), 3000),
        ("full", date(2025, 3, 31), 3000),
        ("daily", date(2025, 3, 1), 3000 * 1 // 31),
        ("daily", date(2025, 3, 31), 3000),
        ("none", date(2025, 3, 1), 0),
        ("none", date(2025, 3, 31), 3000),
    ],
)
def test_death_on_the_first_and_last_day_of_a_month(proration: str, died: date, expected: int) -> None:
    # given an 85-year-old who dies in March (the day of death counts)
    e = elder(birth_date=date(1940, 1, 1), deceased_on=died)
    # when March and April are evaluated
    march = evaluate(e, with_proration(ALLOWANCE, proration), Month(2025, 3))
    april = evaluate(e, with_proration(ALLOWANCE, proration), Month(2025, 4))
    # then March pays by the pro-rating policy and April never pays
    assert march.amount_fen == expected
    assert not april.eligible
    assert april.codes == ("deceased",)


def test_death_on_the_last_day_of_the_previous_month_pays_nothing() -> None:
    e = elder(birth_date=date(1940, 1, 1), deceased_on=date(2025, 2, 28))
    assert not evaluate(e, ALLOWANCE, Month(2025, 3)).eligible


# ---- a status change mid-month ---------------------------------------------------------------------
def test_dibao_ending_mid_month_prorates_the_care_subsidy() -> None:
    # given a 低保 elder at level 3 whose status ends on 10 April
    e = elder(
        economic_status="dibao",
        economic_valid_to=date(2025, 4, 10),
        levels=(LevelFact(date(2024, 1, 5), 3),),
    )
    # when April and May are evaluated
    april = evaluate(e, CARE, Month(2025, 4))
    may = evaluate(e, CARE, Month(2025, 5))
    # then April pays 10 of 30 days, and May nothing
    assert april.amount_fen == 20000 * 10 // 30
    assert april.days == 10
    assert not may.eligible
    assert may.codes == ("economic_status_validity",)


def test_dibao_starting_mid_month_prorates_from_that_day() -> None:
    e = elder(
        economic_status="tekun",
        economic_valid_from=date(2025, 4, 21),
        levels=(LevelFact(date(2024, 1, 5), 4),),
    )
    assert evaluate(e, CARE, Month(2025, 4)).amount_fen == 30000 * 10 // 30


def test_moving_out_mid_month() -> None:
    e = elder(economic_status="dibao", left_on=date(2025, 4, 15), levels=(LevelFact(date(2024, 1, 5), 2),))
    assert evaluate(e, CARE, Month(2025, 4)).amount_fen == 10000 * 15 // 30
    assert evaluate(e, CARE, Month(2025, 5)).codes == ("left",)


def test_ordinary_status_is_not_eligible_for_the_care_subsidy() -> None:
    d = evaluate(elder(levels=(LevelFact(date(2024, 1, 1), 4),)), CARE, Month(2025, 4))
    assert not d.eligible
    assert d.codes == ("economic_status",)


# ---- a level change after reassessment -------------------------------------------------------------
def test_a_level_change_counts_from_the_month_after_publication() -> None:
    # given level 2, reassessed as level 4 on 20 May 2025
    e = elder(
        economic_status="dibao",
        levels=(LevelFact(date(2024, 1, 5), 2), LevelFact(date(2025, 5, 20), 4)),
    )
    # then May still pays level 2, June pays level 4 (default: the month after)
    assert evaluate(e, CARE, Month(2025, 5)).amount_fen == 10000
    assert evaluate(e, CARE, Month(2025, 6)).amount_fen == 30000
    # and under "same month" May already pays level 4
    assert evaluate(e, CARE, Month(2025, 5), level_change_from="same_month").amount_fen == 30000


def test_a_level_dropping_below_the_minimum_stops_the_subsidy_from_the_right_month() -> None:
    e = elder(
        economic_status="dibao",
        levels=(LevelFact(date(2024, 1, 5), 3), LevelFact(date(2025, 5, 31), 1)),
    )
    assert evaluate(e, CARE, Month(2025, 5)).eligible
    assert evaluate(e, CARE, Month(2025, 6)).codes == ("level_too_low",)


def test_never_assessed_is_not_eligible_and_says_so() -> None:
    d = evaluate(elder(economic_status="dibao"), CARE, Month(2025, 5))
    assert d.codes == ("level_missing",)


# ---- entitlement window and one-off programmes -----------------------------------------------------
def test_the_entitlement_window_limits_the_month() -> None:
    e = elder(birth_date=date(1940, 1, 1))
    d = evaluate(e, with_proration(ALLOWANCE, "daily"), Month(2025, 4), window=(date(2025, 4, 16), None))
    assert d.amount_fen == 3000 * 15 // 30
    ended = evaluate(e, ALLOWANCE, Month(2025, 5), window=(date(2024, 1, 1), date(2025, 4, 30)))
    assert ended.codes == ("window",)


def test_a_one_off_subsidy_is_paid_only_in_its_month() -> None:
    from dataclasses import replace

    adaptation = replace(CARE, kind="one_off", min_level=None, tiers=(Tier("basic items", 300000),))
    e = elder(economic_status="tekun")
    assert evaluate(e, adaptation, Month(2025, 4), window=(date(2025, 4, 3), None)).amount_fen == 300000
    assert not evaluate(e, adaptation, Month(2025, 5), window=(date(2025, 4, 3), None)).eligible


def test_hukou_elsewhere_is_not_eligible() -> None:
    assert evaluate(elder(hukou_local=False), ALLOWANCE, Month(2025, 4)).codes == ("hukou",)


# ---- properties ------------------------------------------------------------------------------------
births = st.dates(min_value=date(1900, 1, 1), max_value=date(1965, 12, 31))
months = st.builds(Month, st.integers(2020, 2030), st.integers(1, 12))
prorations = st.sampled_from(["daily", "full", "none"])


@given(birth=births, month=months, proration=prorations, death_day=st.integers(1, 31))
def test_amount_never_exceeds_the_tier_and_never_goes_negative(
    birth: date, month: Month, proration: str, death_day: int
) -> None:
    died = month.first + timedelta(days=min(death_day, month.days) - 1)
    d = evaluate(elder(birth_date=birth, deceased_on=died), with_proration(ALLOWANCE, proration), month)
    assert 0 <= d.amount_fen <= 30000
    assert d.eligible == (d.amount_fen > 0) or d.full_amount_fen == 0
    assert d.reasons


@given(birth=births, month=months)
def test_same_month_rule_pays_at_least_as_early_as_next_month_rule(birth: date, month: Month) -> None:
    early = evaluate(elder(birth_date=birth), same_month(ALLOWANCE), month)
    late = evaluate(elder(birth_date=birth), ALLOWANCE, month)
    if late.eligible:
        assert early.eligible
        assert early.amount_fen >= late.amount_fen


@given(birth=births, month=months, day=st.integers(1, 31))
def test_daily_pro_rating_is_monotonic_in_the_days_lived(birth: date, month: Month, day: int) -> None:
    daily = with_proration(ALLOWANCE, "daily")
    end = month.first + timedelta(days=min(day, month.days) - 1)
    shorter = evaluate(elder(birth_date=birth, deceased_on=end), daily, month)
    whole = evaluate(elder(birth_date=birth), daily, month)
    assert shorter.amount_fen <= whole.amount_fen


@given(month=months)
def test_month_arithmetic_round_trips(month: Month) -> None:
    assert month.next().previous() == month
    assert Month.parse(str(month)) == month
    assert month.add(12) == Month(month.year + 1, month.month)
    assert month.last.day == month.days


@given(
    mode=st.sampled_from(["one", "all", "n"]),
    n=st.integers(1, 4),
    reviewers=st.integers(0, 5),
    approvals=st.integers(0, 5),
    rejections=st.integers(0, 2),
)
def test_a_step_with_a_rejection_is_never_complete(
    mode: str, n: int, reviewers: int, approvals: int, rejections: int
) -> None:
    outcome = step_outcome(mode=mode, n=n, reviewers=reviewers, approvals=approvals, rejections=rejections)
    assert not (outcome.complete and outcome.rejected)
    if rejections == 0 and mode == "one":
        assert outcome.complete == (approvals >= 1)


def test_month_parse_refuses_bad_text() -> None:
    for text in ("2025-13", "2025-1", "25-01", "abcd-ef"):
        with pytest.raises(ValueError, match="period"):
            Month.parse(text)


# ---- the full-month plan the set-based settlement compiles to SQL -------------------------------------
ages = st.integers(min_value=0, max_value=110)


@given(
    birth=births,
    month=months,
    start_rule=st.sampled_from(["same_month", "next_month"]),
    min_age=ages,
    span=st.integers(min_value=0, max_value=30),
    level_change_from=st.sampled_from(["same_month", "next_month"]),
)
def test_the_full_month_plan_tells_the_same_ages_as_the_rules(
    birth: date, month: Month, start_rule: str, min_age: int, span: int, level_change_from: str
) -> None:
    programme = Programme(
        code="p",
        name="p",
        min_age=min_age,
        start_rule=start_rule,
        tiers=(Tier("band", 100, min_age=min_age, max_age=min_age + span), Tier("open", 50)),
    )
    plan = full_month_plan(programme, month, level_change_from=level_change_from)
    reference = month.last if start_rule == "same_month" else month.previous().last
    qualified = qualifying_start(birth, min_age, start_rule) <= month.first
    assert (plan.qualified_born_by is not None and birth <= plan.qualified_born_by) == qualified
    band = plan.tiers[0]
    assert band.born_by is not None and band.born_after is not None
    in_band = band.born_after < birth <= band.born_by
    assert in_band == (min_age <= age_on(birth, reference) <= min_age + span)
    assert plan.tiers[1].born_by is None and plan.tiers[1].born_after is None
    published_by = month.last if level_change_from == "same_month" else month.previous().last
    assert plan.level_published_by == published_by
