"""Build the synthetic demo city on the real divisions and print the demo accounts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from eldercare.core.audit import AuditContext, audit_context
from eldercare.core.exceptions import DomainError
from eldercare.demo.services import DEMO_PASSWORD, build_demo_city


class Command(BaseCommand):
    help = "Generate a reproducible synthetic city (elders, organisations, one account per role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default="jiangmen", choices=["jiangmen", "wuhan"])
        parser.add_argument(
            "--scale", type=float, default=0.01, help="share of the real 60+ population (1 = full)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="reference date (YYYY-MM-DD)"
        )
        parser.add_argument("--reset", action="store_true", help="delete this city's elders first")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["scale"] <= 1:
            raise CommandError("--scale must be in (0, 1]")
        today = options["today"] or timezone.localdate()
        with audit_context(AuditContext(channel="command")):
            try:
                report = build_demo_city(
                    city_key=options["city"],
                    scale=options["scale"],
                    seed=options["seed"],
                    today=today,
                    reset=options["reset"],
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"{report.city}: {report.elders:,} elders generated"))
        for note in report.notes:
            self.stdout.write(f"  {note}")
        self.stdout.write(
            f"Time: {sum(report.seconds.values()):.1f} s ("
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.seconds.items())
            + ")"
        )
        self.stdout.write("Labelled assumptions: " + "; ".join(report.assumptions))
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for username, role, bound in report.accounts:
            self.stdout.write(f"  {username:<22} {role:<28} {bound}")
