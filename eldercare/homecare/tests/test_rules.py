"""Pure rules: distances, overlaps, funding shares, meal splits, schedules, plan slots, adaptation subsidy."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from eldercare.homecare import rules

TZ = ZoneInfo("Asia/Shanghai")
FUNDING = {
    "rules": [
        {"economic_statuses": ["tekun", "dibao"], "subsidy_pct": 100},
        {"min_age": 90, "subsidy_pct": 30},
    ]
}
MEAL = {
    "reference_price_fen": 1200,
    "elder_pays_fen": {"hardship": 100, "age_80": 300, "age_60": 500},
    "hardship_statuses": ["tekun", "dibao", "dibian"],
    "hardship_groups": ["youfu"],
}


def test_haversine_matches_a_known_distance() -> None:
    # one degree of latitude is about 111.2 km
    assert abs(rules.haversine_m(113.0, 22.0, 113.0, 23.0) - 111_195) < 50
    assert rules.haversine_m(113.08, 22.58, 113.08, 22.58) == 0


@given(st.floats(-180, 180), st.floats(-89, 89), st.floats(-180, 180), st.floats(-89, 89))
def test_haversine_is_symmetric_and_bounded(lon1: float, lat1: float, lon2: float, lat2: float) -> None:
    d = rules.haversine_m(lon1, lat1, lon2, lat2)
    assert abs(d - rules.haversine_m(lon2, lat2, lon1, lat1)) < 1e-6
    assert 0 <= d <= 20_040_000


@given(
    st.integers(0, 100_000),
    st.sampled_from(["tekun", "dibao", "dibian", "ordinary"]),
    st.integers(60, 110),
    st.sampled_from(["cleaning", "meal", "bathing"]),
)
def test_funding_never_splits_more_than_the_price(price: int, status: str, age: int, service: str) -> None:
    facts = rules.ElderFacts(age=age, economic_status=status)
    decision = rules.order_funding(price_fen=price, service_type=service, facts=facts, policy=FUNDING)
    assert decision.subsidy_fen + decision.elder_fen == price
    assert 0 <= decision.subsidy_fen <= price
    if status in ("tekun", "dibao"):
        assert decision.elder_fen == 0


def test_meal_split_follows_the_12_yuan_reference() -> None:
    def split(
        age: int, status: str = "ordinary", groups: frozenset[str] = frozenset()
    ) -> tuple[str, int, int]:
        s = rules.meal_split(price_fen=1200, facts=rules.ElderFacts(age, status, groups), policy=MEAL)
        return s.group, s.subsidy_fen, s.elder_fen

    assert split(70, "dibao") == ("hardship", 1100, 100)
    assert split(85) == ("age_80", 900, 300)
    assert split(65) == ("age_60", 700, 500)
    assert split(65, groups=frozenset({"youfu"})) == ("hardship", 1100, 100)
    dear = rules.meal_split(price_fen=1500, facts=rules.ElderFacts(65, "ordinary"), policy=MEAL)
    assert (dear.subsidy_fen, dear.elder_fen) == (700, 800)


@given(st.integers(0, 5000), st.integers(0, 100), st.sampled_from(["dibao", "ordinary"]))
def test_meal_split_adds_up(price: int, age: int, status: str) -> None:
    s = rules.meal_split(price_fen=price, facts=rules.ElderFacts(age, status), policy=MEAL)
    assert s.subsidy_fen + s.elder_fen == price and s.subsidy_fen >= 0


def test_overlaps_beyond_the_grace_only() -> None:
    t = datetime(2025, 3, 4, 9, tzinfo=TZ)
    me = rules.Visit(1, t, t + timedelta(hours=1))
    others = [
        rules.Visit(2, t + timedelta(minutes=57), t + timedelta(hours=2)),  # 3 min overlap: grace
        rules.Visit(3, t + timedelta(minutes=30), t + timedelta(hours=2)),  # 30 min overlap
        rules.Visit(4, t - timedelta(hours=2), t),  # touches
    ]
    assert rules.overlapping(me, others, grace_minutes=5) == [3]


def test_visit_flags() -> None:
    policy = rules.VerificationPolicy(check_in_radius_m=200, min_duration_share=0.5, overlap_grace_minutes=5)
    home = (113.08, 22.58)
    clean = rules.VisitFacts(home, home, home, 60, 60)
    assert rules.visit_flags(clean, policy) == []
    far = rules.VisitFacts(home, (113.09, 22.58), home, 60, 60)
    assert rules.visit_flags(far, policy) == ["far_check_in"]
    short = rules.VisitFacts(home, home, home, 29, 60)
    assert rules.visit_flags(short, policy) == ["short_duration"]
    assert rules.visit_flags(clean, policy, worker_overlaps=[7], elder_overlaps=[8]) == [
        "worker_overlap",
        "elder_double",
    ]
    assert rules.visit_flags(rules.VisitFacts(home, None, None, 60, 60), policy) == ["no_location"]


def test_state_machine() -> None:
    assert rules.can_transition("requested", "assigned")
    assert not rules.can_transition("requested", "verified")
    assert not rules.can_transition("completed", "settled")
    assert rules.can_transition("verified", "settled")
    assert rules.TRANSITIONS["settled"] == frozenset()


def test_schedule_windows() -> None:
    schedule = {"tue": [["08:00", "12:00"]]}
    tuesday = datetime(2025, 3, 4, 9, tzinfo=TZ)
    assert rules.within_schedule(schedule, tuesday, 60)
    assert not rules.within_schedule(schedule, tuesday.replace(hour=11, minute=30), 60)
    assert not rules.within_schedule(schedule, tuesday + timedelta(days=1), 60)
    assert rules.within_schedule({}, tuesday, 600)


def test_plan_slots_respect_validity() -> None:
    monday = date(2025, 3, 3)
    slots = rules.plan_slots(
        weekdays=[1, 4], at=time(9), week_start=monday, valid_from=date(2025, 3, 5), valid_to=None
    )
    assert slots == [(date(2025, 3, 7), time(9))]


def test_adaptation_subsidy_basic_items_up_to_the_cap() -> None:
    policy = {"subsidised_statuses": ["dibao"], "subsidy_cap_fen": 100_000, "basic_only": True}
    items = [
        rules.PlanItem("bar", True, 60_000),
        rules.PlanItem("ramp", True, 60_000),
        rules.PlanItem("x", False, 9),
    ]
    subsidised = rules.adaptation_subsidy(items=items, economic_status="dibao", policy=policy)
    assert (subsidised.total_fen, subsidised.subsidy_fen) == (120_009, 100_000)
    assert rules.adaptation_subsidy(items=items, economic_status="ordinary", policy=policy).subsidy_fen == 0
