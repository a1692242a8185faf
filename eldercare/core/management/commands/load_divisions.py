"""Load the shipped division data (idempotent), or another city's communities from a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.core.audit import AuditContext, audit_context
from eldercare.core.services import divisions_import, read_division_rows, shipped_division_files


class Command(BaseCommand):
    help = "Load divisions: the whole country to street level and the shipped cities' communities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--city",
            action="append",
            dest="cities",
            help="only these cities' communities (4-digit code, repeatable)",
        )
        parser.add_argument(
            "--csv",
            type=Path,
            help="import communities from this CSV instead "
            "(columns code,name,parent_code[,lon,lat,centroid_source])",
        )
        parser.add_argument("--partial", action="store_true", help="load the good rows even if some are bad")

    def handle(self, *args: Any, **options: Any) -> None:
        files = [options["csv"]] if options["csv"] else shipped_division_files(cities=options["cities"])
        failed = False
        with audit_context(AuditContext(channel="command")):
            for path in files:
                if not path.is_file():
                    raise CommandError(f"{path} does not exist")
                report = divisions_import(
                    rows=read_division_rows(path), source=path.name, partial=options["partial"]
                )
                for error in report.errors[:50]:
                    self.stderr.write(f"{path.name}:{error['line']}: {error['code']}: {error['reason']}")
                if len(report.errors) > 50:
                    self.stderr.write(f"… and {len(report.errors) - 50} more bad rows")
                written = not report.errors or options["partial"]
                failed |= bool(report.errors)
                self.stdout.write(
                    f"{path.name}: {report.created} created, {report.updated} updated, "
                    f"{report.unchanged} unchanged, {len(report.errors)} rejected"
                    + ("" if written else " — nothing written (use --partial to load the good rows)")
                )
        if failed and not options["partial"]:
            raise CommandError("Some rows were rejected.")
