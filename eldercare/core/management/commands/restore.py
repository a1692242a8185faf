"""Restore a backup into a database and check it against the backup's manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from eldercare.core.backup import restore, verify_manifest


class Command(BaseCommand):
    help = "Restore a backup (into DATABASE_URL, or --database-url) and verify row counts and checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path)
        parser.add_argument("--database-url", default=None, help="target database (default: DATABASE_URL)")
        parser.add_argument("--yes", action="store_true", help="confirm overwriting the target database")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Restoring overwrites the target database; pass --yes to confirm.")
        import environ

        url = options["database_url"] or environ.Env().str("DATABASE_URL", default="")
        if not url:
            name = settings.DATABASES["default"]["NAME"]
            url = f"sqlite://{name}" if str(name).startswith("/") else f"sqlite:///{name}"
        connections["default"].close()
        restore(source=options["source"], database_url=url)
        manifest = Path(f"{options['source']}.manifest.json")
        if manifest.is_file() and not options["database_url"]:
            problems = verify_manifest(manifest_path=manifest)
            if problems:
                raise CommandError("Restored database differs from the backup: " + "; ".join(problems[:20]))
            self.stdout.write("restored and verified against the manifest")
        else:
            self.stdout.write("restored")
