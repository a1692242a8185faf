"""Pure decisions of portal sign-in codes."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from eldercare.portal.rules import CodeState, SendRefusal, code_state, may_send

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def send(sent: list[datetime], ip: int = 0) -> SendRefusal | None:
    return may_send(
        now=NOW,
        phone_sent_at=sent,
        ip_sent_count=ip,
        min_interval_seconds=60,
        per_phone_per_hour=5,
        per_ip_per_hour=30,
    )


def test_a_first_code_may_be_sent() -> None:
    assert send([]) is None


def test_a_second_code_within_the_pause_is_refused() -> None:
    assert send([NOW - timedelta(seconds=30)]) is SendRefusal.TOO_SOON


def test_the_sixth_code_in_an_hour_is_refused_but_older_codes_do_not_count() -> None:
    five = [NOW - timedelta(minutes=5 + 10 * i) for i in range(5)]
    assert send(five) is SendRefusal.PHONE_LIMIT
    assert send([t - timedelta(hours=1) for t in five]) is None


def test_a_busy_client_address_is_refused() -> None:
    assert send([], ip=30) is SendRefusal.IP_LIMIT


@given(st.lists(st.integers(min_value=0, max_value=7200), max_size=20))
def test_never_more_than_the_hourly_limit_counts_as_allowed(seconds_ago: list[int]) -> None:
    sent = [NOW - timedelta(seconds=s) for s in seconds_ago]
    within_hour = [s for s in seconds_ago if s < 3600]
    if send(sent) is None:
        assert len(within_hour) < 5
        assert all(s >= 60 for s in within_hour)


@given(
    attempts=st.integers(min_value=0, max_value=10),
    used=st.booleans(),
    matches=st.booleans(),
    offset=st.integers(min_value=-600, max_value=600),
)
def test_a_code_signs_in_only_when_unused_unlocked_unexpired_and_matching(
    attempts: int, used: bool, matches: bool, offset: int
) -> None:
    state = code_state(
        now=NOW,
        expires_at=NOW + timedelta(seconds=offset),
        attempts=attempts,
        max_attempts=5,
        used=used,
        matches=matches,
    )
    assert (state is CodeState.OK) == (not used and attempts < 5 and offset > 0 and matches)
