"""Escalate overdue alarms and raise technical alarms for silent devices (idempotent).

The deadlines are columns of the alarm table, so after a restart of every process the next run finds
every open alarm and its timer where they were. `--loop` runs every `--interval` seconds until stopped;
several copies may run at once (each escalation level is applied by one conditional UPDATE).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from eldercare.core.audit import AuditContext, audit_context
from eldercare.emergency.broadcast import wait_idle
from eldercare.emergency.services import alarms_escalate, devices_check_silent


class Command(BaseCommand):
    help = "Escalate alarms whose stored deadline has passed; raise alarms for silent devices."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between runs with --loop")
        parser.add_argument("--devices-every", type=float, default=60.0, help="seconds between device checks")

    def handle(self, *args: Any, **options: Any) -> None:
        last_devices = 0.0
        with audit_context(AuditContext(channel="command")):
            while True:
                if not connection.in_atomic_block:  # between runs, drop stale connections
                    close_old_connections()
                escalated = alarms_escalate()
                silent = 0
                if time.monotonic() - last_devices >= options["devices_every"] or not options["loop"]:
                    silent = devices_check_silent()
                    last_devices = time.monotonic()
                if escalated or silent or not options["loop"]:
                    self.stdout.write(f"alarm_escalate: {escalated} escalated, {silent} silent devices")
                if not options["loop"]:
                    wait_idle()
                    return
                time.sleep(options["interval"])
