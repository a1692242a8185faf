"""The single NinjaAPI at /api/v1: routers of every app, one auth, one error body format."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from eldercare.accounts.api_auth import SessionAuth, TokenAuth
from eldercare.assessment.api import router as assessment_router
from eldercare.benefits.api import router as benefits_router
from eldercare.core.api import router as core_router
from eldercare.core.exceptions import DomainError
from eldercare.emergency.api import router as emergency_router
from eldercare.facilities.api import router as facilities_router
from eldercare.homecare.api import router as homecare_router
from eldercare.planning.api import router as planning_router
from eldercare.registry.api import router as registry_router
from eldercare.spatial.api import router as spatial_router
from eldercare.supervision.api import router as supervision_router
from eldercare.timebank.api import router as timebank_router
from eldercare.visits.api import router as visits_router
from eldercare.workforce.api import router as workforce_router

api = NinjaAPI(
    title="Eldercare platform API",
    version="1.0.0",
    description="养老服务综合信息平台 API. Authenticate with `Authorization: Bearer <token>` or a signed-in "
    "session. Errors always answer `{code, message, details}`.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-1.0.0",
)
api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", emergency_router)
api.add_router("/", assessment_router)
api.add_router("/", timebank_router)
api.add_router("/", facilities_router)
api.add_router("/", homecare_router)
api.add_router("/", workforce_router)
api.add_router("/", supervision_router)
api.add_router("/", visits_router)
api.add_router("/", benefits_router)
api.add_router("/", planning_router)
api.add_router("/", spatial_router)

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "too_many_requests",
}


def _error(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "validation_error", "The request is not valid.", exc.errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Sign in or send a valid bearer token.")


@api.exception_handler(AuthorizationError)
def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "forbidden", "Your role may not use this operation.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, _STATUS_CODES.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")
