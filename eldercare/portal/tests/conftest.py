from __future__ import annotations

from collections.abc import Iterator

import pytest

from eldercare.benefits.notify import LoggingSmsSender


@pytest.fixture(autouse=True)
def outbox() -> Iterator[list[tuple[str, str]]]:
    LoggingSmsSender.sent.clear()
    yield LoggingSmsSender.sent
    LoggingSmsSender.sent.clear()
