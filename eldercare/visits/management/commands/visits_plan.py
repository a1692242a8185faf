"""Generate (and assign) one month's visit plan: `manage.py visits_plan --month 2026-12`.

Idempotent per month: running it again adds only what is missing. `--enqueue` hands the work to the task
worker instead (`manage.py db_worker`); `--rates` also refreshes the month's pre-aggregated visit rates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from eldercare.core.audit import AuditContext, audit_context
from eldercare.core.exceptions import DomainError
from eldercare.visits import services


def parse_month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-")[:2])
        return date(year, month, 1)
    except ValueError as exc:
        raise CommandError(f"--month must look like YYYY-MM, not {text!r}") from exc


class Command(BaseCommand):
    help = "Generate and assign the visits due in a month (idempotent per month)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default="", help="YYYY-MM (default: this month)")
        parser.add_argument("--enqueue", action="store_true", help="queue it for the task worker instead")
        parser.add_argument("--rates", action="store_true", help="also refresh the month's visit rates")

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"]) if options["month"] else timezone.localdate().replace(day=1)
        if options["enqueue"]:
            from eldercare.visits.tasks import visits_plan_month, visits_rates_refresh

            result = visits_plan_month.enqueue(month.isoformat())
            self.stdout.write(f"queued plan for {month:%Y-%m}: task {result.id}")
            if options["rates"]:
                visits_rates_refresh.enqueue(month.isoformat())
            return
        with audit_context(AuditContext(channel="command")):
            try:
                report = services.plan_month(month=month)
                rows = services.rates_refresh(month=month) if options["rates"] else None
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{month:%Y-%m}: {report.created} visits added, {report.kept} already planned, "
                f"{report.cancelled} cancelled, {report.assigned} assigned, "
                f"{report.unassigned} without a visitor"
            )
        )
        if rows is not None:
            self.stdout.write(f"visit rates refreshed: {rows} rows")
