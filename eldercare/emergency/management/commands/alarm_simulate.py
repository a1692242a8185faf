"""Send live alarms from simulated devices, so a new user can watch the console work.

    manage.py alarm_simulate --url http://127.0.0.1:8000 --count 10 --interval 5
    manage.py alarm_simulate --mqtt --count 10          # through the broker (run alarm_ingest too)

Registers a few simulator devices for random elders (their credentials live only in this process) and
sends signed alarms the way a device does; the server stores them and pushes them to the console.
"""

import json
import random
import time
import urllib.request
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from eldercare.emergency import rules
from eldercare.emergency.mqtt import envelope
from eldercare.emergency.services import DeviceCredentials, device_register
from eldercare.registry.models import Elder

KINDS = ["sos", "sos", "sos", "fall", "fall", "smoke", "door", "inactivity"]


class Command(BaseCommand):
    help = "Send simulated device alarms to a running server (HTTPS) or the MQTT broker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server's base URL")
        parser.add_argument("--mqtt", action="store_true", help=f"publish to {settings.MQTT_URL} instead")
        parser.add_argument("--count", type=int, default=10)
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between alarms")
        parser.add_argument("--devices", type=int, default=5)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])  # noqa: S311 - simulation, not security
        elder_ids = list(Elder.objects.filter(status="active").values_list("id", flat=True)[:5000])
        if not elder_ids:
            raise CommandError("No elders: build the demo city first (make demo).")
        run = uuid.uuid4().hex[:6]
        devices = [
            device_register(
                elder=Elder.objects.get(pk=rng.choice(elder_ids)),
                kind="call_button",
                serial=f"SIM-{run}-{n}",
                actor=None,
            )
            for n in range(options["devices"])
        ]
        for n in range(options["count"]):
            creds = rng.choice(devices)
            event = {"event_id": f"sim-{run}-{n}", "kind": rng.choice(KINDS)}
            result = (
                self._send_mqtt(creds, event)
                if options["mqtt"]
                else self._send_http(options["url"], creds, event)
            )
            self.stdout.write(f"alarm {n + 1}/{options['count']}: {event['kind']} → {result}")
            if n + 1 < options["count"]:
                time.sleep(options["interval"])

    def _send_http(self, base: str, creds: DeviceCredentials, event: dict[str, Any]) -> str:
        body = json.dumps(event).encode()
        request = urllib.request.Request(  # noqa: S310 - the operator's own server URL
            base.rstrip("/") + "/api/v1/devices/alarms",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {creds.token}",
                "X-Signature": rules.sign(creds.secret, body),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return f"{response.status} {response.read().decode()}"

    def _send_mqtt(self, creds: DeviceCredentials, event: dict[str, Any]) -> str:
        from urllib.parse import urlparse

        import paho.mqtt.publish as publish

        url = urlparse(settings.MQTT_URL)
        topic = settings.MQTT_TOPIC.rstrip("#").rstrip("/") + "/" + creds.device.serial
        publish.single(
            topic,
            envelope(token=creds.token, secret=creds.secret, event=event),
            qos=1,
            hostname=url.hostname or "127.0.0.1",
            port=url.port or 1883,
        )
        return f"published to {topic}"
