"""The pure rules of the visits module: tiers, plan dates, assignment, walking route, findings, the rate."""

import itertools
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from eldercare.visits import rules
from eldercare.visits.policy_keys import DEFAULT_OPERATIONS, DEFAULT_TIERS

POLICY = rules.TierPolicy.from_value(DEFAULT_TIERS)
FINDINGS = rules.FindingsPolicy.from_value(DEFAULT_OPERATIONS)
ORDER = {"high_risk": 0, "key": 1, "general": 2}

facts = st.builds(
    rules.TierFacts,
    age=st.integers(60, 105),
    living_situation=st.sampled_from(["alone", "empty_nest", "left_behind", "with_children", "other"]),
    economic_status=st.sampled_from(["tekun", "dibao", "dibian", "ordinary"]),
    groups=st.frozensets(st.sampled_from(["fp_special", "disability", "veteran", "youfu"])),
    disability_grade=st.none() | st.integers(1, 4),
    dementia=st.booleans(),
    conditions=st.frozensets(st.sampled_from(["高血压", "心脏病", "糖尿病", "阿尔茨海默病"])),
    ability_level=st.none() | st.integers(0, 4),
    care_risk_events=st.integers(0, 3),
    serious_findings=st.integers(0, 2),
)
months = st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 1)).map(rules.month_start)


def weekdays(first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + timedelta(days=i)).weekday() < 5
    ]


# ---- tiers ------------------------------------------------------------------------------------------


def test_the_local_example_puts_an_80_year_old_living_alone_in_the_high_risk_tier() -> None:
    decision = rules.tier_for(rules.TierFacts(age=82, living_situation="alone"), policy=POLICY)
    assert decision == rules.TierDecision("high_risk", ("age_alone:82",))
    assert rules.tier_for(rules.TierFacts(age=79, living_situation="alone"), policy=POLICY).tier == "general"
    key = rules.tier_for(
        rules.TierFacts(age=70, living_situation="other", economic_status="tekun"), policy=POLICY
    )
    assert key == rules.TierDecision("key", ("economic:tekun",))


@given(facts)
def test_a_tier_is_general_exactly_when_no_reason_is_given(f: rules.TierFacts) -> None:
    decision = rules.tier_for(f, policy=POLICY)
    assert decision.tier in rules.TIERS
    assert (decision.tier == "general") == (decision.reasons == ())


@given(facts, st.integers(1, 3), st.integers(1, 2))
def test_a_recent_fall_or_serious_finding_never_lowers_the_tier(
    f: rules.TierFacts, events: int, found: int
) -> None:
    before = rules.tier_for(f, policy=POLICY)
    worse = rules.TierFacts(
        **{**{k: getattr(f, k) for k in f.__slots__}, "care_risk_events": f.care_risk_events + events}
    )
    assert rules.tier_for(worse, policy=POLICY).tier == "high_risk"
    assert ORDER[rules.tier_for(worse, policy=POLICY).tier] <= ORDER[before.tier]
    found_more = rules.TierFacts(**{**{k: getattr(f, k) for k in f.__slots__}, "serious_findings": found})
    assert rules.tier_for(found_more, policy=POLICY).tier == "high_risk"


@given(st.sampled_from(rules.TIERS), st.sampled_from(("", *rules.TIERS)))
def test_a_workers_override_wins_over_the_rule(rule_tier: str, override: str) -> None:
    assert rules.effective_tier(rule_tier, override) == (override or rule_tier)


# ---- plan dates -------------------------------------------------------------------------------------


@given(months, months)
def test_iso_weeks_belong_to_exactly_one_month(a: date, b: date) -> None:
    if a == b:
        return
    weeks_a, weeks_b = set(rules.weeks_of_month(a)), set(rules.weeks_of_month(b))
    assert not weeks_a & weeks_b
    assert all(4 <= len(rules.weeks_of_month(m)) <= 5 for m in (a, b))


@given(months)
def test_consecutive_months_cover_every_week_without_gaps(month: date) -> None:
    nxt = rules.next_month(month)
    mondays = [w[0] for w in rules.weeks_of_month(month) + rules.weeks_of_month(nxt)]
    assert all(later - earlier == timedelta(days=7) for earlier, later in itertools.pairwise(mondays))


