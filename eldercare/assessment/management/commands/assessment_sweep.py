"""Queue the daily validity sweep (reminders, expiry, automatic reassessment requests); run it from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from eldercare.assessment.tasks import sweep_expiry


class Command(BaseCommand):
    help = "Enqueue the assessment expiry sweep for today (idempotent); --now runs it in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="run here instead of queueing for db_worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            self.stdout.write(str(sweep_expiry.call()))
        else:
            result = sweep_expiry.enqueue()
            self.stdout.write(f"queued {result.id}")
