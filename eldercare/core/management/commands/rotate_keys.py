"""Re-encrypt every protected column with the first key of FIELD_ENCRYPTION_KEY (key rotation).

Rotation: put the new key first and keep the old one after it, run this command, then remove the old key.
Rows are rewritten in batches inside one transaction per batch; running it twice is harmless.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from eldercare.core.audit import AuditContext, audit_context
from eldercare.core.services import encrypted_fields_rotate


class Command(BaseCommand):
    help = "Re-encrypt ID numbers, phones and other protected fields with the current first key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(AuditContext(channel="command")):
            counts = encrypted_fields_rotate(batch_size=options["batch_size"], actor=None)
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n} values re-encrypted")
