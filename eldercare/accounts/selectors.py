"""Reads of accounts: users and tokens inside the caller's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from eldercare.accounts.models import ApiToken, User
from eldercare.core.scope import DataScope


def user_list(*, scope: DataScope, search: str = "") -> QuerySet[User]:
    qs = scope.apply(User.objects.all())
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    return qs.select_related("division", "organisation").order_by("username")


def token_list(*, scope: DataScope) -> QuerySet[ApiToken]:
    return ApiToken.objects.for_scope(scope).select_related("division", "organisation", "created_by")


def token_by_secret(secret: str) -> ApiToken | None:
    """The usable token for a presented secret; None if unknown, expired or revoked."""
    from eldercare.accounts.services import hash_token_secret

    token = ApiToken.objects.filter(token_hash=hash_token_secret(secret)).first()
    return token if token is not None and token.is_usable else None
