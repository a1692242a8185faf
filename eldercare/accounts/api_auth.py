"""API authentication: bearer tokens for systems and devices, the session for the platform's own pages.

Each method returns the caller's `Principal`, which endpoints read as `request.auth`. An operation's
capability comes from the permission matrix by operation id (`api_operation`), never from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from eldercare.accounts.middleware import two_factor_required
from eldercare.accounts.permissions import API_OPERATIONS
from eldercare.accounts.principal import Principal, principal_for_token, principal_for_user
from eldercare.accounts.selectors import token_by_secret
from eldercare.accounts.services import token_touch


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        api_token = token_by_secret(token)
        if api_token is None:
            return None
        token_touch(token=api_token)
        return principal_for_token(api_token)


class SessionAuth(NinjaSessionAuth):
    """The signed-in session; a role that must use 2FA needs a verified session here too."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = super().authenticate(request, key)
        if not user:
            return None
        if two_factor_required(user.role) and not user.is_verified():
            return None
        return principal_for_user(user)


def api_operation(func: Callable[..., Any]) -> Callable[..., Any]:
    """Enforce the capability that `API_OPERATIONS` gives this operation (named like the function)."""
    capability = API_OPERATIONS[func.__name__]

    @wraps(func)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        principal: Principal = request.auth  # type: ignore[attr-defined]
        if not principal.can(capability):
            raise HttpError(403, "Your role may not use this operation.")
        return func(request, *args, **kwargs)

    wrapped.capability = capability  # type: ignore[attr-defined]
    return wrapped
