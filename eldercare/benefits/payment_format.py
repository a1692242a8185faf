"""The bank batch file (银行批量代发文件) and the bank's return file, defined once as data.

Both CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese headers) and XLSX carry the same rows:
a header row, one row per payee, and a checksum row: `TOTAL`, the row count, the total in yuan, and the
SHA-256 of the data rows (cells joined by "|", rows by "\\n"). A reader recomputes all three.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str


@dataclass(frozen=True, slots=True)
class FileFormat:
    name: str
    columns: tuple[Column, ...]
    checksum_label: str = "TOTAL"
    amount_key: str = ""  # the column summed in the checksum line ("" = count and hash only)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


BANK_BATCH = FileFormat(
    name="bank_batch_v1",
    columns=(
        Column("seq", "序号"),
        Column("reference", "业务编号"),
        Column("holder_name", "户名"),
        Column("account_number", "账号"),
        Column("bank_name", "开户行"),
        Column("amount_yuan", "金额(元)"),
        Column("memo", "摘要"),
    ),
    amount_key="amount_yuan",
)
BANK_RETURN = FileFormat(
    name="bank_return_v1",
    columns=(Column("reference", "业务编号"), Column("result", "结果"), Column("message", "说明")),
)
PAID_WORDS = frozenset({"paid", "success", "成功", "已支付"})
FAILED_WORDS = frozenset({"failed", "failure", "失败", "退回"})


def yuan_text(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def fen_from_text(text: str) -> int:
    negative = text.strip().startswith("-")
    whole, _, part = text.strip().lstrip("-").partition(".")
    value = int(whole or "0") * 100 + int((part + "00")[:2])
    return -value if negative else value


def data_rows(fmt: FileFormat, rows: Sequence[dict[str, object]]) -> list[list[str]]:
    return [[str(row[c.key]) for c in fmt.columns] for row in rows]


def checksum(cells: Sequence[Sequence[str]]) -> str:
    return hashlib.sha256("\n".join("|".join(r) for r in cells).encode()).hexdigest()


def checksum_row(fmt: FileFormat, cells: Sequence[Sequence[str]]) -> list[str]:
    if not fmt.amount_key:
        return [fmt.checksum_label, str(len(cells)), "", checksum(cells)]
    index = [c.key for c in fmt.columns].index(fmt.amount_key)
    total = sum(fen_from_text(r[index]) for r in cells)
    return [fmt.checksum_label, str(len(cells)), yuan_text(total), checksum(cells)]


def to_csv(fmt: FileFormat, rows: Sequence[dict[str, object]]) -> bytes:
    cells = data_rows(fmt, rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fmt.headers)
    writer.writerows(cells)
    writer.writerow(checksum_row(fmt, cells))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(fmt: FileFormat, rows: Sequence[dict[str, object]]) -> bytes:
    cells = data_rows(fmt, rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(fmt.name)
    sheet.append(fmt.headers)
    for r in cells:
        sheet.append(r)  # text cells: account numbers keep their digits
    sheet.append(checksum_row(fmt, cells))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ReadBack:
    headers: list[str]
    rows: list[list[str]]
    footer: list[str]

    def verify(self, fmt: FileFormat) -> bool:
        return self.headers == fmt.headers and self.footer[:4] == checksum_row(fmt, self.rows)

    def records(self, fmt: FileFormat) -> list[dict[str, str]]:
        return [dict(zip([c.key for c in fmt.columns], r, strict=False)) for r in self.rows]


def _split(all_rows: list[list[str]], fmt: FileFormat) -> ReadBack:
    rows = [r for r in all_rows if any(c.strip() for c in r)]
    if not rows:
        return ReadBack([], [], [])
    headers, body = rows[0], rows[1:]
    footer: list[str] = []
    if body and body[-1] and body[-1][0] == fmt.checksum_label:
        footer = body.pop()
    return ReadBack(headers, body, footer)


def read_csv(fmt: FileFormat, content: bytes) -> ReadBack:
    text = content.decode("utf-8-sig")
    return _split([list(r) for r in csv.reader(io.StringIO(text))], fmt)


def read_xlsx(fmt: FileFormat, content: bytes) -> ReadBack:
    book = load_workbook(io.BytesIO(content), read_only=True)
    sheet = book.worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    width = len(fmt.columns)
    return _split([r[: max(width, 4)] for r in rows], fmt)


def read_any(fmt: FileFormat, content: bytes, name: str = "") -> ReadBack:
    return (
        read_xlsx(fmt, content)
        if name.lower().endswith(".xlsx") or content[:2] == b"PK"
        else read_csv(fmt, content)
    )
