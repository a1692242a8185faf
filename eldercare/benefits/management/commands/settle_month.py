"""`manage.py settle_month --period YYYY-MM`: run (or re-run) a month's settlement while it is a draft."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.benefits.rules import Month
from eldercare.benefits.services import settle_month
from eldercare.core.audit import AuditContext, audit_context
from eldercare.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Settle one month of benefits (idempotent: a second run adds only what is missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Month.parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            with audit_context(AuditContext(channel="command")):
                report = settle_month(period=period, actor="settle_month")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{report.period}: {report.regular} regular, {report.corrections} corrections, "
            f"{report.recoveries} recoveries, {report.carried} carried, {report.suspended} not eligible, "
            f"{report.already_there} already settled; findings {report.checks}; "
            f"added {report.amount_fen / 100:.2f} yuan"
        )
