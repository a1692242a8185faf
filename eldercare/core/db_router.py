"""Read-only dashboard queries on a PostgreSQL replica (DATABASE_REPLICA_URL).

Only GET requests to the dashboard pages (URL namespaces in `REPLICA_NAMESPACES`) read from the
replica, and only while no transaction is open on the primary; everything else, and every write, goes to
`default`. A replica lags by a few seconds, which dashboards tolerate and case work does not.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside this block, model reads go to the replica (when one is configured)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class DashboardReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if (
            _reading_from_replica.get()
            and REPLICA in connections.databases
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA


class ReplicaForDashboardsMiddleware:
    """GET requests to dashboard pages read from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        namespaces = getattr(settings, "REPLICA_NAMESPACES", ())
        if request.method == "GET" and match is not None and match.namespace in namespaces:
            with replica_reads():
                return view(request, *args, **kwargs)
        return None
