"""Structured logs (LOG_FORMAT=json): loaded by the logging set-up, before the apps, so no model imports."""

from __future__ import annotations

import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id (when in a request), exception."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        try:
            from eldercare.core.audit import _context

            context = _context.get()
        except Exception:  # apps not loaded yet
            context = None
        if context is not None and context.request_id:
            payload["request_id"] = context.request_id
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
