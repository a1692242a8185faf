"""Resident ID numbers (居民身份证号码, GB 11643-1999) and phone numbers: validation and masking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class InvalidIdNumberError(ValueError):
    """The text is not a valid resident ID number; `reason` is a stable code for APIs and imports."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "M" or "F"
    division_code: str  # the issuing county-level division (6 digits)


def check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalise_id_number(text: str) -> str:
    return text.strip().replace(" ", "").upper()


def parse_resident_id(text: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-character resident ID number and read birth date, sex and issuing division."""
    number = normalise_id_number(text)
    if not _ID_SHAPE.match(number):
        raise InvalidIdNumberError("shape", "A resident ID number has 17 digits and a check digit or X.")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdNumberError("birth_date", "The birth date in the ID number does not exist.") from exc
    if birth.year < 1880 or birth > (today or date.today()):  # noqa: DTZ011 - a calendar date
        raise InvalidIdNumberError("birth_date", "The birth date in the ID number is out of range.")
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumberError("check_digit", "The check digit of the ID number is wrong.")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth, sex=sex, division_code=number[:6])


def is_valid_resident_id(text: str) -> bool:
    try:
        parse_resident_id(text)
    except InvalidIdNumberError:
        return False
    return True


def make_resident_id(division_code: str, birth_date: date, sequence: int) -> str:
    """Build a valid number (used by the demo city and tests); odd `sequence` means male."""
    first17 = f"{division_code[:6]}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def normalise_phone(text: str) -> str:
    return re.sub(r"[\s()]", "", text.strip()).removeprefix("+86")


def is_valid_phone(text: str) -> bool:
    """A mainland mobile number (11 digits from 13–19) or a landline with area code."""
    phone = normalise_phone(text)
    return bool(_MOBILE.match(phone) or _LANDLINE.match(phone))


def mask_id_number(number: str) -> str:
    """Keep the division and the last 4 characters: 440703********123X."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678; landlines keep the area code and the last 2 digits."""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:4] + "*" * (len(phone) - 6) + phone[-2:]


def mask_name(name: str) -> str:
    """张*明 / 李*: keep the surname (and the last character of longer names)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
