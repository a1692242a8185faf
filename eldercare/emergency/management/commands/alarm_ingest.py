"""Subscribe to the MQTT broker (settings.MQTT_URL) and store device alarms; runs until stopped."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from eldercare.core.audit import AuditContext, audit_context
from eldercare.emergency.mqtt import run_ingest


class Command(BaseCommand):
    help = "Store alarms that devices publish over MQTT (acknowledged only after they are committed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default=settings.MQTT_URL)
        parser.add_argument("--topic", default=settings.MQTT_TOPIC)
        parser.add_argument("--client-id", default="eldercare-alarm-ingest")
        parser.add_argument("--max-messages", type=int, default=None)
        parser.add_argument("--timeout", type=float, default=None, help="stop after this many seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"alarm_ingest: {options['url']} {options['topic']}")
        with audit_context(AuditContext(channel="mqtt")):
            handled = run_ingest(
                url=options["url"],
                topic=options["topic"],
                client_id=options["client_id"],
                max_messages=options["max_messages"],
                timeout=options["timeout"],
            )
        self.stdout.write(f"alarm_ingest: {handled} messages handled")
