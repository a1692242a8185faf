"""Sampling rules of the demo city, checked without a database."""

import random
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from eldercare.demo import rules
from eldercare.demo.services import load_inputs


@given(
    total=st.integers(min_value=0, max_value=10_000_000),
    weights=st.dictionaries(
        st.text(min_size=1, max_size=4), st.floats(min_value=0.01, max_value=1e6), min_size=1, max_size=30
    ),
)
def test_allocation_adds_up_and_stays_near_proportional(total: int, weights: dict[str, float]) -> None:
    parts = rules.allocate(total, weights)
    assert sum(parts.values()) == total
    weight_sum = sum(weights.values())
    for key, part in parts.items():
        assert abs(part - total * weights[key] / weight_sum) < 1.0 + 1e-6


@given(
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    age=st.integers(min_value=60, max_value=110),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_birth_date_gives_exactly_the_drawn_age(today: date, age: int, seed: int) -> None:
    birth = rules.birth_date_for_age(random.Random(seed), today=today, age=age)
    had_birthday = (today.month, today.day) >= (birth.month, birth.day)
    assert today.year - birth.year - (0 if had_birthday else 1) == age


def test_calibrated_bands_hit_the_target_shares_of_80_and_90_plus() -> None:
    config = load_inputs()["age_bands"]
    bands = rules.calibrate_bands(config["bands"], share_80_plus=0.1345, share_90_plus=0.016)
    total = sum(b.weight for b in bands)
    assert abs(sum(b.weight for b in bands if b.start >= 80) / total - 0.1345) < 1e-9
    assert abs(sum(b.weight for b in bands if b.start >= 90) / total - 0.016) < 1e-9
    assert all(b.male_share < 0.5 for b in bands if b.start >= 80)  # women outlive men


def test_the_sampler_reproduces_the_band_shares() -> None:
    config = load_inputs()["age_bands"]
    sampler = rules.AgeSampler(
        rules.calibrate_bands(config["bands"], share_80_plus=0.1345, share_90_plus=0.016)
    )
    rng = random.Random(7)
    ages = [sampler.draw(rng)[0] for _ in range(40_000)]
    assert abs(sum(a >= 80 for a in ages) / len(ages) - 0.1345) < 0.01
    assert abs(sum(a >= 90 for a in ages) / len(ages) - 0.016) < 0.004


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_categorical_draws_stay_in_their_domains(seed: int) -> None:
    rng = random.Random(seed)
    assert rules.living_situation(rng, rural=False, alone=0.12, empty_nest=0.39, left_behind_rural=0.08) != (
        "left_behind"
    )
    assert rules.economic_status(rng, tekun=0.01, dibao=0.03, dibian=0.02) in {
        "tekun",
        "dibao",
        "dibian",
        "ordinary",
    }
    assert len(rules.mobile_number(rng)) == 11
