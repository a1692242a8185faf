"""Load the inspection checklists (data/checklists.toml) as versioned rows; idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eldercare.supervision.services import checklists_sync


class Command(BaseCommand):
    help = "Load inspection checklist versions that are not stored yet."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{checklists_sync()} checklist version(s) added.")
