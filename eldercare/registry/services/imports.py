"""Imports from other departments (部门数据导入): preview, atomic commit, idempotent re-run, report.

One pass streams the file in chunks of `CHUNK` rows: each chunk is validated row by row (errors carry
line, column and reason), matched by the ID-number hash in one query, compared with the records, and
written with bulk operations. Memory stays bounded by the chunk plus the set of ID numbers seen (to
refuse a number twice in one file). A batch is atomic by default: one bad row and nothing is written,
but every row is still checked so the report lists all problems at once. Unchanged rows write nothing,
so committing the same file again changes nothing. A value that contradicts the record where it must
not be overwritten (name, birth date, a different date of death) goes to the review queue.

django-import-export was considered: its per-row resource objects and instance loading cost about
ten times what a city-scale file allows (see bench/registry_import.py), and its preview has no
department mappings or review queue; the declared mappings in `registry/sources.py` play its role.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.bulk import copy_insert, copy_update
from eldercare.core.exceptions import DomainError
from eldercare.core.ids import ResidentId, is_valid_phone, mask_phone, normalise_phone
from eldercare.core.models import Division, DivisionLevel
from eldercare.core.scope import DataScope
from eldercare.core.uploads import check_table_upload
from eldercare.registry import rules
from eldercare.registry.choices import ChangeKind, ElderGroup, ElderStatus, ImportStatus, ReviewStatus
from eldercare.registry.models import (
    Elder,
    ElderChange,
    ElderGroupMembership,
    ImportBatch,
    LifeEvent,
    ReviewItem,
)
from eldercare.registry.services.elders import (
    FlagPolicy,
    actor_label,
    address_hash,
    apply_special_difficulty,
    elder_build,
    groups_of,
    id_number_hash,
    parse_id_number,
    phone_hash,
    special_difficulty_policy,
)
from eldercare.registry.services.life_events import EventInput, life_events_record
from eldercare.registry.sources import (
    ECONOMIC_LABELS,
    GRADES,
    LIVING_LABELS,
    PENSION_REASONS,
    SOURCES,
    YES_NO,
    Source,
)

CHUNK = 5000
MAX_REPORTED_ERRORS = 10_000
ELDER_COMPARE_FIELDS = (
    "id",
    "id_number_hash",
    "name",
    "birth_date",
    "sex",
    "residence_division_id",
    "hukou_division_id",
    "ethnicity",
    "phone_hash",
    "address_hash",
    "living_situation",
    "economic_status",
    "economic_source",
    "economic_valid_from",
    "economic_valid_to",
    "chronic_conditions",
    "dementia_diagnosed",
    "family_doctor_signed",
    "status",
    "deceased_on",
    "status_changed_on",
    "special_difficulty",
    "special_difficulty_reasons",
    "special_difficulty_policy_version",
)
FLAG_FIELDS = ["special_difficulty", "special_difficulty_reasons", "special_difficulty_policy_version"]


class RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


class _RejectedError(Exception):
    """Raised inside the transaction to roll an atomic batch back after all rows were checked."""


# ---------------------------------------------------------------- reading files


def _open_text(data: bytes | Path) -> Any:
    if isinstance(data, Path):
        return data.open(encoding="utf-8-sig", newline="")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return io.StringIO(text, newline="")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes | Path, file_name: str) -> Iterator[list[str]]:
    """Rows of cells as text from a CSV (UTF-8 or GB18030) or XLSX file; the first row is the header."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        workbook = load_workbook(
            data if isinstance(data, Path) else io.BytesIO(data), read_only=True, data_only=True
        )
        try:
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                yield [_cell(v) for v in values]
        finally:
            workbook.close()
        return
    with _open_text(data) as handle:
        for row in csv.reader(handle):
            yield [c.strip() for c in row]


def file_digest(data: bytes | Path) -> str:
    digest = hashlib.sha256()
    if isinstance(data, Path):
        with data.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(data)
    return digest.hexdigest()


