"""Pure rules of the workforce registry: listing periods, staffing and social-worker ratios."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.workforce import rules

levels = st.dictionaries(st.sampled_from(["self_care", "partial", "full", "dementia"]), st.integers(0, 500))
RATIOS = {"self_care": 10, "partial": 5, "full": 3, "dementia": 3}

# input generation is cheap; only a loaded CI machine makes it look slow
LOADED_MACHINE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(levels, st.integers(0, 300))
@settings(LOADED_MACHINE)
def test_the_requirement_covers_every_resident_and_the_shortfall_is_what_is_missing(
    residents: dict[str, int], employed: int
) -> None:
    result = rules.staffing_requirement(
        residents_by_level=residents, residents_per_worker=RATIOS, employed=employed
    )
    for level, count, required in result.by_level:
        assert required * RATIOS[level] >= count > (required - 1) * RATIOS[level] or count == required == 0
    assert result.shortfall == max(0, result.required - employed)


def test_a_level_without_a_ratio_is_reported_not_guessed() -> None:
    result = rules.staffing_requirement(
        residents_by_level={"unknown": 7}, residents_per_worker=RATIOS, employed=0
    )
    assert result.unknown_levels == ("unknown",) and result.required == 0


@given(st.integers(0, 5000), st.integers(1, 2_000_000), st.none() | st.integers(1, 100_000))
@settings(LOADED_MACHINE)
def test_meeting_both_targets_needs_exactly_the_shortfall(
    workers: int, elders: int, beds: int | None
) -> None:
    result = rules.social_worker_ratio(
        social_workers=workers, elders=elders, beds=beds, target_per_1000_elders=1.0, target_per_100_beds=1.0
    )
    topped_up = rules.social_worker_ratio(
        social_workers=workers + result.shortfall,
        elders=elders,
        beds=beds,
        target_per_1000_elders=1.0,
        target_per_100_beds=1.0,
    )
    assert topped_up.meets_target
    if result.shortfall:
        assert not result.meets_target


def test_unknown_beds_leave_the_per_bed_ratio_unknown() -> None:
    result = rules.social_worker_ratio(
        social_workers=3, elders=2000, beds=None, target_per_1000_elders=1.0, target_per_100_beds=1.0
    )
    assert result.per_100_beds is None and result.per_1000_elders == 1.5 and result.meets_target


@given(st.dates(), st.integers(1, 3000), st.integers(-10, 4000))
@settings(LOADED_MACHINE)
def test_a_listing_binds_exactly_inside_its_period(start: date, length: int, offset: int) -> None:
    end = start + timedelta(days=length) if start <= date(9000, 1, 1) else None
    on = start + timedelta(days=offset) if date.min + timedelta(days=20) < start < date(9000, 1, 1) else start
    inside = start <= on and (end is None or on < end)
    assert rules.listing_in_force(starts_on=start, ends_on=end, removed=False, on=on) == inside
    assert not rules.listing_in_force(starts_on=start, ends_on=end, removed=True, on=on)


def test_the_best_skill_level_is_the_lowest_number() -> None:
    assert rules.best_skill_level([5, 3, 4]) == 3
    assert rules.best_skill_level([]) is None
    assert rules.skill_subsidy_fen(level=3, table={"3": 200000}) == 200000
    assert rules.skill_subsidy_fen(level=None, table={"3": 200000}) == 0
