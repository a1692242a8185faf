"""Back the database up to a file, with a manifest of row counts and checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from eldercare.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump on PostgreSQL, the online backup API on SQLite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=None, help="file to write (default backups/<time>.dump)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path("backups") / f"eldercare-{timezone.now():%Y%m%d-%H%M%S}.dump"
        backup(output=output)
        self.stdout.write(f"backup written to {output} (manifest {output}.manifest.json)")
