"""Onboarding uploads: preview, per-row errors, atomic commit, idempotent re-run, created/matched report.

The registry's department imports are tuned for millions of elder rows with bulk writes; onboarding
loads thousands of rows of many kinds, and each row must go through the owning app's service (its
checks, its audit entry). So this is a small generic engine: every row runs inside a savepoint, a
service refusal (`DomainError`) becomes that row's error, and the whole run sits in one transaction
that is rolled back for a preview, and for a commit with any error. File reading and cell parsing
reuse the registry's import helpers (`read_table`, `parse_date`, `parse_choice`, `RowError`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.scope import DataScope
from eldercare.onboarding.kinds import Column, Context, Kind, kind_or_error, parse_cell
from eldercare.onboarding.models import BatchStatus, OnboardingBatch
from eldercare.registry.services import actor_label
from eldercare.registry.services.imports import RowError, file_digest, read_table

MAX_REPORTED_ERRORS = 5000


class _RollbackError(Exception):
    """Raised inside the run's transaction so that a preview, or a commit with errors, keeps nothing."""


@dataclass
class Run:
    kind: Kind
    ctx: Context
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_lines: set[int] = field(default_factory=set)
    seen: dict[tuple[Any, ...], int] = field(default_factory=dict)
    index_of: dict[str, int] = field(default_factory=dict)

    def error(self, line: int, column: str, reason: str) -> None:
        self.error_lines.add(line)
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"line": line, "column": column, "reason": reason})
        self.counts["error_rows"] = len(self.error_lines)

    def map_header(self, header: list[str]) -> bool:
        names = {c.header: c for c in self.kind.columns}
        for index, text in enumerate(header):
            column = names.get(text.strip().rstrip("*"))
            if column is not None:
                self.index_of[column.field] = index
        missing = [c.header for c in self.kind.columns if c.required and c.field not in self.index_of]
        for header_text in missing:
            self.error(1, header_text, "required column is missing")
        return not missing

    def parse(self, cells: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for column in self.kind.columns:
            index = self.index_of.get(column.field)
            text = cells[index].strip() if index is not None and index < len(cells) else ""
            if not text:
                if column.required:
                    raise RowError(column.header, "required value is empty")
                values[column.field] = _blank(column)
                continue
            values[column.field] = parse_cell(column, text, self.ctx)
        return values

    def row(self, line: int, cells: list[str]) -> None:
        try:
            values = self.parse(cells)
            key = self.kind.match_key(values)
            first = self.seen.get(key)
            if first is not None:
                raise RowError(self.kind.columns[0].header, f"the same row is already on line {first}")
            self.seen[key] = line
            with transaction.atomic():
                if self.kind.find(self.ctx, values) is not None:
                    self.counts["matched"] += 1
                    return
                self.kind.create(self.ctx, values)
                self.counts["created"] += 1
        except RowError as exc:
            self.error(line, exc.column, exc.reason)
        except DomainError as exc:
            self.error(line, self._column_of(exc), exc.message)

    def _column_of(self, exc: DomainError) -> str:
        name = exc.details.get("field") if isinstance(exc.details, dict) else None
        for column in self.kind.columns:
            if column.field == name:
                return column.header
        return ""

    def process(self, data: bytes, file_name: str) -> None:
        rows = read_table(data, file_name)
        header = next(rows, None)
        if header is None:
            self.error(1, "", "the file is empty")
            return
        if not self.map_header(header):
            return
        for line, cells in enumerate(rows, start=2):
            if not any(cells):
                continue
            self.counts["rows"] += 1
            self.row(line, cells)


def _blank(column: Column) -> Any:
    if column.kind == "list":
        return []
    if column.kind in ("int", "date", "any_date", "yuan", "division", "choice", "bool"):
        return None
    return ""


def _run(batch: OnboardingBatch, *, actor: Any, scope: DataScope, commit: bool) -> Run:
    run = Run(
        kind=kind_or_error(batch.kind), ctx=Context(actor=actor, scope=scope, today=timezone.localdate())
    )
    try:
        with transaction.atomic():
            run.process(bytes(batch.content), batch.file_name)
            if run.errors or not commit:
                raise _RollbackError
    except _RollbackError:
        pass
    for name in ("rows", "created", "matched", "error_rows"):
        run.counts.setdefault(name, 0)
    return run


def onboarding_preview(
    *, kind: str, file_name: str, content: bytes, actor: Any, scope: DataScope
) -> OnboardingBatch:
    """Check a filled-in template by running every row through the services, then roll everything back:
    the counts say what a commit would create and match, and every bad row is listed."""
    kind_or_error(kind)
    batch = OnboardingBatch.objects.create(
        kind=kind,
        file_name=file_name[:200],
        file_sha256=file_digest(content),
        content=content,
        status=BatchStatus.PREVIEWED,
        division_id=scope.division_codes[0] if scope.division_codes else None,
        created_by=actor_label(actor),
    )
    run = _run(batch, actor=actor, scope=scope, commit=False)
    batch.record_outcome(status=BatchStatus.PREVIEWED, counts=run.counts, errors=run.errors, committed=False)
    return batch


def onboarding_commit(*, batch: OnboardingBatch, actor: Any, scope: DataScope) -> OnboardingBatch:
    """Write a previewed batch as a whole: one bad row and nothing is written (status rejected, report kept).
    Rows that match what is loaded already are counted, not written, so a re-run changes nothing."""
    with transaction.atomic():
        batch = OnboardingBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != BatchStatus.PREVIEWED:
            raise DomainError(
                "onboarding_not_previewed", "This batch was already committed or rejected.", status=409
            )
        batch.status = "committing"
        batch.save(update_fields=["status"])
    run = _run(batch, actor=actor, scope=scope, commit=True)
    rejected = bool(run.errors)
    batch.record_outcome(
        status=BatchStatus.REJECTED if rejected else BatchStatus.COMMITTED,
        counts=run.counts,
        errors=run.errors,
        committed=not rejected,
    )
    audit_record(
        actor=actor,
        action="onboarding.batch_rejected" if rejected else "onboarding.batch_committed",
        target=batch,
        changes={"kind": batch.kind, "file": batch.file_name, "counts": batch.counts},
    )
    return batch


def onboarding_report_csv(*, batch: OnboardingBatch) -> str:
    """The downloadable report: a summary (created, matched, rows with errors), then line, column, reason."""
    out = io.StringIO()
    writer = csv.writer(out)
    kind = kind_or_error(batch.kind)
    writer.writerow(["批次", batch.pk])
    writer.writerow(["模板", kind.title])
    writer.writerow(["文件", batch.file_name])
    writer.writerow(["状态", batch.get_status_display()])
    labels = {"rows": "数据行", "created": "新建", "matched": "已存在（匹配）", "error_rows": "有错误的行"}
    for key, label in labels.items():
        writer.writerow([label, batch.counts.get(key, 0)])
    writer.writerow([])
    writer.writerow(["行号", "列", "原因"])
    for err in batch.errors:
        writer.writerow([err["line"], err["column"], err["reason"]])
    return "\ufeff" + out.getvalue()
