"""Apply the retention policy now: delete or pseudonymise every record past its period (audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from eldercare.core.audit import AuditContext, audit_context
from eldercare.registry.services.privacy import retention_purge


class Command(BaseCommand):
    help = "Delete or pseudonymise records past the retention periods of policy privacy.retention (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (tests)")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(AuditContext(channel="command")):
            counts = retention_purge(today=options["today"], actor="retention purge (command)")
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
