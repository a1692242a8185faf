"""Who is calling: a role plus a data scope, whether signed in by session or by API token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from eldercare.accounts.permissions import has_capability
from eldercare.accounts.roles import DIVISION_ROLES, ORGANISATION_ROLES
from eldercare.core.scope import DataScope


@dataclass(frozen=True, slots=True)
class Principal:
    role: str | None
    scope: DataScope
    user: Any = None  # the User (session) or the token's owner-less stand-in
    token_id: int | None = None

    def can(self, capability: str) -> bool:
        if self.user is not None and getattr(self.user, "is_superuser", False):
            return True
        return has_capability(self.role, capability)


def scope_for(
    *, role: str | None, division_id: str | None, organisation_id: int | None, superuser: bool = False
) -> DataScope:
    """Deny by default: a role sees its bound division subtree or organisation, nothing else."""
    if superuser:
        return DataScope.everything()
    if role in DIVISION_ROLES and division_id:
        return DataScope(division_codes=(division_id,))
    if role in ORGANISATION_ROLES and organisation_id:
        return DataScope(organisation_ids=(organisation_id,))
    return DataScope.none()


def principal_for_user(user: Any) -> Principal:
    if user is None or not user.is_authenticated:
        return Principal(role=None, scope=DataScope.none())
    scope = scope_for(
        role=user.role,
        division_id=user.division_id,
        organisation_id=user.organisation_id,
        superuser=user.is_superuser,
    )
    return Principal(role=user.role, scope=scope, user=user)


def principal_for_token(token: Any) -> Principal:
    scope = scope_for(role=token.role, division_id=token.division_id, organisation_id=token.organisation_id)
    return Principal(role=token.role, scope=scope, user=None, token_id=token.pk)


class ScopedRequest(HttpRequest):
    """The request as views see it after the middleware: who is calling and what they may see."""

    principal: Principal
    scope: DataScope
    htmx: Any
