"""Cron-friendly sweep: expire unanswered bed offers (and pass the beds on), flag expiring licences."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eldercare.core.audit import AuditContext, audit_context
from eldercare.facilities import services


class Command(BaseCommand):
    help = "Expire bed offers past their deadline and offer the beds to the next applicants."

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(AuditContext(channel="command")):
            expired = services.offers_expire(actor="facilities_sweep")
        self.stdout.write(f"offers expired: {expired}")
