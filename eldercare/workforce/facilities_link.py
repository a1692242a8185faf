"""The workforce registry's one window on the facilities app (built in parallel).

Bed counts and residents by care level belong to `eldercare.facilities`. Until the lead points these
functions at it, they answer None ("not known"), and the ratios that need them say so instead of
showing zero. Keep every read of facility data behind these two functions.
"""

from __future__ import annotations


def institution_beds(*, division_code: str) -> dict[int, int] | None:
    """Beds per institution (organisation id → beds) under the division; None until facilities is linked."""
    return None


def institution_residents_by_level(*, organisation_id: int) -> dict[str, int] | None:
    """Residents of one institution by care level (keys of `workforce.staffing_ratios`); None until linked."""
    return None
