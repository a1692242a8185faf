"""XLSX templates: a data sheet (first, the one that is read back), a notes sheet, an allowed-values sheet.

Allowed values become list data validation on their column, so a typo is caught in the spreadsheet
already; the same values are accepted on upload (or their codes).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from eldercare.onboarding.kinds import Kind

DATA_SHEET = "数据"
NOTES_SHEET = "填写说明"
VALUES_SHEET = "可选值"
VALIDATED_ROWS = 5000
REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_workbook(kind: Kind, rows: Iterable[dict[str, Any]] = ()) -> bytes:
    """The template of `kind` as XLSX bytes; `rows` (dicts by field) fill the data sheet (an export)."""
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    for index, column in enumerate(kind.columns, start=1):
        cell = data.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        data.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
    data.freeze_panes = "A2"
    for line, row in enumerate(rows, start=2):
        for index, column in enumerate(kind.columns, start=1):
            value = row.get(column.field, "")
            data.cell(row=line, column=index, value="" if value is None else str(value))

    notes = book.create_sheet(NOTES_SHEET)
    notes.append([kind.title])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([kind.description])
    notes.append(
        ["在“数据”表第2行起逐行填写；表头不可修改。橙色表头为必填列。上传后先预览，无错误才可提交。"]
    )
    notes.append([])
    notes.append(["列名", "是否必填", "说明", "示例", "可选值"])
    for cell in notes[5]:
        cell.font = Font(bold=True)
    values = book.create_sheet(VALUES_SHEET)
    value_column = 0
    for index, column in enumerate(kind.columns, start=1):
        allowed = "、".join(column.choices) if column.choices else ""
        notes.append(
            [
                "*" + column.header if column.required else column.header,
                "必填" if column.required else "可选",
                column.note,
                column.example,
                allowed,
            ]
        )
        if not column.choices or column.kind == "list":
            continue
        value_column += 1
        letter = get_column_letter(value_column)
        values.cell(row=1, column=value_column, value=column.header).font = Font(bold=True)
        labels = [label for label in column.choices if not label.isascii() or label == column.choices[label]]
        for offset, label in enumerate(labels, start=2):
            values.cell(row=offset, column=value_column, value=label)
        rule = DataValidation(
            type="list",
            formula1=f"'{VALUES_SHEET}'!${letter}$2:${letter}${len(labels) + 1}",
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=column.header,
            error="请从下拉列表中选择",
        )
        target = get_column_letter(index)
        rule.add(f"{target}2:{target}{VALIDATED_ROWS}")
        data.add_data_validation(rule)
    for letter, width in zip("ABCDE", (22, 10, 40, 28, 50), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
