"""XLSX of every table of the spatial pages (openpyxl): one sheet, a title row, headers, values."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font


def xlsx_bytes(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], note: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    if note:
        ws.append([note])
    ws.append(list(headers))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([("" if v is None else v) for v in row])
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=ws.max_row, column=i).column_letter].width = max(
            10, min(40, len(str(header)) * 2)
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
