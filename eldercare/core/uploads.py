"""Checks every uploaded table file goes through before it is parsed: size, type by content, no code.

The type is decided by the first bytes (content sniffing), never by the name alone, and the name must agree:
an `.xlsx` must be an Office Open XML workbook without a macro project, a `.csv` must be text. Executables,
scripts, legacy OLE documents (.xls/.doc, the usual carriers of macros) and macro-enabled workbooks are
refused. Errors are `DomainError` with status 422 (413 for size), so pages and the API answer 4xx.
"""

from __future__ import annotations

import io
import zipfile

from eldercare.core.exceptions import DomainError

TABLE_MAX_BYTES = 200 * 1024 * 1024  # a city's 户籍 file of ~1.5 million rows fits

EXECUTABLE_SIGNATURES: dict[bytes, str] = {
    b"MZ": "Windows executable",
    b"\x7fELF": "Linux executable",
    b"\xfe\xed\xfa\xce": "macOS executable",
    b"\xfe\xed\xfa\xcf": "macOS executable",
    b"\xcf\xfa\xed\xfe": "macOS executable",
    b"\xca\xfe\xba\xbe": "Java class or macOS executable",
    b"#!": "script",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "legacy Office document (may carry macros)",
}
ZIP_SIGNATURE = b"PK\x03\x04"
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "macrosheets/")


def _refuse(code: str, message: str, file_name: str, status: int = 422) -> DomainError:
    return DomainError(code, message, {"field": "file", "file": file_name[:200]}, status=status)


def sniff_table(content: bytes) -> str:
    """'xlsx', 'csv', or a description of a forbidden kind ('executable: …', 'macro', 'binary')."""
    for signature, kind in EXECUTABLE_SIGNATURES.items():
        if content.startswith(signature):
            return f"executable: {kind}"
    if content.startswith(ZIP_SIGNATURE):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = [n.lower() for n in archive.namelist()]
                types = archive.read("[Content_Types].xml").lower() if "[content_types].xml" in names else b""
        except (zipfile.BadZipFile, KeyError, ValueError):
            return "binary"
        if any(part in name for name in names for part in MACRO_PARTS) or b"macroenabled" in types:
            return "macro"
        if any(name.startswith("xl/") for name in names) and types:
            return "xlsx"
        return "binary"
    head = content[:65536]
    if b"\x00" in head:
        return "binary"
    return "csv"


def check_table_upload(content: bytes, file_name: str, *, max_bytes: int = TABLE_MAX_BYTES) -> str:
    """The kind ('csv' or 'xlsx') of an uploaded table file, or a DomainError saying why it is refused."""
    if len(content) > max_bytes:
        raise _refuse(
            "upload_too_large", f"The file is larger than {max_bytes // (1024 * 1024)} MB.", file_name, 413
        )
    if not content:
        raise _refuse("upload_empty", "The file is empty.", file_name)
    kind = sniff_table(content)
    if kind.startswith("executable"):
        raise _refuse("upload_executable", f"Programs cannot be uploaded ({kind[12:]}).", file_name)
    if kind == "macro" or file_name.lower().endswith((".xlsm", ".xltm", ".xlam")):
        raise _refuse("upload_macro", "Workbooks with macros are refused; save it as .xlsx.", file_name)
    if kind == "binary":
        raise _refuse("upload_type", "Only CSV and XLSX files can be imported.", file_name)
    named_xlsx = file_name.lower().endswith(".xlsx")
    if named_xlsx != (kind == "xlsx"):
        raise _refuse(
            "upload_type_mismatch",
            f"The file's content is {kind.upper()} but its name says otherwise.",
            file_name,
        )
    return kind
