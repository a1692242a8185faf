"""Domain errors raised by services; the API turns them into `{"code", "message", "details"}`."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused the operation. `status` is the HTTP status the API answers with."""

    status: int = 400

    def __init__(self, code: str, message: str, details: Any = None, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        if status is not None:
            self.status = status


class ConflictError(DomainError):
    """The operation clashes with the current state (HTTP 409)."""

    status = 409
