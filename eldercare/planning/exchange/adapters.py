"""Transports to upper-level systems (省级平台, 金民工程). The real ones are written when their interface
documents are at hand; until then the logging adapter records what would be sent.

An adapter has a `name` and `send(message) -> reference`; it raises on failure (the outbox keeps the
error and the message can be sent again). Choose one with the setting `PLANNING_EXCHANGE_ADAPTER`
(dotted path); the default is `LoggingAdapter`.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from eldercare.planning.models import OutboxMessage

logger = logging.getLogger("eldercare.planning.exchange")


class ExchangeAdapter(Protocol):
    name: str

    def send(self, message: OutboxMessage) -> str:
        """Deliver the message's payload; return the receiver's reference for it."""
        ...


class LoggingAdapter:
    """Development: writes one log line per message and answers a reference made from its digest."""

    name = "logging"

    def send(self, message: OutboxMessage) -> str:
        logger.info(
            "exchange: %s v%s %s %s → %s, %d rows, sha256 %s",
            message.dataset,
            message.schema_version,
            message.fmt,
            message.period,
            message.destination,
            message.rows,
            message.sha256,
        )
        return f"log-{message.sha256[:12]}"


def get_adapter() -> ExchangeAdapter:
    path = getattr(
        settings, "PLANNING_EXCHANGE_ADAPTER", "eldercare.planning.exchange.adapters.LoggingAdapter"
    )
    adapter: ExchangeAdapter = import_string(path)()
    return adapter
