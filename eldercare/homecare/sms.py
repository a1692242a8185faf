"""SMS adapter (短信): sends the elder's or family's confirmation code. In development it only logs.

A deployment sets `HOMECARE_SMS` to the dotted path of a class with the same `send` method that talks to the
operator's SMS gateway; the rest of the module never knows which one is in use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from eldercare.core.ids import mask_phone

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SentMessage:
    phone: str
    text: str


class Sms(Protocol):
    def send(self, *, phone: str, text: str) -> bool: ...


# Messages "sent" by the development adapter in this process, newest last (tests and the demo read them).
OUTBOX: list[SentMessage] = []


class LoggingSms:
    """Development adapter: logs the message with the phone masked and keeps it in `OUTBOX`."""

    def send(self, *, phone: str, text: str) -> bool:
        OUTBOX.append(SentMessage(phone=phone, text=text))
        del OUTBOX[:-100]
        logger.info("sms(dev) to %s: %s", mask_phone(phone) if phone else "-", text)
        return True


def sms() -> Sms:
    path = getattr(settings, "HOMECARE_SMS", "eldercare.homecare.sms.LoggingSms")
    return import_string(path)()
