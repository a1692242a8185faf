"""Per-request audit context: where an audited action came from."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from eldercare.core.audit import AuditContext, audit_context


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        ctx = AuditContext(
            channel="api" if request.path.startswith("/api/") else "web",
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
            request_id=request_id,
        )
        with audit_context(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
