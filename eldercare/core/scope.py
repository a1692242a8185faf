"""Data scope (数据权限): the one place that limits a queryset to what the caller may see.

A model declares once where its division and/or organisation live (`scope_division_field`,
`scope_organisation_field`); `DataScope.apply` turns the caller's scope into one filter. Deny by
default: an empty scope sees nothing, and a model that declares neither field cannot be scoped at all.
Callers treat "out of scope" exactly like "missing" (404), so existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.db.models import QuerySet

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True, slots=True)
class DataScope:
    """What one caller may see: division subtrees (by code prefix) and/or organisations."""

    division_codes: tuple[str, ...] = ()
    organisation_ids: tuple[int, ...] = ()
    unrestricted: bool = False

    @classmethod
    def none(cls) -> DataScope:
        return cls()

    @classmethod
    def everything(cls) -> DataScope:
        """Only for system work (commands, tasks) and superusers; never built from a staff role."""
        return cls(unrestricted=True)

    @property
    def is_empty(self) -> bool:
        return not (self.unrestricted or self.division_codes or self.organisation_ids)

    def covers_division(self, code: str) -> bool:
        """True if the division with this code lies inside the scope's division subtrees."""
        return self.unrestricted or any(code.startswith(root) for root in self.division_codes)

    def filter_q(self, model: type[models.Model]) -> Q:
        """The filter for `model`, built from the fields it declares."""
        division_field: str | None = getattr(model, "scope_division_field", None)
        organisation_field: str | None = getattr(model, "scope_organisation_field", None)
        if division_field is None and organisation_field is None:
            raise ImproperlyConfigured(f"{model.__name__} declares no scope fields and cannot be scoped.")
        if self.unrestricted:
            return Q()
        q = Q(pk__in=[])
        if division_field is not None:
            lookup = _prefix_lookup(model, division_field)
            for code in self.division_codes:
                q |= Q(**{lookup: code})
        if organisation_field is not None and self.organisation_ids:
            q |= Q(**{f"{organisation_field}__in": self.organisation_ids})
        return q

    def apply(self, queryset: QuerySet[_M]) -> QuerySet[_M]:
        return queryset.filter(self.filter_q(queryset.model))


def _prefix_lookup(model: type[models.Model], field_path: str) -> str:
    """`<path>__startswith` on the division code; for a foreign key, on its target code (no join)."""
    parts = field_path.split("__")
    opts = model._meta
    field: Any = None
    for part in parts:
        field = opts.get_field(part)
        if field.is_relation and part != parts[-1]:
            opts = field.related_model._meta
    if isinstance(field, models.ForeignKey):
        parts.append(field.target_field.name)  # the ORM trims the join: the filter is on the FK column
    return "__".join(parts) + "__startswith"


class ScopedQuerySet(models.QuerySet[_M], Generic[_M]):
    """QuerySet with `for_scope(scope)`; every model reachable by a user uses it as its manager."""

    def for_scope(self, scope: DataScope) -> ScopedQuerySet[_M]:
        return scope.apply(self)  # type: ignore[return-value]

    def __class_getitem__(cls, item: Any) -> Any:
        return cls
