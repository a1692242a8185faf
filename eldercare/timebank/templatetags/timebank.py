"""Template filters of the time bank: units are integer minutes, shown as hours."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """90 → "1.5"; −30 → "−0.5". Integer minutes in, hours with at most two decimals out."""
    if minutes is None:
        return ""
    value = f"{abs(minutes) / 60:.2f}".rstrip("0").rstrip(".")
    return ("−" if minutes < 0 else "") + value
