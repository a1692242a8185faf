"""Refresh the plan-monitoring aggregates (idempotent).

`manage.py refresh_indicators [--month YYYY-MM] [--months N]`.

Run it nightly from cron; it recomputes the given month (default: this one) and the N−1 before it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from eldercare.core.audit import AuditContext, audit_context
from eldercare.planning import rules, services


class Command(BaseCommand):
    help = "Recompute indicator values and key counts per division × month."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="last month to compute, YYYY-MM (default: this month)")
        parser.add_argument(
            "--months", type=int, default=2, help="how many months ending with --month (default 2)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            last = (
                date.fromisoformat(options["month"] + "-01")
                if options["month"]
                else timezone.localdate().replace(day=1)
            )
        except ValueError as exc:
            raise CommandError("--month must be YYYY-MM") from exc
        if options["months"] < 1:
            raise CommandError("--months must be at least 1")
        with audit_context(AuditContext(channel="command")):
            services.projects_seed()
            run = services.refresh(
                months=rules.months_back(last, options["months"]), trigger="command", actor="command"
            )
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0
        print(f"refreshed {', '.join(run.months)}: {run.rows} rows in {seconds:.1f} s")
