"""Telephony adapter (电话平台): places the operator's calls. In development it only logs.

A deployment sets `EMERGENCY_TELEPHONY` to the dotted path of a class with the same `dial` method that
talks to the call-centre switch (CTI); the rest of the module never knows which one is in use.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CallAttempt:
    reference: str
    placed: bool


class Telephony(Protocol):
    def dial(self, *, number: str, callee: str, alarm_id: int) -> CallAttempt: ...


class LoggingTelephony:
    """Development adapter: logs the call and pretends it was placed."""

    def dial(self, *, number: str, callee: str, alarm_id: int) -> CallAttempt:
        reference = "dev-" + uuid.uuid4().hex[:12]
        logger.info(
            "telephony(dev): alarm %s calls %s at %s (%s)", alarm_id, callee, number or "-", reference
        )
        return CallAttempt(reference=reference, placed=True)


def telephony() -> Telephony:
    path = getattr(settings, "EMERGENCY_TELEPHONY", "eldercare.emergency.telephony.LoggingTelephony")
    telephony_class = import_string(path)
    return telephony_class()