@given(months, st.integers(0, 10_000), st.sampled_from(["week", "month", "quarter"]), st.integers(1, 3))
@settings(max_examples=200)
def test_planned_visits_fall_on_working_days_inside_their_period(
    month: date, slot: int, period: str, k: int
) -> None:
    days = weekdays(month - timedelta(days=7), rules.month_end(month) + timedelta(days=7))
    visits = rules.planned_visits(
        rules.Frequency(min_visits=k, period=period, event_response_hours=24),
        month=month,
        slot=slot,
        working_days=days,
        today=month - timedelta(days=1),
    )
    assert len({v.seq for v in visits}) == len(visits)
    for v in visits:
        assert month <= v.due_on <= rules.month_end(month)
        assert v.due_on <= v.deadline
    if period == "week":
        assert len(visits) == k * len(rules.weeks_of_month(month))
    if period == "month":
        assert len(visits) == k
        assert all(v.deadline == rules.month_end(month) for v in visits)


@given(st.integers(2021, 2030), st.integers(0, 3), st.integers(0, 10_000))
def test_a_quarterly_elder_is_planned_in_exactly_one_month_of_the_quarter(
    year: int, quarter: int, slot: int
) -> None:
    frequency = rules.Frequency(min_visits=1, period="quarter", event_response_hours=72)
    counts = []
    for m in range(quarter * 3 + 1, quarter * 3 + 4):
        month = date(year, m, 1)
        days = weekdays(month, rules.month_end(month))
        counts.append(
            len(
                rules.planned_visits(
                    frequency, month=month, slot=slot, working_days=days, today=date(2000, 1, 1)
                )
            )
        )
    assert counts.count(1) == 1 and sum(counts) == 1


@given(months, st.integers(0, 40), st.integers(0, 1000))
def test_a_late_plan_asks_only_for_what_can_still_be_done(month: date, day_offset: int, slot: int) -> None:
    today = month + timedelta(days=day_offset)
    days = weekdays(month - timedelta(days=7), rules.month_end(month) + timedelta(days=7))
    for period in ("week", "month"):
        frequency = rules.Frequency(min_visits=1, period=period, event_response_hours=24)
        for v in rules.planned_visits(frequency, month=month, slot=slot, working_days=days, today=today):
            assert v.due_on >= min(today, v.deadline) and v.deadline >= today


# ---- assignment -------------------------------------------------------------------------------------


communities = st.sampled_from(["440703001001", "440703001002", "440703002001"])


@given(
    st.lists(communities, min_size=0, max_size=60),
    st.lists(
        st.tuples(
            st.sampled_from(["440703001001", "440703001", "440703002"]),
            st.integers(1, 40),
            st.integers(0, 30),
        ),
        max_size=6,
    ),
)
def test_every_task_goes_to_a_visitor_whose_area_holds_it(
    tasks: list[str], visitors: list[tuple[str, int, int]]
) -> None:
    slots = [
        rules.VisitorSlot(visitor_id=i + 1, area_code=a, capacity=c, load=load)
        for i, (a, c, load) in enumerate(visitors)
    ]
    decided = rules.assign([rules.TaskToAssign(key=i, community_code=c) for i, c in enumerate(tasks)], slots)
    by_id = {s.visitor_id: s for s in slots}
    for key, visitor_id in decided.items():
        code = tasks[key]
        covering = [s for s in slots if code.startswith(s.area_code)]
        if not covering:
            assert visitor_id is None
            continue
        assert visitor_id is not None and code.startswith(by_id[visitor_id].area_code)
        most_local = max(len(s.area_code) for s in covering)
        assert len(by_id[visitor_id].area_code) == most_local


@given(st.integers(0, 200), st.integers(1, 6))
def test_visitors_of_one_area_share_the_load_evenly(n_tasks: int, n_visitors: int) -> None:
    slots = [
        rules.VisitorSlot(visitor_id=i + 1, area_code="440703001001", capacity=50) for i in range(n_visitors)
    ]
    decided = rules.assign(
        [rules.TaskToAssign(key=i, community_code="440703001001") for i in range(n_tasks)], slots
    )
    loads = [list(decided.values()).count(s.visitor_id) for s in slots]
    assert sum(loads) == n_tasks and max(loads) - min(loads) <= 1


# ---- walking route ----------------------------------------------------------------------------------


coordinate = st.tuples(st.floats(113.0, 113.1), st.floats(22.5, 22.6))


