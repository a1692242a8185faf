"""Pure rules: priority groups, queue order and positions, rating results, risk assessment, licences."""

import itertools
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.facilities import rules

PROFILES = Path(__file__).resolve().parents[2] / "core" / "data" / "profiles"
SHEET = Path(__file__).resolve().parents[1] / "data" / "gbt37276_2018.toml"
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def policy(city: str = "jiangmen") -> rules.WaitlistPolicy:
    data = tomllib.loads((PROFILES / f"{city}.toml").read_text(encoding="utf-8"))
    return rules.policy_from_value(data["policies"]["facilities.waitlist"]["value"])


def facts(**kw: object) -> rules.ElderFacts:
    base: dict[str, object] = {
        "economic_status": "ordinary",
        "groups": frozenset(),
        "age": 70,
        "ability_level": 0,
    }
    base.update(kw)
    return rules.ElderFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("city", ["wuhan", "jiangmen"])
@pytest.mark.parametrize(
    ("elder", "group"),
    [
        (facts(economic_status="tekun"), "tekun"),
        (facts(economic_status="dibao", ability_level=3), "special"),
        (facts(economic_status="dibao", ability_level=1), "general"),
        (facts(groups=frozenset({"fp_special"})), "special"),
        (facts(groups=frozenset({"disability"}), disability_grade=2), "special"),
        (facts(groups=frozenset({"disability"}), disability_grade=3), "general"),
        (facts(ability_level=2), "disabled_or_80"),
        (facts(dementia=True), "disabled_or_80"),
        (facts(age=80), "disabled_or_80"),
        (facts(age=79, ability_level=1), "general"),
    ],
)
def test_each_elder_lands_in_the_chengdu_default_group(
    city: str, elder: rules.ElderFacts, group: str
) -> None:
    match = rules.priority_group(elder, policy(city))
    assert match.code == group
    assert match.reasons
    assert match.bypass == (group == "tekun")


entries = st.lists(
    st.builds(
        rules.Entry,
        application_id=st.integers(1, 10_000),
        rank=st.integers(1, 4),
        applied_at=st.integers(0, 10_000).map(lambda m: T0 + timedelta(minutes=m)),
        bypass=st.booleans(),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda e: e.application_id,
)


@given(entries)
def test_the_order_is_bypass_then_rank_then_time(queue: list[rules.Entry]) -> None:
    ordered = rules.waitlist_order(queue)
    for a, b in itertools.pairwise(ordered):
        assert (not a.bypass, a.rank, a.applied_at) <= (not b.bypass, b.rank, b.applied_at)


@given(entries)
def test_the_position_and_its_reasons_agree_with_the_order(queue: list[rules.Entry]) -> None:
    ordered = rules.waitlist_order(queue)
    for index, entry in enumerate(ordered, start=1):
        position = rules.waitlist_position(entry.application_id, queue)
        assert position.position == index and position.ahead == index - 1
        assert sum(position.ahead_by_group.values()) == index - 1
        assert position.reasons


@given(entries, st.integers(1, 4), st.booleans())
def test_a_new_applicant_only_pushes_back_those_of_lower_groups_or_later_bypass(
    queue: list[rules.Entry], rank: int, bypass: bool
) -> None:
    before = rules.positions(queue)
    newcomer = rules.Entry(99_999, rank, T0 + timedelta(days=30), bypass)
    after = rules.positions([*queue, newcomer])
    for entry in queue:
        if after[entry.application_id] > before[entry.application_id]:
            assert rules.order_key(newcomer) < rules.order_key(entry)


@given(entries, st.data())
def test_someone_leaving_never_pushes_anyone_back(queue: list[rules.Entry], data: st.DataObject) -> None:
    gone = data.draw(st.sampled_from(queue))
    before = rules.positions(queue)
    after = rules.positions([e for e in queue if e is not gone])
    for app_id, position in after.items():
        assert position <= before[app_id]
        rules.check_move(before[app_id], position, "ahead_left")


def test_a_backward_move_without_an_allowed_reason_is_refused() -> None:
    with pytest.raises(rules.PositionRuleError):
        rules.check_move(2, 3, "ahead_left")
    rules.check_move(2, 3, "joined_ahead")


def test_the_next_bed_goes_to_the_first_applicant_wanting_its_type() -> None:
    queue = [
        rules.Entry(1, 1, T0, wanted_bed="dementia"),
        rules.Entry(2, 2, T0, wanted_bed="nursing"),
        rules.Entry(3, 3, T0, wanted_bed="any"),
    ]
    assert rules.next_for_bed(queue, "nursing").application_id == 2  # type: ignore[union-attr]
    assert rules.next_for_bed(queue, "nursing", skip=frozenset({2})).application_id == 3  # type: ignore[union-attr]
    assert rules.next_for_bed(queue[:1], "ordinary") is None


def sheet() -> rules.Sheet:
    data = tomllib.loads(SHEET.read_text(encoding="utf-8"))
    return rules.sheet_from_definition(
        "GBT37276", 1, {"sections": data["sections"], "levels": data["levels"]}
    )


def full_marks(share: float = 1.0) -> dict[str, int]:
    return {code: int(item.points * share) for code, item in sheet().items.items()}


def test_the_shipped_sheet_is_consistent_and_totals_1000() -> None:
    assert rules.sheet_problems(sheet()) == []
    assert sheet().max_total == 1000


@pytest.mark.parametrize(
    ("share", "stars"), [(1.0, 5), (0.92, 5), (0.85, 4), (0.65, 3), (0.55, 2), (0.45, 1), (0.3, 0)]
)
def test_levels_follow_the_total_and_the_section_minimum(share: float, stars: int) -> None:
    assert rules.rating_result(sheet(), full_marks(share)).stars == stars


def test_a_weak_section_caps_the_level_and_a_missing_required_item_gives_none() -> None:
    scores = full_marks()
    for code in [c for c in scores if c.startswith("env.")]:
        scores[code] = int(scores[code] * 0.7)
    capped = rules.rating_result(sheet(), scores)
    assert capped.total >= 900 and capped.stars == 3
    scores = full_marks()
    scores["fac.fire"] = 0
    assert rules.rating_result(sheet(), scores).stars == 0
    with pytest.raises(ValueError, match="outside"):
        rules.rating_result(sheet(), {"fac.fire": 999})


def test_a_risk_above_none_needs_measures() -> None:
    levels = dict.fromkeys(rules.NINE_RISKS, "none")
    assert rules.risk_assessment_problems(levels, {}) == []
    levels["fall"] = "high"
    assert rules.risk_assessment_problems(levels, {}) == ["fall: measures required for level high"]
    assert rules.risk_assessment_problems(levels, {"fall": "床栏、防滑鞋"}) == []
    assert len(rules.risk_assessment_problems({}, {})) == 9


def test_licences_warn_30_days_ahead() -> None:
    today = date(2025, 5, 1)
    assert rules.licence_state(date(2025, 5, 31), today=today, warn_days=30) == "expiring"
    assert rules.licence_state(date(2025, 6, 1), today=today, warn_days=30) == "valid"
    assert rules.licence_state(date(2025, 4, 30), today=today, warn_days=30) == "expired"
