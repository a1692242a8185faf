"""GB 11643 resident ID numbers, phones and masking."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.core.ids import (
    InvalidIdNumberError,
    check_character,
    is_valid_phone,
    make_resident_id,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_resident_id,
)


def test_a_published_example_with_check_character_x_is_valid() -> None:
    # given the GB 11643 example number of a woman born 1949-12-31 in Beijing 朝阳区
    number = "11010519491231002X"
    # when it is parsed
    rid = parse_resident_id(number)
    # then its parts are read from the number
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex == "F"
    assert rid.division_code == "110105"


def test_lower_case_x_and_spaces_are_normalised() -> None:
    assert parse_resident_id(" 11010519491231002x ").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "check_digit"),  # right shape, wrong check character
        ("110105194902300020", "birth_date"),  # 30 February
        ("110105194913010020", "birth_date"),  # month 13
        ("11010519491231002", "shape"),  # 17 characters
        ("11010519491231002Y", "shape"),  # Y is no check character
        ("110105300001010020", "birth_date"),  # born in the future
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(number: str, reason: str) -> None:
    with pytest.raises(InvalidIdNumberError) as info:
        parse_resident_id(number, today=date(2026, 1, 1))
    assert info.value.reason == reason


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    county=st.sampled_from(["440703", "420106", "110105"]),
)
def test_every_built_number_parses_back_to_its_parts(birth: date, sequence: int, county: str) -> None:
    rid = parse_resident_id(make_resident_id(county, birth, sequence), today=date(2026, 1, 1))
    assert rid.birth_date == birth
    assert rid.division_code == county
    assert rid.sex == ("M" if sequence % 2 else "F")


@given(first17=st.text(alphabet="0123456789", min_size=17, max_size=17), wrong=st.sampled_from("0123456789X"))
def test_only_one_check_character_fits(first17: str, wrong: str) -> None:
    right = check_character(first17)
    number = first17 + wrong
    assert (right == wrong) == (check_character(number[:17]) == number[17])


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("13800138000", True),
        ("+86 138 0013 8000", True),
        ("0750-3123456", True),
        ("12800138000", False),
        ("1380013800", False),
        ("abc", False),
    ],
)
def test_phone_validation(phone: str, valid: bool) -> None:
    assert is_valid_phone(phone) is valid


def test_masks_keep_only_what_staff_need_to_recognise_a_person() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明华") == "欧**华"


@given(st.text(min_size=10, max_size=18, alphabet="0123456789X"))
def test_a_masked_id_never_shows_the_birth_date(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[6:-4] == "*" * (len(number) - 10)