# ---------------------------------------------------------------- cell parsers


def parse_date(text: str, column: str, *, today: date) -> date:
    text = text.strip().replace("/", "-").replace(".", "-")
    try:
        if len(text) == 8 and text.isdigit():
            value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        else:
            value = date.fromisoformat(text[:10] if len(text) > 10 else text)
    except ValueError as exc:
        raise RowError(column, "not a date (use YYYY-MM-DD)") from exc
    if value > today:
        raise RowError(column, "the date lies in the future")
    return value


def parse_choice(text: str, labels: dict[str, Any], column: str) -> Any:
    key = text.strip().lower()
    for label, value in labels.items():
        if key in (label.lower(), str(value).lower()):
            return value
    raise RowError(column, f"unknown value {text!r}; expected one of {', '.join(labels)}")


# ---------------------------------------------------------------- the run


@dataclass
class ImportRun:
    batch: ImportBatch
    source: Source
    scope: DataScope
    actor: Any
    commit: bool
    atomic: bool
    today: date
    flag_policy: FlagPolicy
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_lines: set[int] = field(default_factory=set)
    seen: dict[str, int] = field(default_factory=dict)
    communities: set[str] | None = None
    fields_by_index: dict[int, str] = field(default_factory=dict)
    header_of: dict[str, str] = field(default_factory=dict)

    @property
    def writing(self) -> bool:
        """Writes happen on commit, and in an atomic batch only while no error has been found."""
        return self.commit and not (self.atomic and self.errors)

    def error(self, line: int, column: str, reason: str) -> None:
        self.error_lines.add(line)
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"line": line, "column": column, "reason": reason})
        self.counts["error_rows"] = len(self.error_lines)

    def col(self, name: str) -> str:
        return self.header_of.get(name, name)

    # -- header

    def map_header(self, header: list[str]) -> bool:
        by_name = {}
        for column in self.source.columns:
            for name in (column.header, *column.aliases):
                by_name[name] = column
        for index, name in enumerate(header):
            found = by_name.get(name.strip())
            if found is not None:
                self.fields_by_index[index] = found.field
                self.header_of[found.field] = name.strip()
        ok = True
        for column in self.source.columns:
            self.header_of.setdefault(column.field, column.header)
            if column.required and column.field not in self.fields_by_index.values():
                self.error(1, column.header, "required column is missing")
                ok = False
        return ok

    def as_fields(self, cells: list[str]) -> dict[str, str]:
        return {f: cells[i] if i < len(cells) else "" for i, f in self.fields_by_index.items()}

    # -- shared row checks

    def row_rid(self, line: int, row: dict[str, str]) -> ResidentId:
        text = row.get("id_number", "")
        if not text:
            raise RowError(self.col("id_number"), "the ID number is empty")
        try:
            rid = parse_id_number(text, today=self.today)
        except DomainError as exc:
            raise RowError(self.col("id_number"), exc.message) from exc
        first = self.seen.get(rid.number)
        if first is not None:
            raise RowError(self.col("id_number"), f"the same ID number is already on line {first}")
        self.seen[rid.number] = line
        return rid

    def row_id(self, line: int, row: dict[str, str]) -> str:
        return self.row_rid(line, row).number

    def in_scope_communities(self) -> set[str]:
        if self.communities is None:
            self.communities = set(
                Division.objects.for_scope(self.scope)
                .filter(level=DivisionLevel.COMMUNITY)
                .values_list("code", flat=True)
            )
        return self.communities

    def existing(self, numbers: list[str], *, scoped: bool) -> dict[str, Elder]:
        qs = Elder.objects.for_scope(self.scope) if scoped else Elder.objects.all()
        hashes = {id_number_hash(n): n for n in numbers}
        found = qs.filter(id_number_hash__in=list(hashes)).only(*ELDER_COMPARE_FIELDS)
        return {hashes[e.id_number_hash]: e for e in found}

    # -- writes shared by kinds

    def save_updates(self, updates: list[tuple[Elder, dict[str, Any]]], fields: set[str]) -> None:
        """Bulk-update changed elders (plus their flag) and keep one history row each."""
        self.counts["updated"] += len(updates)
        if not self.writing or not updates:
            return
        elders = [e for e, _c in updates]
        groups = groups_of(e.pk for e in elders)
        for elder in elders:
            apply_special_difficulty(
                elder, groups=groups.get(elder.pk, {}), flag_policy=self.flag_policy, today=self.today
            )
        copy_update(Elder, elders, sorted(fields | set(FLAG_FIELDS) | {"updated_at"}))
        self.history(updates)

    def history(self, updates: list[tuple[Elder, dict[str, Any]]]) -> None:
        label = actor_label(self.actor)
        ElderChange.objects.bulk_create(
            [
                ElderChange(
                    elder=e,
                    kind=ChangeKind.IMPORTED,
                    actor_label=label,
                    source=self.source.key,
                    batch=self.batch,
                    changes=c,
                )
                for e, c in updates
            ],
            batch_size=1000,
        )

    def review(self, items: list[ReviewItem]) -> None:
        """Queue contradictions; an identical open item (a re-run) is not queued twice."""
        if not items:
            return
        open_keys = set(
            ReviewItem.objects.filter(
                elder_id__in=[i.elder_id for i in items], status=ReviewStatus.OPEN
            ).values_list("elder_id", "field", "incoming_value")
        )
        fresh = [i for i in items if (i.elder_id, i.field, i.incoming_value) not in open_keys]
        self.counts["review"] += len(fresh)
        self.counts["unchanged"] += len(items) - len(fresh)
        if self.writing and fresh:
            for item in fresh:
                item.batch, item.source = self.batch, self.source.key
            ReviewItem.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)

    # -- the kinds

    def roster(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        parsed: list[tuple[int, dict[str, Any]]] = []
        hukou_codes = {r.get("hukou_division", "") for _l, r in chunk} - {""}
        known_hukou = set(Division.objects.filter(code__in=hukou_codes).values_list("code", flat=True))
        communities = self.in_scope_communities()
        for line, row in chunk:
            try:
                values = self.roster_row(line, row, communities, known_hukou)
            except RowError as exc:
                self.error(line, exc.column, exc.reason)
                continue
            parsed.append((line, values))
        existing = self.existing([v["rid"].number for _l, v in parsed], scoped=False)
        creates: list[Elder] = []
        updates: list[tuple[Elder, dict[str, Any]]] = []
        reviews: list[ReviewItem] = []
        changed_fields: set[str] = set()
        for line, v in parsed:
            rid = v["rid"]
            elder = existing.get(rid.number)
            if elder is None:
                if v.get("birth_date") and v["birth_date"] != rid.birth_date:
                    self.error(line, self.col("birth_date"), "the birth date does not match the ID number")
                    continue
                creates.append(self.new_elder(v))
                continue
            if not self.scope.covers_division(elder.residence_division_id):
                self.error(line, self.col("id_number"), "this ID number is registered in another area")
                continue
            if elder.status == ElderStatus.MERGED:
                self.counts["unchanged"] += 1
                continue
            queued = len(reviews)
            if v["name"] != elder.name:
                reviews.append(
                    ReviewItem(elder=elder, field="name", current_value=elder.name, incoming_value=v["name"])
                )
            if v.get("birth_date") and v["birth_date"] != elder.birth_date:
                reviews.append(
                    ReviewItem(
                        elder=elder,
                        field="birth_date",
                        current_value=elder.birth_date.isoformat(),
                        incoming_value=v["birth_date"].isoformat(),
                    )
                )
            changes = self.roster_changes(elder, v)
            if changes:
                changed_fields |= set(changes)
                updates.append(
                    (elder, {k: ("changed" if k in ("phone", "address") else c) for k, c in changes.items()})
                )
            elif len(reviews) == queued:
                self.counts["unchanged"] += 1
        self.review(reviews)
        self.counts["created"] += len(creates)
        if self.writing and creates:
            copy_insert(Elder, creates)
        db_fields = set()
        for f in changed_fields:
            db_fields |= {
                "residence_division": {"residence_division_id"},
                "hukou_division": {"hukou_division_id"},
                "phone": {"phone", "phone_hash", "phone_masked"},
                "address": {"address", "address_hash"},
            }.get(f, {f})
        self.save_updates(updates, db_fields)

    def roster_row(
        self, line: int, row: dict[str, str], communities: set[str], known_hukou: set[str]
    ) -> dict[str, Any]:
        name = row.get("name", "").strip()
        if not name:
            raise RowError(self.col("name"), "the name is empty")
        rid = self.row_rid(line, row)
        values: dict[str, Any] = {"name": name, "rid": rid}
        if row.get("birth_date"):
            birth = parse_date(row["birth_date"], self.col("birth_date"), today=self.today)
            values["birth_date"] = birth
        division = row.get("residence_division", "")
        if division not in communities:
            raise RowError(self.col("residence_division"), "unknown community code, or outside your area")
        values["residence_division"] = division
        hukou = row.get("hukou_division", "")
        if hukou and hukou not in known_hukou:
            raise RowError(self.col("hukou_division"), "unknown division code")
        values["hukou_division"] = hukou or None
        phone = normalise_phone(row.get("phone", ""))
        if phone and not is_valid_phone(phone):
            raise RowError(self.col("phone"), "not a valid phone number")
        values["phone"] = phone
        values["address"] = row.get("address", "").strip()
        values["ethnicity"] = row.get("ethnicity", "").strip()
        living = row.get("living_situation", "")
        values["living_situation"] = (
            parse_choice(living, LIVING_LABELS, self.col("living_situation")) if living else ""
        )
        return values

    def new_elder(self, v: dict[str, Any]) -> Elder:
        rid = v["rid"]
        elder = elder_build(
            name=v["name"],
            id_number=rid.number,
            sex=rid.sex,
            birth_date=rid.birth_date,
            residence_division_id=v["residence_division"],
            hukou_division_id=v["hukou_division"],
            ethnicity=v["ethnicity"],
            phone=v["phone"],
            address=v["address"],
            living_situation=v["living_situation"] or "other",
        )
        elder.created_batch = self.batch
        apply_special_difficulty(elder, groups={}, flag_policy=self.flag_policy, today=self.today)
        return elder

    def roster_changes(self, elder: Elder, v: dict[str, Any]) -> dict[str, Any]:
        """Apply the row's non-empty values to `elder` (unsaved); {field: [old, new]} of what changed."""
        changes: dict[str, Any] = {}
        if v["residence_division"] != elder.residence_division_id:
            changes["residence_division"] = [elder.residence_division_id, v["residence_division"]]
            elder.residence_division_id = v["residence_division"]
        if v["hukou_division"] and v["hukou_division"] != elder.hukou_division_id:
            changes["hukou_division"] = [elder.hukou_division_id, v["hukou_division"]]
            elder.hukou_division_id = v["hukou_division"]
        if v["ethnicity"] and v["ethnicity"] != elder.ethnicity:
            changes["ethnicity"] = [elder.ethnicity, v["ethnicity"]]
            elder.ethnicity = v["ethnicity"]
        if v["living_situation"] and v["living_situation"] != elder.living_situation:
            changes["living_situation"] = [elder.living_situation, v["living_situation"]]
            elder.living_situation = v["living_situation"]
        if v["phone"] and phone_hash(v["phone"]) != elder.phone_hash:
            changes["phone"] = "changed"
            elder.phone, elder.phone_hash, elder.phone_masked = (
                v["phone"],
                phone_hash(v["phone"]),
                mask_phone(v["phone"]),
            )
        if v["address"] and address_hash(v["address"]) != elder.address_hash:
            changes["address"] = "changed"
            elder.address, elder.address_hash = v["address"], address_hash(v["address"])
        return changes

    def events(self, chunk: list[tuple[int, dict[str, str]]], kind: str | None) -> None:
        parsed: list[tuple[int, str, str, date]] = []
        for line, row in chunk:
            try:
                number = self.row_id(line, row)
                event_kind = kind or parse_choice(row.get("reason", ""), PENSION_REASONS, self.col("reason"))
                occurred = parse_date(row.get("occurred_on", ""), self.col("occurred_on"), today=self.today)
            except RowError as exc:
                self.error(line, exc.column, exc.reason)
                continue
            parsed.append((line, number, event_kind, occurred))
        elders = self.existing([p[1] for p in parsed], scoped=True)
        known = {
            (e.elder_id, e.kind): e
            for e in LifeEvent.objects.filter(elder_id__in=[e.pk for e in elders.values()]).only(
                "elder_id", "kind", "occurred_on"
            )
        }
        new: list[EventInput] = []
        reviews: list[ReviewItem] = []
        for line, number, event_kind, occurred in parsed:
            elder = elders.get(number)
            if elder is None:
                self.counts["not_registered"] += 1
                continue
            if occurred < elder.birth_date:
                self.error(line, self.col("occurred_on"), "the date is before the birth date")
                continue
            event = known.get((elder.pk, event_kind))
            if event is None:
                new.append(EventInput(elder=elder, kind=event_kind, occurred_on=occurred))
            elif event.occurred_on == occurred:
                self.counts["unchanged"] += 1
            else:
                reviews.append(
                    ReviewItem(
                        elder=elder,
                        field=f"{event_kind}_date",
                        current_value=event.occurred_on.isoformat(),
                        incoming_value=occurred.isoformat(),
                    )
                )
        self.review(reviews)
        self.counts["events"] += len(new)
        if self.writing and new:
            rows = life_events_record(events=new, actor=self.actor, source=self.source.key, batch=self.batch)
            self.counts["overpayment_fen"] += sum(r.overpayment_fen for r in rows)
            self.counts["overpayment_events"] += sum(1 for r in rows if r.overpayment_fen)

    def matched(
        self, chunk: list[tuple[int, dict[str, str]]], parse: Any
    ) -> list[tuple[int, Elder, dict[str, Any]]]:
        """Rows parsed by `parse(row) -> values` and matched to elders in scope (others: not registered)."""
        parsed: list[tuple[int, str, dict[str, Any]]] = []
        for line, row in chunk:
            try:
                number = self.row_id(line, row)
                values = parse(row)
            except RowError as exc:
                self.error(line, exc.column, exc.reason)
                continue
            parsed.append((line, number, values))
        elders = self.existing([p[1] for p in parsed], scoped=True)
        result = []
        for line, number, values in parsed:
            elder = elders.get(number)
            if elder is None:
                self.counts["not_registered"] += 1
            else:
                result.append((line, elder, values))
        return result

    def set_fields(self, rows: list[tuple[int, Elder, dict[str, Any]]]) -> None:
        updates, fields = [], set()
        for _line, elder, values in rows:
            changes = {}
            for name, value in values.items():
                old = getattr(elder, name)
                if old != value:
                    changes[name] = [_json(old), _json(value)]
                    setattr(elder, name, value)
            if changes:
                updates.append((elder, changes))
                fields |= set(changes)
            else:
                self.counts["unchanged"] += 1
        self.save_updates(updates, fields)

    def health(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        def parse(row: dict[str, str]) -> dict[str, Any]:
            values: dict[str, Any] = {}
            if row.get("chronic_conditions", "") or "chronic_conditions" in row:
                values["chronic_conditions"] = rules.split_conditions(row.get("chronic_conditions", ""))
            for name in ("dementia_diagnosed", "family_doctor_signed"):
                if row.get(name, ""):
                    values[name] = parse_choice(row[name], YES_NO, self.col(name))
            return values

        self.set_fields(self.matched(chunk, parse))

    def economic(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        def parse(row: dict[str, str]) -> dict[str, Any]:
            status = parse_choice(
                row.get("economic_status", ""), ECONOMIC_LABELS, self.col("economic_status")
            )
            start = parse_date(row.get("valid_from", ""), self.col("valid_from"), today=self.today)
            end = None
            if row.get("valid_to", ""):
                end = parse_date_any(row["valid_to"], self.col("valid_to"))
                if end < start:
                    raise RowError(self.col("valid_to"), "the end date is before the start date")
            return {
                "economic_status": status,
                "economic_source": self.source.key,
                "economic_valid_from": start,
                "economic_valid_to": end,
            }

        self.set_fields(self.matched(chunk, parse))

    def disability(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        def parse(row: dict[str, str]) -> dict[str, Any]:
            return {
                "grade": parse_choice(row.get("disability_grade", ""), GRADES, self.col("disability_grade"))
            }

        rows = self.matched(chunk, parse)
        current = groups_of(e.pk for _l, e, _v in rows)
        creates, updates = [], []
        for _line, elder, values in rows:
            have = current.get(elder.pk, {})
            if ElderGroup.DISABILITY in have and have[ElderGroup.DISABILITY] == values["grade"]:
                self.counts["unchanged"] += 1
                continue
            change = {"disability_grade": [have.get(ElderGroup.DISABILITY), values["grade"]]}
            updates.append((elder, change))
            if ElderGroup.DISABILITY in have:
                if self.writing:
                    ElderGroupMembership.objects.filter(elder=elder, group=ElderGroup.DISABILITY).update(
                        disability_grade=values["grade"], source=self.source.key
                    )
            else:
                creates.append(
                    ElderGroupMembership(
                        elder=elder,
                        group=ElderGroup.DISABILITY,
                        disability_grade=values["grade"],
                        source=self.source.key,
                    )
                )
        if self.writing:
            ElderGroupMembership.objects.bulk_create(creates, batch_size=1000)
        self.save_updates(updates, set())  # the flag depends on the grade: refresh it

    # -- driver

    def process(self, data: bytes | Path) -> None:
        rows = read_table(data, self.batch.file_name)
        header = next(rows, None)
        if header is None:
            self.error(1, "", "the file is empty")
            return
        if not self.map_header(header):
            return
        handler = {
            "roster": self.roster,
            "death": lambda c: self.events(c, "death"),
            "move_out": lambda c: self.events(c, "move_out"),
            "pension": lambda c: self.events(c, None),
            "health": self.health,
            "economic": self.economic,
            "disability": self.disability,
        }[self.source.kind]
        chunk: list[tuple[int, dict[str, str]]] = []
        for line, cells in enumerate(rows, start=2):
            if not any(cells):
                continue
            self.counts["rows"] += 1
            chunk.append((line, self.as_fields(cells)))
            if len(chunk) >= CHUNK:
                handler(chunk)
                chunk = []
        if chunk:
            handler(chunk)


def parse_date_any(text: str, column: str) -> date:
    """An end date may lie in the future."""
    return parse_date(text, column, today=date.max)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# ---------------------------------------------------------------- services


def _source(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError as exc:
        raise DomainError("import_source_unknown", f"Unknown import source {key!r}.", status=422) from exc


def _uploader_division(scope: DataScope) -> str | None:
    return scope.division_codes[0] if scope.division_codes else None


def _run(
    batch: ImportBatch, *, data: bytes | Path, scope: DataScope, actor: Any, commit: bool, atomic: bool
) -> ImportRun:
    today = timezone.localdate()
    run = ImportRun(
        batch=batch,
        source=_source(batch.source),
        scope=scope,
        actor=actor,
        commit=commit,
        atomic=atomic,
        today=today,
        flag_policy=special_difficulty_policy(on=today),
    )
    if not commit:
        run.process(data)
        return run
    try:
        with transaction.atomic():
            run.process(data)
            if run.errors and atomic:
                raise _RejectedError
    except _RejectedError:
        run.counts["written"] = 0
    return run


def _finish(batch: ImportBatch, run: ImportRun, *, atomic: bool, actor: Any) -> ImportBatch:
    """Record a commit run: rejected (nothing written) when an atomic run met a bad row; audited."""
    rejected = bool(run.errors) and atomic
    batch.record_outcome(
        status=ImportStatus.REJECTED if rejected else ImportStatus.COMMITTED,
        counts=run.counts,
        errors=run.errors,
        committed=not rejected,
    )
    audit_record(
        actor=actor,
        action="registry.import_rejected" if rejected else "registry.import_committed",
        target=batch,
        changes={"source": batch.source, "file": batch.file_name, "counts": batch.counts},
    )
    return batch


def import_preview(
    *, source: str, file_name: str, content: bytes, actor: Any, scope: DataScope
) -> ImportBatch:
    """Check a file without writing to the records: counts of what a commit would do, and every bad row."""
    _source(source)
    check_table_upload(content, file_name)
    batch = ImportBatch.objects.create(
        source=source,
        file_name=file_name[:200],
        file_sha256=file_digest(content),
        content=content,
        status=ImportStatus.PREVIEWED,
        division_id=_uploader_division(scope),
        created_by=actor_label(actor),
    )
    run = _run(batch, data=content, scope=scope, actor=actor, commit=False, atomic=True)
    batch.record_outcome(status=ImportStatus.PREVIEWED, counts=run.counts, errors=run.errors, committed=False)
    return batch


@transaction.atomic
def import_commit(*, batch: ImportBatch, actor: Any, scope: DataScope, atomic: bool = True) -> ImportBatch:
    """Write a previewed batch. Atomic: any bad row and nothing is written (status REJECTED, report
    kept). Not atomic: good rows are written, bad ones reported. Re-committing the same file later
    changes nothing (every row compares equal).

    One transaction from the status check to the audit row, the batch row locked throughout: a commit
    cut off half-way (connection lost, worker killed) leaves the batch PREVIEWED with none of its rows,
    ready to be committed again, never rows without their batch marked committed."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        raise DomainError("import_not_previewed", "This batch was already committed or rejected.", status=409)
    batch.status = "committing"
    batch.save(update_fields=["status"])
    run = _run(batch, data=bytes(batch.content), scope=scope, actor=actor, commit=True, atomic=atomic)
    return _finish(batch, run, atomic=atomic, actor=actor)


def import_file(*, source: str, path: Path, actor: Any, scope: DataScope, atomic: bool = True) -> ImportBatch:
    """Preview-less import of a file on disk in one pass (commands, benchmark): the file is streamed,
    not stored in the batch row."""
    _source(source)
    batch = ImportBatch.objects.create(
        source=source,
        file_name=path.name[:200],
        file_sha256=file_digest(path),
        content=b"",
        status=ImportStatus.PREVIEWED,
        division_id=_uploader_division(scope),
        created_by=actor_label(actor),
    )
    run = _run(batch, data=path, scope=scope, actor=actor, commit=True, atomic=atomic)
    return _finish(batch, run, atomic=atomic, actor=actor)


def import_report_csv(*, batch: ImportBatch) -> str:
    """The downloadable report: a summary, then one line per error (line, column, reason)."""
    out = io.StringIO()
    writer = csv.writer(out)
    source = SOURCES.get(batch.source)
    writer.writerow(["batch", batch.pk])
    writer.writerow(["source", f"{source.department if source else ''} {batch.source}"])
    writer.writerow(["file", batch.file_name])
    writer.writerow(["sha256", batch.file_sha256])
    writer.writerow(["status", batch.status])
    for key, value in sorted(batch.counts.items()):
        writer.writerow([key, value])
    writer.writerow([])
    writer.writerow(["line", "column", "reason"])
    for err in batch.errors:
        writer.writerow([err["line"], err["column"], err["reason"]])
    return "\ufeff" + out.getvalue()
