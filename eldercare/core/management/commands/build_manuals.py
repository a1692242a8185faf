"""Build the Chinese user manuals into static HTML and PDF (served under /docs/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from eldercare.core.manuals import SCREENSHOTS, build_manuals


class Command(BaseCommand):
    help = "Build docs/manual/*.md into HTML and a PDF; screenshots come from the e2e run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=None, help="default: MANUALS_ROOT")
        parser.add_argument("--screenshots", type=Path, default=SCREENSHOTS)
        parser.add_argument("--no-pdf", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"] or Path(settings.MANUALS_ROOT)
        written = build_manuals(out=out, shots=options["screenshots"], pdf=not options["no_pdf"])
        self.stdout.write(f"{len(written)} files written to {out}")
