"""Load the shipped GB/T 37276-2018 rating sheet (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eldercare.facilities.services import rating_sheets_load


class Command(BaseCommand):
    help = "Load the star-rating sheet shipped with the platform (GB/T 37276-2018, versioned data)."

    def handle(self, *args: Any, **options: Any) -> None:
        sheet = rating_sheets_load()
        self.stdout.write(f"rating sheet {sheet.code} v{sheet.version}")
