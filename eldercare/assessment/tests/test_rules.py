"""Scoring rules over the shipped instrument data: no database, hypothesis over all 26 items."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.assessment import instruments, rules
from eldercare.assessment.instruments import GBT_42195, MZT_039

ITEM_CODES = [
    "eating",
    "grooming",
    "bathing",
    "dressing_upper",
    "dressing_lower",
    "urine_control",
    "bowel_control",
    "toileting",
    "bed_mobility",
    "chair_transfer",
    "level_walking",
    "stairs",
    "time_orientation",
    "place_orientation",
    "person_orientation",
    "memory",
    "comprehension",
    "expression",
    "aggression",
    "depression",
    "consciousness",
    "vision",
    "hearing",
    "daily_affairs",
    "transport_use",
    "social_interaction",
]


@cache
def instrument(code: str = GBT_42195) -> rules.Instrument:
    for definition in instruments.shipped_definitions():
        if definition["instrument"]["code"] == code:
            return instruments.parse_instrument(definition)
    raise LookupError(code)


GBT = instrument()


def answers_strategy(inst: rules.Instrument = GBT) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({i.code: st.sampled_from(sorted(i.scores)) for i in inst.items})


@st.composite
def answers_with_total(draw: st.DrawFn, total: int) -> dict[str, int]:
    """Answers adding up to exactly `total`, spread over the items in a random order."""
    order = draw(st.permutations(list(GBT.items)))
    answers, left = {}, total
    for item in order:
        answers[item.code] = min(item.max_score, left)
        left -= answers[item.code]
    assert left == 0
    return answers


facts_strategy = st.builds(
    rules.HealthFacts,
    coma=st.booleans(),
    diagnoses=st.lists(st.sampled_from(["F00", "F01.1", "F03", "F05", "F20.0", "F99", "I10", "G30"])).map(
        tuple
    ),
    psychiatrist_diagnosed=st.booleans(),
    risk_events=st.dictionaries(
        st.sampled_from(["fall", "wandering", "choking", "other"]), st.integers(0, 3)
    ),
)
policy_strategy = st.builds(
    rules.AdjustmentPolicy,
    stack_raises=st.booleans(),
    risk_events_counting=st.sampled_from(["sum", "single_type"]),
    risk_events_threshold=st.integers(1, 4),
)


def test_the_instrument_has_exactly_the_26_item_codes_of_the_issue_with_their_maxima() -> None:
    # given the shipped GB/T 42195-2022 definition
    # then its item codes, dimension maxima and total are those of the standard
    assert [i.code for i in GBT.items] == ITEM_CODES
    assert {d.code: d.max_score for d in GBT.dimensions} == {
        "self_care": 32,
        "mobility": 15,
        "mental": 28,
        "perception_social": 15,
    }
    assert sum(i.max_score for i in GBT.items) == 90
    assert GBT.item("eating").option_text(0) == "完全依赖他人协助进食，或吞咽困难，或留置营养管"  # type: ignore[union-attr]


@pytest.mark.parametrize("code", [GBT_42195, MZT_039])
def test_the_shipped_definitions_are_consistent(code: str) -> None:
    assert instruments.check_definition(instrument(code)) == []


@given(answers=answers_strategy())
def test_the_total_is_the_sum_of_the_items_and_of_the_dimensions(answers: dict[str, int]) -> None:
    result = rules.score(GBT, answers)
    assert result.total == sum(answers.values())
    assert sum(d.score for d in result.dimensions) == result.total
    assert result.level == result.preliminary_level  # no health facts, no adjustment


BAND_EDGES = [(29, 4), (30, 3), (45, 3), (46, 2), (65, 2), (66, 1), (89, 1), (90, 0)]


@pytest.mark.parametrize(("total", "level"), BAND_EDGES)
@given(data=st.data())
def test_each_band_edge_maps_to_its_level(total: int, level: int, data: st.DataObject) -> None:
    # given answers adding up to a band edge
    answers = data.draw(answers_with_total(total))
    # when scored without adjustments
    result = rules.score(GBT, answers)
    # then the preliminary and final level are the band's
    assert (result.total, result.preliminary_level, result.level) == (total, level, level)
    assert result.level_name == GBT.level(level).name


@given(answers=answers_strategy(), facts=facts_strategy, policy=policy_strategy)
def test_adjustments_never_pass_level_4_nor_lower_the_level(
    answers: dict[str, int], facts: rules.HealthFacts, policy: rules.AdjustmentPolicy
) -> None:
    result = rules.score(GBT, answers, facts, policy)
    assert result.preliminary_level <= result.level <= 4
    if not policy.stack_raises and not facts.coma:
        assert result.level - result.preliminary_level <= 1


@given(answers=answers_strategy(), facts=facts_strategy, policy=policy_strategy)
def test_coma_always_gives_level_4_and_overrides_everything(
    answers: dict[str, int], facts: rules.HealthFacts, policy: rules.AdjustmentPolicy
) -> None:
    result = rules.score(GBT, answers, rules.HealthFacts(**{**_fields(facts), "coma": True}), policy)
    assert result.level == 4
    assert [a.rule for a in result.adjustments] == ["coma"]


@given(
    answers=answers_strategy(),
    codes=st.lists(
        st.integers(4, 99).map(lambda n: f"F{n:02d}") | st.sampled_from(["F20.0", "F32.1", "F99"]), min_size=1
    ),
    psychiatrist=st.booleans(),
)
def test_an_f04_to_f99_code_raises_only_when_a_psychiatrist_made_the_diagnosis(
    answers: dict[str, int], codes: list[str], psychiatrist: bool
) -> None:
    # given only F04–F99 diagnoses, no coma and no risk events
    facts = rules.HealthFacts(diagnoses=tuple(codes), psychiatrist_diagnosed=psychiatrist)
    # when scored
    result = rules.score(GBT, answers, facts)
    # then the level goes up one (capped at 4) exactly when a psychiatrist diagnosed it
    expected = min(4, result.preliminary_level + 1) if psychiatrist else result.preliminary_level
    assert result.level == expected
    assert [a.rule for a in result.adjustments] == (["psychiatric"] if psychiatrist else [])


@given(
    answers=answers_strategy(),
    code=st.sampled_from(["F00", "F01", "F02", "F03.9"]),
    psychiatrist=st.booleans(),
)
def test_dementia_raises_one_level_whoever_diagnosed_it(
    answers: dict[str, int], code: str, psychiatrist: bool
) -> None:
    result = rules.score(
        GBT, answers, rules.HealthFacts(diagnoses=(code,), psychiatrist_diagnosed=psychiatrist)
    )
    assert result.level == min(4, result.preliminary_level + 1)


def test_two_raises_stack_only_when_the_policy_says_so() -> None:
    # given a mildly impaired elder (total 70) with dementia and two falls this month
    answers = {i.code: i.max_score for i in GBT.items}
    for code in ("bathing", "stairs", "memory", "daily_affairs", "transport_use"):
        answers[code] -= 2
    answers["eating"] -= 4
    answers["grooming"] -= 4
    answers["toileting"] -= 2
    assert sum(answers.values()) == 70
    facts = rules.HealthFacts(diagnoses=("F03",), risk_events={"fall": 2})
    # when scored under each policy
    single = rules.score(GBT, answers, facts, rules.AdjustmentPolicy(stack_raises=False))
    stacked = rules.score(GBT, answers, facts, rules.AdjustmentPolicy(stack_raises=True))
    # then both rules are listed, and only the stacking policy raises twice
    assert (single.preliminary_level, single.level, stacked.level) == (1, 2, 3)
    assert [(a.rule, a.applied) for a in single.adjustments] == [("dementia", True), ("risk_events", False)]


def test_risk_events_count_as_the_sum_over_types_or_per_type_as_the_policy_says() -> None:
    answers = {i.code: i.max_score for i in GBT.items}
    facts = rules.HealthFacts(risk_events={"fall": 1, "wandering": 1})
    assert rules.score(GBT, answers, facts, rules.AdjustmentPolicy(risk_events_counting="sum")).level == 1
    assert (
        rules.score(GBT, answers, facts, rules.AdjustmentPolicy(risk_events_counting="single_type")).level
        == 0
    )


def test_every_bad_item_is_named() -> None:
    # given answers with one missing, one out of range, one not a number and one unknown item
    answers: dict[str, object] = {i.code: 0 for i in GBT.items}
    del answers["eating"]
    answers["stairs"] = 4
    answers["vision"] = "2"
    answers["flying"] = 1
    # when scored
    with pytest.raises(rules.InvalidAnswersError) as caught:
        rules.score(GBT, answers)
    # then each problem names its item
    assert {(p.item, p.problem) for p in caught.value.problems} == {
        ("eating", "missing"),
        ("stairs", "out_of_range"),
        ("vision", "not_an_integer"),
        ("flying", "unknown_item"),
    }


def test_mzt039_grades_by_the_card_and_coma_gives_severe_disability() -> None:
    mzt = instrument(MZT_039)
    able = {i.code: (i.max_score if i.dimension == "adl" else 0) for i in mzt.items}
    assert rules.score(mzt, able).level == 0
    assert rules.score(mzt, {**able, "stairs": 5, "bathing": 0}).level == 1  # ADL 90 → grade 1
    assert rules.score(mzt, able, rules.HealthFacts(coma=True)).level == 3
    assert rules.score(mzt, {**able, "consciousness": 3}).level == 1  # 感知 3 with ADL 0 → 1


@given(
    adl=st.integers(0, 3), mental=st.integers(0, 3), perception=st.integers(0, 3), social=st.integers(0, 3)
)
def test_the_mzt039_card_gives_a_grade_for_every_combination_and_is_monotone_in_adl(
    adl: int, mental: int, perception: int, social: int
) -> None:
    grade = rules.mzt039_combined_grade(adl=adl, mental=mental, perception=perception, social=social)
    assert 0 <= grade <= 3
    assert grade >= (1 if adl >= 1 else 0)
    assert (adl == 3) <= (grade == 3)


def _fields(facts: rules.HealthFacts) -> dict[str, object]:
    return {
        "coma": facts.coma,
        "diagnoses": facts.diagnoses,
        "psychiatrist_diagnosed": facts.psychiatrist_diagnosed,
        "risk_events": facts.risk_events,
    }
