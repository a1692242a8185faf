from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`counts|get_item:kind`: a value of a dict by a key held in a variable (0 when absent)."""
    return mapping.get(key, 0) if hasattr(mapping, "get") else 0
