"""Core API: who am I, divisions, the audit log, policies."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.pagination import PagePagination
from eldercare.core.schemas import AuditEntryOut, DivisionOut, MeOut, PolicyVersionOut
from eldercare.core.selectors import access_division, audit_search, division_children, policy_overview

router = Router(tags=["core"])


@router.get("/me", response=MeOut)
@api_operation
def me(request: HttpRequest) -> dict[str, Any]:
    principal = request.auth  # type: ignore[attr-defined]
    return {
        "role": principal.role,
        "username": principal.user.get_username() if principal.user is not None else None,
        "division_codes": list(principal.scope.division_codes),
        "organisation_ids": list(principal.scope.organisation_ids),
        "token": principal.token_id is not None,
    }


@router.get("/divisions/{code}", response=DivisionOut)
@api_operation
def division_detail(request: HttpRequest, code: str) -> Any:
    return access_division(scope=request.auth.scope, code=code)  # type: ignore[attr-defined]


@router.get("/divisions/{code}/children", response=list[DivisionOut])
@api_operation
@paginate(PagePagination)
def division_children_list(request: HttpRequest, code: str) -> Any:
    return division_children(scope=request.auth.scope, code=code)  # type: ignore[attr-defined]


class AuditFilter(Schema):
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


@router.get("/audit", response=list[AuditEntryOut])
@api_operation
@paginate(PagePagination)
def audit_list(request: HttpRequest, filters: Query[AuditFilter]) -> Any:
    return audit_search(scope=request.auth.scope, **filters.dict())  # type: ignore[attr-defined]


@router.get("/policies", response=list[PolicyVersionOut])
@api_operation
@paginate(PagePagination)
def policy_list(request: HttpRequest, key: str = "") -> Any:
    qs = policy_overview()
    return qs.filter(key=key) if key else qs
