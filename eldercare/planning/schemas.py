"""Schemas of the planning API (no `from __future__ import annotations` here: ninja reads the hints)."""

from datetime import date, datetime

from ninja import Schema


class IndicatorValueOut(Schema):
    indicator_code: str
    indicator_name: str
    unit: str
    binding: bool
    direction: str
    division_code: str
    month: date
    as_of: date
    value: float | None
    value_text: str
    numerator: float | None
    denominator: float | None
    source: str  # computed / manual / missing
    target_year: int | None
    target: float | None
    expected: float | None
    gap: float | None
    status: str  # green / amber / red / none
    computed_at: datetime


class SeriesPointOut(Schema):
    month: date
    value: float | None
    numerator: float | None
    denominator: float | None
    source: str


class SeriesOut(Schema):
    indicator_code: str
    division_code: str
    unit: str
    points: list[SeriesPointOut]


class KeyCountOut(Schema):
    key: str
    label: str
    unit: str
    division_code: str
    month: date
    value: float
