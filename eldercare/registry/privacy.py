"""One person's complete record (PIPL 查阅复制权): each module contributes the rows it holds about an elder.

A module registers a source in its own `privacy.py` with `@privacy_source`; `elder_record` discovers those
modules and merges their sections. A section is named by the model's label (`app.Model`) and holds that
model's rows about the elder as plain JSON values (personal fields decrypted: the export is the person's own
data). Lookup hashes are internal and left out. A test checks that every model with a foreign key to the
elder is exported by some source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models
from django.utils.module_loading import autodiscover_modules

PrivacySource = Callable[[Any], dict[str, list[dict[str, Any]]]]  # elder -> {model label: rows}
_SOURCES: dict[str, PrivacySource] = {}


def privacy_source(func: PrivacySource) -> PrivacySource:
    _SOURCES[f"{func.__module__}.{func.__name__}"] = func
    return func


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def model_rows(objects: Iterable[models.Model]) -> list[dict[str, Any]]:
    """Every concrete field of each row (foreign keys as ids), lookup hashes left out."""
    rows: list[dict[str, Any]] = []
    for obj in objects:
        rows.append(
            {
                field.attname: _plain(getattr(obj, field.attname))
                for field in obj._meta.concrete_fields
                if not field.attname.endswith("_hash")
            }
        )
    return rows


def rows_by_elder(elder: Any, *model_classes: type[models.Model], field: str = "elder") -> dict[str, Any]:
    """The sections of models that point at the elder through `field`."""
    return {
        m._meta.label: model_rows(m._default_manager.filter(**{field: elder}).order_by("pk"))
        for m in model_classes
    }


def elder_record(*, elder: Any) -> dict[str, list[dict[str, Any]]]:
    autodiscover_modules("privacy")
    record: dict[str, list[dict[str, Any]]] = {}
    for source in _SOURCES.values():
        record.update(source(elder))
    return dict(sorted(record.items()))


# ---- the registry's own sections: the record, contacts, consents, groups, changes, life events, reviews


@privacy_source
def registry_sections(elder: Any) -> dict[str, list[dict[str, Any]]]:
    from eldercare.registry.models import (
        DuplicateCandidate,
        Elder,
        ElderChange,
        ElderConsent,
        ElderContact,
        ElderGroupMembership,
        LifeEvent,
        ReviewItem,
    )

    sections = rows_by_elder(
        elder, ElderContact, ElderConsent, ElderGroupMembership, ElderChange, LifeEvent, ReviewItem
    )
    sections[Elder._meta.label] = model_rows(
        Elder.objects.filter(models.Q(pk=elder.pk) | models.Q(merged_into=elder)).order_by("pk")
    )
    sections[DuplicateCandidate._meta.label] = model_rows(
        DuplicateCandidate.objects.filter(models.Q(elder=elder) | models.Q(other=elder)).order_by("pk")
    )
    return sections
