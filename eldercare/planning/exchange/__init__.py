"""Data exchange with upper-level systems: export data sets, the outbox, adapters and open data.

See docs/data-exchange.md for the data sets, their columns and schema versions.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, DivisionLevel
from eldercare.core.selectors import city_profile, policy_value
from eldercare.planning import rules
from eldercare.planning.choices import OutboxStatus
from eldercare.planning.exchange.adapters import get_adapter
from eldercare.planning.exchange.datasets import Dataset, dataset, datasets, export_dataset
from eldercare.planning.models import IndicatorValue, KeyCount, OutboxMessage
from eldercare.planning.registry import key_count_labels

DESTINATIONS = ("province", "jinmin")  # 省级民政平台, 金民工程全国养老服务信息系统


def adapter_name() -> str:
    return get_adapter().name


def serialise(
    ds: Dataset, rows: list[dict[str, Any]], *, fmt: str, period: date, division_code: str
) -> bytes:
    if fmt == "json":
        envelope = {
            "dataset": ds.name,
            "schema_version": ds.schema_version,
            "division_code": division_code,
            "period": period.strftime("%Y-%m"),
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
            "columns": list(ds.columns),
            "rows": rows,
        }
        return json.dumps(envelope, ensure_ascii=False, default=str).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["schema_version", *ds.columns], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"schema_version": ds.schema_version, **row})
    return buffer.getvalue().encode("utf-8")


@transaction.atomic
def outbox_create(
    *, dataset: str, fmt: str, division: Division, period: date, destination: str, actor: Any
) -> OutboxMessage:
    """Build a data set file for one period and keep it in the outbox (what was sent is kept as sent)."""
    ds = _dataset(dataset)
    if fmt not in ("csv", "json"):
        raise DomainError("exchange_format", "Choose CSV or JSON.", status=422)
    if destination not in DESTINATIONS:
        raise DomainError("exchange_destination", "Unknown destination.", status=422)
    rows = [dict(row) for row in ds.func(division.code, period)]
    payload = serialise(ds, rows, fmt=fmt, period=period, division_code=division.code)
    message = OutboxMessage.objects.create(
        dataset=ds.name,
        schema_version=ds.schema_version,
        fmt=fmt,
        division=division,
        period=rules.month_start(period),
        destination=destination,
        payload=payload,
        sha256=hashlib.sha256(payload).hexdigest(),
        rows=len(rows),
        created_by=getattr(actor, "username", str(actor))[:150],
    )
    audit_record(
        actor=actor,
        action="planning.exchange_prepared",
        target=message,
        changes={"dataset": ds.name, "rows": len(rows), "personal": ds.personal, "destination": destination},
    )
    return message


def _dataset(name: str) -> Dataset:
    ds = dataset(name)
    if ds is None:
        raise DomainError("exchange_dataset", f"No data set named {name!r}.", status=422)
    return ds


def outbox_send(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Hand the message to the configured adapter; success or failure is recorded on the message."""
    adapter = get_adapter()
    message.attempts += 1
    message.adapter = adapter.name
    try:
        message.remote_ref = adapter.send(message)[:200]
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT, timezone.now(), ""
    except Exception as exc:
        message.status, message.last_error = OutboxStatus.FAILED, repr(exc)[:2000]
    message.save(update_fields=["attempts", "adapter", "remote_ref", "status", "sent_at", "last_error"])
    audit_record(
        actor=actor,
        action="planning.exchange_sent",
        target=message,
        changes={"status": message.status, "ref": message.remote_ref},
    )
    return message


def open_data(*, month: date, fmt: str) -> bytes:
    """Non-personal aggregates of the city and its districts for one month, small counts suppressed.

    Counts of people (unit 人) between 1 and `small_cell_threshold − 1` (policy planning.rag) are left
    empty, so no small group of elders can be singled out; streets are not published.
    """
    profile = city_profile()
    if profile is None:
        return b"" if fmt == "csv" else b"{}"
    threshold = int(
        policy_value("planning.rag", default={"small_cell_threshold": 5}).value.get("small_cell_threshold", 5)
    )
    divisions = dict(
        Division.objects.filter(
            code__startswith=profile.division_id, level__lte=DivisionLevel.COUNTY
        ).values_list("code", "name")
    )
    labels = key_count_labels()
    rows: list[dict[str, Any]] = []
    for k in KeyCount.objects.filter(division_id__in=divisions, month=month).order_by("division_id", "key"):
        label, unit = labels.get(k.key, (k.key, ""))
        value = rules.suppress_small(k.value, threshold=threshold) if unit == "人" else k.value
        rows.append(
            {
                "division_code": k.division_id,
                "division_name": divisions[k.division_id],
                "measure": k.key,
                "label": label,
                "unit": unit,
                "value": value,
            }
        )
    for v in (
        IndicatorValue.objects.filter(division_id__in=divisions, month=month)
        .select_related("indicator")
        .order_by("division_id", "indicator__position")
    ):
        rows.append(
            {
                "division_code": v.division_id,
                "division_name": divisions[v.division_id],
                "measure": v.indicator.code,
                "label": v.indicator.name,
                "unit": v.indicator.unit,
                "value": v.value,
            }
        )
    if fmt == "json":
        return json.dumps(
            {"schema_version": "1.0", "month": month.strftime("%Y-%m"), "rows": rows}, ensure_ascii=False
        ).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=["division_code", "division_name", "measure", "label", "unit", "value"],
        lineterminator="\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


__all__ = [
    "DESTINATIONS",
    "adapter_name",
    "datasets",
    "export_dataset",
    "open_data",
    "outbox_create",
    "outbox_send",
]
