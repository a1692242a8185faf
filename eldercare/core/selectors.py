"""Reads of the shared kernel: divisions, organisations, audit entries and policies."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404

from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry, CityProfile, Division, PolicyVersion
from eldercare.core.scope import DataScope

logger = logging.getLogger(__name__)


def division_visible_q(scope: DataScope) -> Q:
    """A caller sees its own subtrees and their ancestors (for breadcrumbs), nothing beside them."""
    q = scope.filter_q(Division)
    if not scope.unrestricted:
        ancestors = {root[:n] for root in scope.division_codes for n in (2, 4, 6, 9) if n < len(root)}
        if ancestors:
            q |= Q(code__in=ancestors)
    return q


def division_list(
    *, scope: DataScope, parent_code: str | None = None, search: str = ""
) -> QuerySet[Division]:
    qs = Division.objects.filter(division_visible_q(scope))
    if parent_code is not None:
        qs = qs.filter(parent_id=parent_code)
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(code__startswith=search))
    return qs.order_by("code")


def access_division(*, scope: DataScope, code: str) -> Division:
    division = Division.objects.filter(division_visible_q(scope), code=code).select_related("parent").first()
    if division is None:
        raise Http404("No such division.")
    return division


def division_children(*, scope: DataScope, code: str) -> QuerySet[Division]:
    access_division(scope=scope, code=code)
    return division_list(scope=scope, parent_code=code)


def division_breadcrumbs(division: Division) -> list[Division]:
    codes = division.ancestor_codes()
    by_code = {d.code: d for d in Division.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def audit_search(
    *,
    scope: DataScope,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries about objects inside the caller's scope; entries without a division need a city scope."""
    qs = AuditEntry.objects.for_scope(scope)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.select_related("actor").order_by("-created_at", "-id")


@dataclass(frozen=True, slots=True)
class PolicyValue:
    """A policy value as of a date, with the version that decisions must record."""

    key: str
    value: Any
    version_id: int
    version: int
    valid_from: date
    valid_to: date | None


def current_profile_code() -> str:
    return str(settings.CITY_PROFILE)


def _policy_cache_key(profile_code: str, key: str) -> str:
    return f"policy:{profile_code}:{key}"


def policy_versions(*, key: str, profile_code: str | None = None) -> list[PolicyValue]:
    profile_code = profile_code or current_profile_code()
    cache_key = _policy_cache_key(profile_code, key)
    cached: list[PolicyValue] | None = _cache_get(cache_key)
    if cached is None:
        cached = [
            PolicyValue(
                key=p.key,
                value=p.value,
                version_id=p.pk,
                version=p.version,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
            )
            for p in PolicyVersion.objects.filter(profile_id=profile_code, key=key).order_by("-version")
        ]
        _cache_set(cache_key, cached, 300)
    return cached


def _cache_get(key: str) -> Any:
    """The cache is an optimisation: when it is unreachable (Redis down) reads go to the database."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache unreachable; reading %s from the database", key, exc_info=True)
        return None


def _cache_set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unreachable; %s not cached", key, exc_info=True)


def forget_policy_cache(*, key: str, profile_code: str) -> None:
    try:
        cache.delete(_policy_cache_key(profile_code, key))
    except Exception:  # unreachable: nobody can read the stale value either
        logger.warning("cache unreachable; %s not forgotten", key, exc_info=True)


def policy_value(
    key: str, *, on: date | None = None, profile_code: str | None = None, default: Any = ...
) -> PolicyValue:
    """The version in force on `on` (today by default): the highest version whose range holds it."""
    from django.utils import timezone

    on = on or timezone.localdate()
    for version in policy_versions(key=key, profile_code=profile_code):
        if version.valid_from <= on and (version.valid_to is None or on < version.valid_to):
            return version
    if default is not ...:
        return PolicyValue(key=key, value=default, version_id=0, version=0, valid_from=on, valid_to=None)
    raise DomainError("policy_missing", f"No version of policy {key!r} is in force on {on}.", status=409)


def policy_overview(*, profile_code: str | None = None) -> QuerySet[PolicyVersion]:
    return (
        PolicyVersion.objects.filter(profile_id=profile_code or current_profile_code())
        .select_related("changed_by")
        .order_by("key", "-version")
    )


def city_profile(code: str | None = None) -> CityProfile | None:
    return CityProfile.objects.select_related("division").filter(code=code or current_profile_code()).first()
