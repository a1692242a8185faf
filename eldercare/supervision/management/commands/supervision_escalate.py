"""Escalate overdue complaints and rectification orders once (cron-friendly; idempotent per period)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eldercare.supervision.services import complaints_escalate_overdue, rectifications_escalate_overdue


class Command(BaseCommand):
    help = "Escalate complaints past their time limits and rectification orders past their deadline."

    def handle(self, *args: Any, **options: Any) -> None:
        complaints = complaints_escalate_overdue()
        rectifications = rectifications_escalate_overdue()
        self.stdout.write(f"escalated: {complaints} complaint(s), {rectifications} rectification order(s)")
