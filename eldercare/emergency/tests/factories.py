"""Factories of the emergency centre's tests."""

from __future__ import annotations

import itertools
import json
from typing import Any

from django.test import Client

from eldercare.core.tests.factories import ElderFactory
from eldercare.emergency import rules, services
from eldercare.emergency.choices import AlarmSource
from eldercare.emergency.models import Alarm
from eldercare.registry.models import Elder

_serials = itertools.count(1)
_events = itertools.count(1)


def make_device(
    elder: Elder | None = None, kind: str = "call_button", **kw: Any
) -> services.DeviceCredentials:
    return services.device_register(
        elder=elder or ElderFactory(), kind=kind, serial=f"SN{next(_serials):08d}", actor=None, **kw
    )


def make_alarm(
    credentials: services.DeviceCredentials | None = None, kind: str = "sos", event_id: str | None = None
) -> Alarm:
    creds = credentials or make_device()
    alarm, _created = services.alarm_receive(
        device=creds.device,
        event_id=event_id or f"ev-{next(_events)}",
        kind=kind,
        source=AlarmSource.HTTPS,
    )
    return alarm


def post_signed(client: Client, url: str, creds: services.DeviceCredentials, body: dict[str, Any]) -> Any:
    raw = json.dumps(body).encode()
    return client.post(
        url,
        data=raw,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {creds.token}",
        HTTP_X_SIGNATURE=rules.sign(creds.secret, raw),
    )
