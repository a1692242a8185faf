from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from eldercare.navigation import navigation_for


def platform(request: HttpRequest) -> dict[str, Any]:
    principal = getattr(request, "principal", None)
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "elder_mode": request.COOKIES.get("elder_mode") == "1",
        "nav": navigation_for(principal, request.resolver_match) if principal is not None else [],
    }
