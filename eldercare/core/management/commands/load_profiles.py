"""Create the city profiles and seed their policies (keys already edited are left alone)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.core.audit import AuditContext, audit_context
from eldercare.core.exceptions import DomainError
from eldercare.core.services import available_profiles, profile_load


class Command(BaseCommand):
    help = "Load city profiles (wuhan, jiangmen …) and seed their policy versions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("profiles", nargs="*", help=f"default: all ({', '.join(available_profiles())})")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(AuditContext(channel="command")):
            for code in options["profiles"] or available_profiles():
                try:
                    profile, seeded = profile_load(code=code)
                except DomainError as exc:
                    raise CommandError(f"{code}: {exc.message}") from exc
                self.stdout.write(f"{profile.code}: {profile.name}, {seeded} policy keys seeded")