@given(st.lists(st.one_of(st.none(), coordinate), max_size=25), st.one_of(st.none(), coordinate))
def test_the_route_visits_every_stop_once_nearest_first(
    points: list, start: tuple[float, float] | None
) -> None:
    stops = [
        rules.Stop(key=i, lon=p[0] if p else None, lat=p[1] if p else None) for i, p in enumerate(points)
    ]
    order = rules.walking_route(start, stops)
    assert sorted(order) == list(range(len(stops)))
    located = [s for s in stops if s.lon is not None]
    assert order[: len(located)] == [k for k in order if stops[k].lon is not None]
    if located and start is not None:
        nearest = min(rules.distance_m(start, (s.lon, s.lat)) for s in located)
        first = stops[order[0]]
        assert rules.distance_m(start, (first.lon, first.lat)) == nearest


def test_the_route_is_shorter_than_the_order_of_the_list() -> None:
    # given homes on a line, listed out of order
    stops = [rules.Stop(key=k, lon=113.0 + x / 1000, lat=22.5) for k, x in enumerate([5, 1, 9, 3, 7, 2, 8])]
    start = (113.0, 22.5)
    order = rules.walking_route(start, stops)
    # then it walks along the line and is much shorter than the listed order
    assert order == [1, 5, 3, 0, 4, 6, 2]
    assert (
        rules.route_length_m(start, stops, order)
        < rules.route_length_m(start, stops, [s.key for s in stops]) / 2
    )


# ---- findings ---------------------------------------------------------------------------------------


checklists = st.dictionaries(st.sampled_from(rules.CHECK_ITEMS), st.sampled_from(rules.CHECK_LEVELS))


@given(checklists, st.lists(st.sampled_from(rules.FOLLOW_UP_KINDS), max_size=3), st.booleans())
def test_every_risk_raises_a_follow_up_and_serious_items_are_serious(
    checklist: dict, actions: list, urgent: bool
) -> None:
    found = rules.findings(
        outcome="visited",
        checklist=checklist,
        actions=actions,
        urgent=urgent,
        tier="key",
        attempts_before=0,
        policy=FINDINGS,
    )
    risky = {i for i, level in checklist.items() if level == "risk"}
    if risky or actions:
        assert found.follow_ups
    else:
        assert not found.follow_ups and found.serious == urgent
    assert found.serious == (urgent or bool(risky & FINDINGS.serious_items))
    assert len({f.kind for f in found.follow_ups}) == len(found.follow_ups)
    if not actions:
        assert {f.kind for f in found.follow_ups} == {rules.FOLLOW_UP_FOR_ITEM[i] for i in risky}
    assert all((f.due_days == 0) == (f.severity == "serious") for f in found.follow_ups)


@given(st.sampled_from(rules.TIERS), st.integers(0, 4))
def test_an_elder_not_found_at_home_is_looked_for(tier: str, attempts: int) -> None:
    found = rules.findings(
        outcome="not_found",
        checklist={},
        actions=[],
        urgent=False,
        tier=tier,
        attempts_before=attempts,
        policy=FINDINGS,
    )
    assert [f.kind for f in found.follow_ups] == ["locate"]
    assert found.retry_in_days == FINDINGS.not_found_retry_days
    assert found.serious == (tier == "high_risk" or attempts + 1 >= FINDINGS.not_found_serious_after)


def test_checklist_errors_name_the_item() -> None:
    assert rules.checklist_errors({"health": {"level": "bad"}, "garden": "ok"}) == [
        "level:health",
        "item:garden",
    ]
    assert rules.checklist_errors({"mood": "risk", "food": {"level": "ok", "note": "x"}}) == []


# ---- the monthly visit rate -------------------------------------------------------------------------


MONTH = date(2026, 3, 1)
periods = st.lists(
    st.tuples(
        st.integers(1, 30),
        st.sampled_from(["440703001001", "440703001002", "440705001001"]),
        st.dates(date(2026, 1, 1), date(2026, 4, 30)),
        st.none() | st.integers(0, 90),
    ),
    max_size=30,
    unique_by=lambda t: t[0],
)
visits = st.lists(
    st.builds(
        rules.VisitFact,
        elder_id=st.integers(1, 35),
        visited_on=st.dates(date(2026, 2, 1), date(2026, 4, 30)),
        method=st.sampled_from(rules.METHODS),
        outcome=st.sampled_from(rules.OUTCOMES),
    ),
    max_size=60,
)


