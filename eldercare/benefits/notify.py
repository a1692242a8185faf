"""Plain-words notifications to elders: in-app rows, and SMS through a pluggable sender.

The sender is chosen by `settings.BENEFITS_SMS_SENDER` (a dotted path); the default logs the message,
which is what development and tests use. A real gateway implements `send(phone, text) -> bool`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from eldercare.benefits.models import Application, Notification
from eldercare.registry.models import Elder

logger = logging.getLogger("eldercare.benefits.sms")


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> bool: ...


class LoggingSmsSender:
    """Development sender: writes the message to the log instead of sending it."""

    sent: list[tuple[str, str]] = []  # kept for tests and the development console

    def send(self, phone: str, text: str) -> bool:
        logger.info("SMS to %s: %s", phone[-4:].rjust(len(phone), "*"), text)
        LoggingSmsSender.sent.append((phone, text))
        return True


def sms_sender() -> SmsSender:
    path = getattr(settings, "BENEFITS_SMS_SENDER", "eldercare.benefits.notify.LoggingSmsSender")
    sender: SmsSender = import_string(path)()
    return sender


def notify(
    *, elders: Sequence[Elder], texts: Sequence[str], application: Application | None = None, sms: bool = True
) -> list[Notification]:
    """One in-app notification per elder, and an SMS where the elder has a phone (bulk insert)."""
    rows = [
        Notification(
            elder=elder,
            application=application,
            channel="in_app",
            text=text[:500],
            division_code=elder.residence_division_id,
        )
        for elder, text in zip(elders, texts, strict=True)
    ]
    if sms:
        sender = sms_sender()
        for elder, text in zip(elders, texts, strict=True):
            if elder.phone:
                ok = sender.send(elder.phone, text)
                rows.append(
                    Notification(
                        elder=elder,
                        application=application,
                        channel="sms",
                        text=text[:500],
                        delivered=ok,
                        division_code=elder.residence_division_id,
                    )
                )
    return Notification.objects.bulk_create(rows, batch_size=2000)


def yuan(fen: int) -> str:
    return f"{fen / 100:.2f}".rstrip("0").rstrip(".")
