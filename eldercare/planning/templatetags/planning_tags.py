"""Template filters of the planning pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """mapping[key], or None when the mapping or the key is missing."""
    return None if mapping is None else mapping.get(key)
