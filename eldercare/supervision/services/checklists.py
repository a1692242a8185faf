"""Load the checklist data file into versioned rows (idempotent; stored versions are never edited)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.db import transaction

from eldercare.supervision.models import ChecklistVersion

CHECKLISTS_FILE = Path(__file__).resolve().parent.parent / "data" / "checklists.toml"


@transaction.atomic
def checklists_sync(path: Path = CHECKLISTS_FILE) -> int:
    """Add every (code, version) of the file not stored yet; returns how many were added."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    added = 0
    for entry in data["checklist"]:
        _row, created = ChecklistVersion.objects.get_or_create(
            code=entry["code"],
            version=entry["version"],
            defaults={
                "title": entry["title"],
                "source": entry.get("source", ""),
                "items": entry["items"],
                "pass_share": entry.get("pass_share", 1.0),
                "valid_from": entry["valid_from"],
            },
        )
        added += int(created)
    return added
