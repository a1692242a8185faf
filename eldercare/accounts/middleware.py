"""Attach the caller's principal (role + data scope) to each request and enforce two-factor sign-in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject

from eldercare.accounts.principal import principal_for_user
from eldercare.core.selectors import policy_value

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/elder-mode", "/api/")


def two_factor_required(role: str | None) -> bool:
    roles = policy_value("security.require_2fa_roles", default=[]).value
    return role in roles


class TwoFactorRequiredMiddleware:
    """Sets `request.principal` and `request.scope`; sends staff whose role needs 2FA to confirm a code.

    The API is exempt here because it authenticates each call itself (tokens, or a session that had to
    pass this check to exist as verified).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        principal = SimpleLazyObject(lambda: principal_for_user(request.user))
        request.principal = principal  # type: ignore[attr-defined]
        request.scope = SimpleLazyObject(lambda: principal.scope)  # type: ignore[attr-defined]
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
            and two_factor_required(user.role)
        ):
            return redirect("accounts:otp_verify")
        return self.get_response(request)
