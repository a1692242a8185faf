"""Bulk insertion for city-scale writes (imports, settlements): PostgreSQL COPY, bulk_create elsewhere.

`bulk_create` renders every value into SQL text on the client and needs a model instance per row; at
hundreds of thousands of rows that, not the database, is the cost. COPY streams plain rows instead. Values
are still prepared by each field (so encryption and JSON go through the same code as the ORM); only the
statement differs. Primary keys are not read back, and conflicts are not ignored: callers decide
beforehand what is new.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from eldercare.core.crypto import EncryptedTextField


def copy_insert(model: type[models.Model], objects: Iterable[models.Model], *, batch_size: int = 2000) -> int:
    """Insert unsaved instances of `model`; returns how many rows were written."""
    if connection.vendor != "postgresql":
        instances = list(objects)
        model._default_manager.bulk_create(instances, batch_size=batch_size)
        return len(instances)
    fields = _fields(model)
    return _copy(model, fields, ({f.attname: getattr(obj, f.attname) for f in fields} for obj in objects))


def copy_insert_rows(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, batch_size: int = 2000
) -> int:
    """Insert rows given as {attname: value} (missing columns take the field's default) without building a
    model instance per row; returns how many rows were written."""
    if connection.vendor != "postgresql":
        return copy_insert(model, (model(**row) for row in rows), batch_size=batch_size)
    return _copy(model, _fields(model), rows)


def _fields(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def copy_update(
    model: type[models.Model],
    objects: Iterable[models.Model],
    fields: Sequence[str],
    *,
    batch_size: int = 5000,
) -> int:
    """Write `fields` of saved instances: COPY the values into a temporary table, then one UPDATE … FROM.

    Django's `bulk_update` writes a CASE with one branch per row, which PostgreSQL evaluates row by row:
    quadratic in the batch, hours for a city's 2 million elders. Elsewhere it is `bulk_update`."""
    instances = list(objects)
    if not instances:
        return 0
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(instances, list(fields), batch_size=batch_size)
        return len(instances)
    quote = connection.ops.quote_name
    pk: Any = model._meta.pk
    targets: list[Any] = [model._meta.get_field(name) for name in fields]
    table = quote(model._meta.db_table)
    temporary = quote(f"bulk_update_{model._meta.db_table}")
    selected = ", ".join(quote(str(f.column)) for f in [pk, *targets])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} AS SELECT {selected} FROM {table} WITH NO DATA"  # noqa: S608
        )
        # read every value before COPY starts: a deferred field would load itself with a query on the
        # connection the COPY holds, and wait for it forever
        rows = [{f.attname: getattr(obj, f.attname) for f in [pk, *targets]} for obj in instances]
        _copy(model, [pk, *targets], rows, table=temporary)
        assignments = ", ".join(f"{quote(str(f.column))} = u.{quote(str(f.column))}" for f in targets)
        pk_column = quote(str(pk.column))
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {temporary} AS u "  # noqa: S608 - model names
            f"WHERE t.{pk_column} = u.{pk_column}"
        )
        cursor.execute(f"DROP TABLE {temporary}")
    return len(instances)


def _copy(
    model: type[models.Model],
    fields: list[Any],
    rows: Iterable[Mapping[str, Any]],
    *,
    table: str | None = None,
) -> int:
    now = timezone.now()
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    # fields whose Python value is not what the column stores: ciphertext, JSON
    prepared = {f.attname for f in fields if isinstance(f, EncryptedTextField | models.JSONField)}
    defaults = {f.attname: f.get_default() for f in fields}  # "" for text columns without one

    def values(row: Mapping[str, Any]) -> Iterator[Any]:
        for f in fields:
            value = row.get(f.attname, defaults.get(f.attname))
            if value is None and f.attname in stamped:
                value = now
            yield f.get_db_prep_save(value, connection) if f.attname in prepared else value

    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    written = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table or connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(list(values(row)))
            written += 1
    return written


def refresh_statistics(*models: type[models.Model]) -> None:
    """ANALYZE tables just bulk-written in this transaction, so its next statements are planned on what is
    there now: autovacuum only analyses committed rows, later, and a planner that still believes a table
    of 400,000 new rows is empty picks a nested-loop anti-join that runs for hours. No-op off PostgreSQL."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
