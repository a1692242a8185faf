"""Template helpers for the staff UI."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def bootstrap(field: Any) -> SafeString:
    """Render a bound form field with Bootstrap's class for its widget kind and error state."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", "")
    css = "form-select" if kind == "select" else "form-check-input" if kind == "checkbox" else "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": f"{widget.attrs.get('class', '')} {css}".strip()})


@register.filter
def age(birth_date: date | None, today: date) -> int | str:
    """Completed years on `today` (周岁)."""
    if birth_date is None:
        return ""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
