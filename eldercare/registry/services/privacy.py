"""Privacy (PIPL): export of one elder's complete record, erasure where law allows, the retention purge.

Every call is audited. Erasure pseudonymises the personal fields (name, ID number, phone, address, health
facts, contacts) and keeps the rows, so financial records (payments, settlements, accounts) and statistics
still add up. The purge applies the `privacy.retention` policy per record type.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.selectors import policy_value
from eldercare.registry.models import Elder, ElderContact
from eldercare.registry.policy_keys import RETENTION_DEFAULT
from eldercare.registry.privacy import elder_record
from eldercare.registry.rules import EXITED_STATUSES, erasure_allowed, years_before

RETENTION_KEY = "privacy.retention"
ERASED_MARK = "已匿名"


@dataclass(frozen=True, slots=True)
class ExportFile:
    content: bytes
    content_type: str
    file_name: str


def elder_export(*, elder: Elder, actor: Any, fmt: str = "json") -> ExportFile:
    """Every module's rows about the elder as one JSON document or one workbook (a sheet per table)."""
    if fmt not in ("json", "xlsx"):
        raise DomainError("format_unknown", "The format must be json or xlsx.", {"field": "fmt"}, status=422)
    record = elder_record(elder=elder)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="privacy.exported",
            target=elder,
            changes={"format": fmt, "rows": {label: len(rows) for label, rows in record.items()}},
        )
    stem = f"elder-{elder.pk}-record"
    if fmt == "json":
        body = {"elder_id": elder.pk, "exported_at": timezone.now().isoformat(), "sections": record}
        return ExportFile(
            json.dumps(body, ensure_ascii=False, indent=1, default=str).encode(),
            "application/json",
            f"{stem}.json",
        )
    return ExportFile(
        _workbook(record), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{stem}.xlsx"
    )


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _workbook(record: dict[str, list[dict[str, Any]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for label, rows in record.items():
        sheet = book.create_sheet(label[:31])
        if not rows:
            sheet.append(["(none)"])
            continue
        header = list(rows[0])
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(row.get(key)) for key in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _retention(today: date) -> dict[str, int]:
    return dict(policy_value(RETENTION_KEY, on=today, default=RETENTION_DEFAULT).value)


def _exited_on(elder: Elder) -> date | None:
    return elder.deceased_on or elder.status_changed_on


def _pseudonymise(elder: Elder) -> None:
    token = hashlib.sha256(f"erased:{elder.pk}".encode()).hexdigest()
    elder.name = f"{ERASED_MARK}{elder.pk}"
    elder.name_initials = ""
    elder.id_number = ""
    elder.id_number_hash = token
    elder.id_number_masked = ERASED_MARK
    elder.phone = ""
    elder.phone_masked = ""
    elder.phone_hash = ""
    elder.address = ""
    elder.address_hash = ""
    elder.lon = None
    elder.lat = None
    elder.ethnicity = ""
    elder.chronic_conditions = []
    elder.birth_date = elder.birth_date.replace(month=1, day=1)  # the year stays for statistics
    elder.save()
    ElderContact.objects.filter(elder=elder).update(name=ERASED_MARK, phone="", phone_masked="")


def is_erased(elder: Elder) -> bool:
    return elder.id_number_masked == ERASED_MARK


@transaction.atomic
def elder_erase(*, elder: Elder, actor: Any, today: date | None = None) -> Elder:
    """Pseudonymise an elder who died or left once the retention period has passed (else 409)."""
    today = today or timezone.localdate()
    elder = Elder.objects.select_for_update().get(pk=elder.pk)
    years = _retention(today)["personal_data_after_exit"]
    if is_erased(elder):
        return elder
    if not erasure_allowed(
        status=elder.status, exited_on=_exited_on(elder), today=today, retention_years=years
    ):
        raise DomainError(
            "erasure_not_allowed",
            "Only the record of an elder who died or moved out may be erased, once the retention period "
            "has passed.",
            {"status": elder.status, "retention_years": years},
            status=409,
        )
    _pseudonymise(elder)
    audit_record(
        actor=actor,
        action="privacy.erased",
        target=elder,
        changes={"fields": "personal", "retention_years": years, "kept": "financial records"},
    )
    return elder


def _cutoff(today: date, years: int) -> datetime:
    return timezone.make_aware(datetime.combine(years_before(today, years), time.min))


def retention_purge(*, today: date | None = None, actor: Any = "retention purge") -> dict[str, int]:
    """Delete or pseudonymise every record past its retention; one transaction per record type, so a purge
    stopped half-way leaves each type either done or untouched and simply runs again."""
    from eldercare.emergency.choices import AlarmStatus
    from eldercare.emergency.models import Alarm
    from eldercare.homecare.models import ServiceOrder
    from eldercare.visits.models import VisitRecord

    today = today or timezone.localdate()
    years = _retention(today)
    counts: dict[str, int] = {}
    with transaction.atomic():
        old = VisitRecord.objects.filter(visited_at__lt=_cutoff(today, years["service_records"]))
        counts["visit_records_deleted"] = old.delete()[1].get(VisitRecord._meta.label, 0)
    with transaction.atomic():
        orders = ServiceOrder.objects.filter(
            scheduled_at__lt=_cutoff(today, years["service_records"])
        ).exclude(note="", reason="", check_in_lat=None, check_out_lat=None)
        counts["service_orders_pseudonymised"] = orders.update(
            note="", reason="", check_in_lon=None, check_in_lat=None, check_out_lon=None, check_out_lat=None
        )
    with transaction.atomic():
        alarms = Alarm.objects.filter(
            status=AlarmStatus.CLOSED, occurred_at__lt=_cutoff(today, years["alarms"])
        )
        counts["alarms_deleted"] = alarms.delete()[1].get(Alarm._meta.label, 0)
    erased = 0
    limit = years_before(today, years["personal_data_after_exit"])
    candidates = (
        Elder.objects.filter(status__in=EXITED_STATUSES)
        .filter(Q(status_changed_on__lte=limit) | Q(deceased_on__lte=limit))
        .exclude(id_number_masked=ERASED_MARK)
        .order_by("pk")
    )
    for elder in candidates.iterator():
        with transaction.atomic():
            fresh = Elder.objects.select_for_update().get(pk=elder.pk)
            if not is_erased(fresh) and erasure_allowed(
                status=fresh.status,
                exited_on=_exited_on(fresh),
                today=today,
                retention_years=years["personal_data_after_exit"],
            ):
                _pseudonymise(fresh)
                erased += 1
    counts["elders_pseudonymised"] = erased
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="privacy.retention_purged",
            target=None,
            changes={"counts": counts, "retention_years": years, "on": today.isoformat()},
            division_code="",
        )
    return counts