def as_periods(rows: list) -> list[rules.Period]:
    return [
        rules.Period(
            elder_id=e, division_code=c, starts_on=s, ends_on=None if n is None else s + timedelta(days=n)
        )
        for e, c, s, n in rows
    ]


@given(periods, visits)
def test_the_rate_counts_only_elders_on_the_list_on_the_first_and_never_exceeds_100(
    rows: list, facts: list
) -> None:
    result = rules.monthly_rate(as_periods(rows), facts, month=MONTH)
    expected_eligible = {p.elder_id for p in as_periods(rows) if rules.on_list_at_start(p, MONTH)}
    assert sum(r.eligible for r in result.values()) == len(expected_eligible)
    for counts in result.values():
        assert 0 <= counts.visited <= counts.eligible
        assert counts.rate is None or 0 <= counts.rate <= 100


@given(periods, visits, visits)
def test_more_visits_never_lower_the_rate_and_visits_outside_the_month_do_not_count(
    rows: list, a: list, b: list
) -> None:
    p = as_periods(rows)
    base = rules.monthly_rate(p, a, month=MONTH)
    more = rules.monthly_rate(p, a + b, month=MONTH)
    assert all(more[code].visited >= base[code].visited for code in base)
    outside = [v for v in b if not (MONTH <= v.visited_on < rules.next_month(MONTH))]
    assert rules.monthly_rate(p, a + outside, month=MONTH) == base


def test_the_hand_made_month_of_the_definition() -> None:
    # given elders on the list in March 2026
    p = [
        rules.Period(1, "C1", date(2025, 1, 1)),  # on the list all along, visited
        rules.Period(2, "C1", date(2025, 1, 1), date(2026, 3, 15)),  # died on 15 March, visited on the 10th
        rules.Period(3, "C1", date(2025, 1, 1), date(2026, 3, 5)),  # died on 5 March, never visited
        rules.Period(
            4, "C1", date(2025, 6, 1), date(2026, 3, 20)
        ),  # moved away on 20 March, visited on the 3rd
        rules.Period(5, "C1", date(2026, 3, 10)),  # joined the list on 10 March, visited on the 15th
        rules.Period(6, "C1", date(2026, 3, 1)),  # joined on the 1st: counts
        rules.Period(7, "C1", date(2025, 1, 1), date(2026, 3, 1)),  # left on the 1st: does not count
        rules.Period(8, "C1", date(2025, 1, 1)),  # only "not found at home"
    ]
    v = [
        rules.VisitFact(1, date(2026, 3, 2), "phone", "visited"),
        rules.VisitFact(2, date(2026, 3, 10), "in_person", "visited"),
        rules.VisitFact(4, date(2026, 3, 3), "video", "visited"),
        rules.VisitFact(5, date(2026, 3, 15), "in_person", "visited"),
        rules.VisitFact(8, date(2026, 3, 9), "in_person", "not_found"),
        rules.VisitFact(3, date(2026, 2, 27), "in_person", "visited"),  # February: not this month
    ]
    # when the March rate is computed
    counts = rules.monthly_rate(p, v, month=MONTH)["C1"]
    # then the denominator holds 1, 2, 3, 4, 6, 8 and the numerator 1, 2, 4
    assert counts.elders_eligible == frozenset({1, 2, 3, 4, 6, 8})
    assert (counts.eligible, counts.visited) == (6, 3)
    # and a city that does not count phone visits gets 2 of 6
    assert rules.monthly_rate(p, v, month=MONTH, counted_methods=["in_person", "video"])["C1"].visited == 2


@given(
    st.dictionaries(
        st.sampled_from(["440703001001", "440703001002", "440703002001", "440705001001"]),
        st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 99)),
    )
)
def test_roll_up_adds_communities_into_street_district_and_city(by_community: dict) -> None:
    totals = rules.roll_up(by_community)
    assert totals.get("4407", (0, 0, 0)) == tuple(sum(x[i] for x in by_community.values()) for i in range(3))
    for code, value in by_community.items():
        assert totals[code] == value
        assert totals[code[:9]][0] >= value[0] and totals[code[:6]][0] >= totals[code[:9]][0]


def test_differing_fields_lists_the_editable_fields_that_differ() -> None:
    saved = {"method": "phone", "notes": "a", "urgent": False}
    assert rules.differing_fields(saved, {"notes": "b", "urgent": False}) == ["notes"]
