"""Template helpers of the visits pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from eldercare.visits.choices import Tier

register = template.Library()

TIER_CLASS = {"high_risk": "text-bg-danger", "key": "text-bg-warning", "general": "text-bg-secondary"}


@register.filter
def can(principal: Any, capability: str) -> bool:
    return bool(principal is not None and principal.can(capability))


@register.filter
def tier_class(tier: str) -> str:
    return TIER_CLASS.get(tier, "text-bg-light")


@register.filter
def tier_label(tier: str) -> str:
    return str(dict(Tier.choices).get(tier, tier or "—"))


@register.filter
def pct(value: Any) -> str:
    """A rate as "95.0%"; "—" when there is none (no elders, or not computed)."""
    return f"{value:.1f}%" if isinstance(value, int | float) else "—"


@register.filter
def bar_width(value: Any) -> int:
    return max(0, min(100, round(value))) if isinstance(value, int | float) else 0


@register.filter
def reason_label(code: str) -> str:
    """Human words for the stable reason codes of the tier and findings rules."""
    kind, _sep, value = str(code).partition(":")
    labels = {
        "age_alone": _("aged %s, living alone or without family nearby"),
        "condition": _("condition: %s"),
        "ability": _("assessed level %s"),
        "risk_events": _("%s care-risk events (falls …) recently"),
        "findings": _("%s serious visit findings recently"),
        "disability": _("disability grade %s"),
        "economic": _("economic status: %s"),
        "group": _("group: %s"),
        "risk": _("risk found: %s"),
        "not_found": _("not found at home (%s times)"),
    }
    if kind == "dementia":
        return _("dementia")
    if kind == "picked":
        return _("picked by the visitor")
    if kind in labels:
        return labels[kind] % value
    return str(code)
