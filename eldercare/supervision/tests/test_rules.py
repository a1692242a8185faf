"""Pure rules of supervision: checklist scoring, routing, escalation timing, credit and risk."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.supervision import rules
from eldercare.supervision.policy_keys import DEFAULTS

WEIGHTS = DEFAULTS["supervision.credit_weights"]
counts = st.integers(min_value=0, max_value=50)

# input generation is cheap; only a loaded CI machine makes it look slow
LOADED_MACHINE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def credit_facts(draw: st.DrawFn) -> rules.CreditFacts:
    return rules.CreditFacts(
        findings={s: draw(counts) for s in ("minor", "major", "critical")},
        failed_inspections=draw(counts),
        overdue_rectifications=draw(counts),
        complaints=draw(counts),
        substantiated_complaints=draw(counts),
        incidents=draw(counts),
        stars=draw(st.none() | st.integers(min_value=1, max_value=5)),
        days_since_inspection=draw(st.none() | st.integers(min_value=0, max_value=2000)),
    )


@given(credit_facts())
@settings(LOADED_MACHINE, max_examples=300)
def test_the_credit_score_stays_between_0_and_100_with_a_known_grade(facts: rules.CreditFacts) -> None:
    result = rules.credit_score(facts, WEIGHTS)  # type: ignore[arg-type]
    assert 0 <= result.score <= 100
    assert result.grade in {"A", "B", "C", "D"}
    assert result.risk >= 100 - result.score


@given(credit_facts(), st.sampled_from(["minor", "major", "critical"]))
@settings(LOADED_MACHINE, max_examples=300)
def test_one_more_finding_never_raises_the_score_nor_lowers_the_risk(
    facts: rules.CreditFacts, severity: str
) -> None:
    worse = rules.CreditFacts(
        findings={**facts.findings, severity: facts.findings.get(severity, 0) + 1},
        failed_inspections=facts.failed_inspections,
        overdue_rectifications=facts.overdue_rectifications,
        complaints=facts.complaints,
        substantiated_complaints=facts.substantiated_complaints,
        incidents=facts.incidents,
        stars=facts.stars,
        days_since_inspection=facts.days_since_inspection,
    )
    before, after = rules.credit_score(facts, WEIGHTS), rules.credit_score(worse, WEIGHTS)  # type: ignore[arg-type]
    assert after.score <= before.score
    assert after.risk >= before.risk


def test_a_clean_recently_inspected_organisation_is_grade_a_and_low_risk() -> None:
    facts = rules.CreditFacts(
        findings={},
        failed_inspections=0,
        overdue_rectifications=0,
        complaints=0,
        substantiated_complaints=0,
        incidents=0,
        stars=None,
        days_since_inspection=10,
    )
    result = rules.credit_score(facts, WEIGHTS)  # type: ignore[arg-type]
    assert (result.score, result.grade, result.risk) == (100, "A", 0)


def test_a_never_inspected_organisation_counts_as_a_year_unvisited() -> None:
    facts = rules.CreditFacts(
        findings={},
        failed_inspections=0,
        overdue_rectifications=0,
        complaints=0,
        substantiated_complaints=0,
        incidents=0,
        stars=None,
        days_since_inspection=None,
    )
    assert rules.credit_score(facts, WEIGHTS).risk == 365 // 30  # type: ignore[arg-type]


def test_a_failed_critical_item_fails_the_checklist_whatever_the_share() -> None:
    items = [rules.ChecklistItem(code=f"I{i}", critical=i == 0) for i in range(20)]
    answers = {item.code: "pass" for item in items} | {"I0": "fail"}
    outcome = rules.score_checklist(items=items, answers=answers, pass_share=0.5)
    assert not outcome.passed and outcome.failed_critical == ("I0",) and outcome.score == 0.95


def test_not_applicable_items_count_neither_way_and_unanswered_items_fail() -> None:
    items = [rules.ChecklistItem(code=c, critical=False) for c in ("A", "B", "C")]
    assert rules.score_checklist(
        items=items, answers={"A": "pass", "B": "na", "C": "pass"}, pass_share=1
    ).passed
    assert rules.score_checklist(items=items, answers={"A": "pass"}, pass_share=0).unanswered == ("B", "C")


def test_routing_takes_the_ancestor_office_at_the_subject_level() -> None:
    community = "440703001001"
    subjects = {"abuse": "district"}
    assert (
        rules.route_office(division_code=community, subject="abuse", default="street", subjects=subjects)
        == "440703"
    )
    assert (
        rules.route_office(division_code=community, subject="fees", default="street", subjects=subjects)
        == "440703001"
    )
    assert rules.parent_office("440703001") == "440703"
    assert rules.parent_office("4407") is None


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=72))
@settings(LOADED_MACHINE)
def test_escalation_waits_for_the_due_time_and_the_repeat_period(hours: int, repeat: int) -> None:
    received = datetime(2025, 1, 1, tzinfo=UTC)
    due = rules.due_times(received_at=received, acknowledge_hours=24, answer_days=15)
    now = received + timedelta(hours=hours)
    first = rules.overdue_reason(
        now=now,
        status="received",
        ack_due_at=due.acknowledge_by,
        answer_due_at=due.answer_by,
        escalated_at=None,
        repeat_hours=repeat,
        at_top=False,
    )
    assert (first is not None) == (hours > 24)
    again = rules.overdue_reason(
        now=now,
        status="received",
        ack_due_at=due.acknowledge_by,
        answer_due_at=due.answer_by,
        escalated_at=now - timedelta(hours=repeat) + timedelta(minutes=1),
        repeat_hours=repeat,
        at_top=False,
    )
    assert again is None
