"""Load the shipped assessment instruments (GB/T 42195-2022, MZ/T 039-2013); idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eldercare.assessment.services import instruments_load
from eldercare.core.audit import AuditContext, audit_context
from eldercare.core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Store the instrument definitions under eldercare/assessment/data/ (unchanged versions are skipped)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(AuditContext(channel="command")):
            try:
                report = instruments_load(actor="load_instruments")
            except DomainError as exc:
                raise CommandError(f"{exc.message} {exc.details or ''}") from exc
        for label in report.created:
            self.stdout.write(f"{label}: loaded")
        for label in report.unchanged:
            self.stdout.write(f"{label}: unchanged")
