from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from eldercare.emergency import rules

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
POLICY = rules.Escalation(take_within_seconds=60, handle_within_minutes=30)


def clock(status: str = "new", level: int = 0) -> rules.AlarmClock:
    return rules.AlarmClock(status=status, received_at=T0, escalation_level=level)


def test_an_untaken_alarm_escalates_to_the_shift_lead_after_n_seconds() -> None:
    # given an alarm nobody took, 61 s after receipt
    step = rules.escalation_step(clock(), now=T0 + timedelta(seconds=61), policy=POLICY)
    # then it rises to level 1 and the next deadline is the handling deadline
    assert step == rules.EscalationStep(level=1, next_due=T0 + timedelta(minutes=30))


def test_nothing_is_due_before_the_first_deadline() -> None:
    step = rules.escalation_step(clock(), now=T0 + timedelta(seconds=30), policy=POLICY)
    assert step.level is None
    assert step.next_due == T0 + timedelta(seconds=60)


def test_a_taken_alarm_skips_level_one_but_reaches_the_street_officer_after_m_minutes() -> None:
    assert rules.escalation_step(clock("taken"), now=T0 + timedelta(seconds=90), policy=POLICY).level is None
    step = rules.escalation_step(clock("taken"), now=T0 + timedelta(minutes=31), policy=POLICY)
    assert step == rules.EscalationStep(level=2, next_due=None)


def test_a_closed_alarm_never_escalates() -> None:
    step = rules.escalation_step(clock("closed"), now=T0 + timedelta(days=1), policy=POLICY)
    assert step == rules.EscalationStep(level=None, next_due=None)


@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(["new", "taken", "dispatched", "closed"]))
def test_escalation_is_idempotent_and_levels_only_rise(seconds: int, status: str) -> None:
    now = T0 + timedelta(seconds=seconds)
    first = rules.escalation_step(clock(status), now=now, policy=POLICY)
    level = first.level if first.level is not None else 0
    again = rules.escalation_step(clock(status, level), now=now, policy=POLICY)
    assert again.level is None or again.level > level


def test_the_state_machine_allows_only_forward_steps() -> None:
    assert rules.can_move("new", "taken")
    assert not rules.can_move("new", "closed")
    assert rules.can_move("taken", "closed")
    assert rules.can_move("dispatched", "closed")
    assert not rules.can_move("closed", "taken")


def test_a_device_is_silent_past_its_interval_times_the_grace() -> None:
    kw = {"bound_at": T0, "interval_s": 3600, "grace": 2.0}
    assert not rules.device_is_silent(last_heartbeat_at=T0, now=T0 + timedelta(hours=2), **kw)
    assert rules.device_is_silent(last_heartbeat_at=T0, now=T0 + timedelta(hours=2, seconds=1), **kw)
    assert rules.device_is_silent(last_heartbeat_at=None, now=T0 + timedelta(hours=3), **kw)


def test_falls_become_care_risk_events_unless_false_alarms() -> None:
    assert rules.care_risk_kind(alarm_kind="fall", outcome="phone") == "fall"
    assert rules.care_risk_kind(alarm_kind="fall", outcome="false_alarm") is None
    assert rules.care_risk_kind(alarm_kind="sos", outcome="ambulance") == "other"
    assert rules.care_risk_kind(alarm_kind="sos", outcome="phone") is None
    assert rules.care_risk_kind(alarm_kind="door", outcome="police") == "wandering"


def test_signatures_are_checked_in_constant_time_over_the_raw_body() -> None:
    sig = rules.sign("s3cret", b'{"a":1}')
    assert rules.signature_valid("s3cret", b'{"a":1}', sig)
    assert not rules.signature_valid("s3cret", b'{"a":2}', sig)


def test_service_level_counts_unanswered_alarms_against_every_threshold() -> None:
    level = rules.service_level([10, 50, 70, 200, None], thresholds=[60, 180], target_pct=98.5)
    assert level.alarms == 5
    assert level.answered == 4
    assert level.within == {60: 40.0, 180: 60.0}
    assert level.meets_target is False


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=50), st.floats(0, 100))
def test_a_percentile_is_one_of_the_values_and_monotone(values: list[float], pct: float) -> None:
    p = rules.percentile(values, pct)
    assert p in values
    assert rules.percentile(values, 100) == max(values)
    assert p <= rules.percentile(values, min(100.0, pct + 10))  # type: ignore[operator]


def test_false_alarm_rate_ignores_tests_and_technical_alarms() -> None:
    assert rules.false_alarm_rate(["false_alarm", "phone", "test", "technical"]) == 50.0
    assert rules.false_alarm_rate(["test"]) is None
