"""`{% elder_ability_level elder %}`: the elder's published level, for the elder's archive page."""

from __future__ import annotations

from typing import Any

from django import template

from eldercare.assessment.selectors import current_level

register = template.Library()


@register.inclusion_tag("assessment/elder_level.html", takes_context=True)
def elder_ability_level(context: Any, elder: Any) -> dict[str, Any]:
    principal = getattr(context.get("request"), "principal", None)
    visible = principal is not None and principal.can("assessments.view")
    return {"elder": elder, "current": current_level(elder) if visible else None, "visible": visible}
