"""Helpers for onboarding tests: XLSX files built from the templates, cells changed to inject errors."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from eldercare.onboarding.kinds import KINDS
from eldercare.onboarding.models import BatchStatus, OnboardingBatch
from eldercare.onboarding.workbooks import template_workbook


def filled(kind: str, rows: list[dict[str, Any]]) -> bytes:
    return template_workbook(KINDS[kind], rows)


def with_cells(content: bytes, changes: dict[tuple[int, str], str]) -> bytes:
    """A copy of an XLSX template with cells (line, header) replaced."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for (line, header), value in changes.items():
        sheet.cell(row=line, column=headers[header], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def data_rows(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]


def matrix_page_sample(url_name: str) -> tuple[str, dict[str, Any]]:
    """Method and URL arguments for the permission-matrix test."""
    if url_name == "onboarding:template":
        return "get", {"kind": "institutions"}
    if url_name == "onboarding:checklist":
        return "get", {}
    batch = OnboardingBatch.objects.order_by("id").first() or OnboardingBatch.objects.create(
        kind="institutions",
        file_name="x.xlsx",
        file_sha256="0" * 64,
        content=b"",
        status=BatchStatus.COMMITTED,
        division_id="4407",
    )
    method = "post" if url_name == "onboarding:batch_commit" else "get"
    return method, {"batch_id": batch.pk}
