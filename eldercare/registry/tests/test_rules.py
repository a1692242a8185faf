"""The registry's pure rules: special difficulty, pinyin initials, ID variants."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from eldercare.core.ids import is_valid_resident_id, make_resident_id
from eldercare.registry import rules
from eldercare.registry.policy_keys import NATIONAL_DEFAULT

POLICY = rules.SpecialDifficultyPolicy.from_value(NATIONAL_DEFAULT)
TODAY = date(2026, 1, 1)


def facts(**changes: object) -> rules.ElderFacts:
    base: dict[str, object] = {
        "birth_date": date(1940, 5, 1),
        "living_situation": "with_children",
        "economic_status": "ordinary",
        "groups": frozenset(),
    }
    return rules.ElderFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_an_elder_with_family_and_means_is_not_flagged() -> None:
    assert rules.special_difficulty(facts(), policy=POLICY, today=TODAY) == rules.Decision(False, ())


def test_each_qualifying_fact_is_a_reason() -> None:
    # given an elder living alone, on 低保, in a 计生特殊家庭, with a grade-1 disability and dementia
    decision = rules.special_difficulty(
        facts(
            living_situation="alone",
            economic_status="dibao",
            groups=frozenset({"fp_special", "disability"}),
            disability_grade=1,
            dementia_diagnosed=True,
        ),
        policy=POLICY,
        today=TODAY,
    )
    # then every fact is named
    assert decision.flag
    assert decision.reasons == (
        "living:alone",
        "economic:dibao",
        "group:fp_special",
        "disability:1",
        "dementia",
    )


def test_a_mild_disability_alone_does_not_qualify() -> None:
    decision = rules.special_difficulty(
        facts(groups=frozenset({"disability"}), disability_grade=3), policy=POLICY, today=TODAY
    )
    assert not decision.flag


def test_the_deceased_are_never_flagged() -> None:
    decision = rules.special_difficulty(
        facts(living_situation="alone", status="deceased"), policy=POLICY, today=TODAY
    )
    assert not decision.flag


@given(
    living=st.sampled_from(["alone", "empty_nest", "left_behind", "with_children", "other"]),
    economic=st.sampled_from(["tekun", "dibao", "dibian", "ordinary"]),
    groups=st.frozensets(
        st.sampled_from(["fp_special", "youfu", "veteran", "disability", "major_contribution"])
    ),
    grade=st.one_of(st.none(), st.integers(1, 4)),
    dementia=st.booleans(),
)
def test_the_flag_is_set_exactly_when_there_is_a_reason(
    living: str, economic: str, groups: frozenset[str], grade: int | None, dementia: bool
) -> None:
    decision = rules.special_difficulty(
        facts(
            living_situation=living,
            economic_status=economic,
            groups=groups,
            disability_grade=grade,
            dementia_diagnosed=dementia,
        ),
        policy=POLICY,
        today=TODAY,
    )
    assert decision.flag == bool(decision.reasons)
    assert decision.flag == (
        living in {"alone", "empty_nest", "left_behind"}
        or economic in {"tekun", "dibao"}
        or "fp_special" in groups
        or ("disability" in groups and grade is not None and grade <= 2)
        or dementia
    )


def test_pinyin_initials() -> None:
    assert rules.name_initials("张三丰") == "zsf"
    assert rules.name_initials("欧阳 娜娜") == "oynn"


def test_a_legacy_15_digit_id_gets_its_18_digit_form() -> None:
    full = make_resident_id("440703", date(1938, 2, 14), 15)
    legacy = full[:6] + full[8:17]
    assert rules.upgrade_legacy_id(legacy) == full


@given(st.dates(date(1900, 1, 1), date(1965, 12, 31)), st.integers(0, 999))
def test_typo_variants_are_valid_and_one_slip_away(birth: date, seq: int) -> None:
    number = make_resident_id("440703", birth, seq)
    for variant in rules.id_typo_variants(number):
        assert variant != number
        assert rules.check_character(variant[:17]) == variant[17]
        assert sum(a != b for a, b in zip(variant[:17], number[:17], strict=True)) in (1, 2)
    assert all(is_valid_resident_id(v) or v[6:14] != number[6:14] for v in rules.id_typo_variants(number))
