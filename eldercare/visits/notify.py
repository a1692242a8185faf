"""Delivery of notifications (通知) beyond the platform's own list: SMS, the government messaging app …

The platform always stores a `Notification` row (the officer sees it on the notifications page); the
adapter named by `VISITS_NOTIFIER` (a dotted path) is then asked to deliver it outside. The default adapter
writes a log line, which is what development and tests need; a deployment plugs in its SMS gateway or
政务微信 adapter with the same `send` method.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    channel: str

    def send(self, *, username: str, title: str, body: str, url: str) -> bool: ...


class LoggingNotifier:
    """Development adapter: logs the message and reports it delivered."""

    channel = "log"

    def send(self, *, username: str, title: str, body: str, url: str) -> bool:
        logger.warning("notify %s: %s — %s %s", username, title, body, url)
        return True


def notifier() -> Notifier:
    path = getattr(settings, "VISITS_NOTIFIER", "eldercare.visits.notify.LoggingNotifier")
    notifier_class = import_string(path)
    return notifier_class()
