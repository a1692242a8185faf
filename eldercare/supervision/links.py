"""Supervision's window on apps built in parallel: star ratings (facilities) and incidents.

Until the lead points these at `eldercare.facilities` (star rating, GB/T 37276) and at the incident
records, they answer None, and the credit score counts no stars and no incidents (the page says so).
"""

from __future__ import annotations

from datetime import date


def organisation_stars(*, organisation_ids: list[int]) -> dict[int, int] | None:
    """Current star rating (1–5) per organisation; None until facilities is linked."""
    return None


def organisation_incidents(*, organisation_ids: list[int], since: date) -> dict[int, int] | None:
    """Safety incidents per organisation since a date; None until an incident source is linked."""
    return None
