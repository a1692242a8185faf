"""Uploaded table files: type by content, size limit, no executables or macros; used by the imports."""

import io
import zipfile

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.tests.factories import DISTRICT, UserFactory, division
from eldercare.core.uploads import check_table_upload, sniff_table
from eldercare.registry.tests.factories import HUKOU_HEADER


def workbook_bytes(extra_part: str | None = None) -> bytes:
    book = Workbook()
    book.active.append(["a", "b"])
    out = io.BytesIO()
    book.save(out)
    if extra_part is None:
        return out.getvalue()
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(extra_part, b"\x00macro")
    return rebuilt.getvalue()


def test_a_csv_and_a_workbook_are_accepted_by_their_content() -> None:
    assert check_table_upload(HUKOU_HEADER.encode(), "hukou.csv") == "csv"
    assert check_table_upload("姓名,身份证号\n".encode("gb18030"), "x.csv") == "csv"
    assert check_table_upload(workbook_bytes(), "hukou.xlsx") == "xlsx"


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 100, "roster.csv", "upload_executable"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "roster.xlsx", "upload_executable"),
        (b"#!/bin/sh\nrm -rf /\n", "roster.csv", "upload_executable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "roster.xls", "upload_executable"),
        (workbook_bytes("xl/vbaProject.bin"), "roster.xlsx", "upload_macro"),
        (workbook_bytes(), "roster.xlsm", "upload_macro"),
        (workbook_bytes(), "roster.csv", "upload_type_mismatch"),
        (HUKOU_HEADER.encode(), "roster.xlsx", "upload_type_mismatch"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "roster.csv", "upload_type"),
        (b"", "roster.csv", "upload_empty"),
    ],
)
def test_programs_macros_binaries_and_misnamed_files_are_refused(
    content: bytes, name: str, code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        check_table_upload(content, name)
    assert refused.value.code == code
    assert 400 <= refused.value.status < 500


def test_a_file_over_the_limit_is_refused_with_413() -> None:
    with pytest.raises(DomainError) as refused:
        check_table_upload(b"a,b\n" * 100, "x.csv", max_bytes=64)
    assert (refused.value.code, refused.value.status) == ("upload_too_large", 413)


@given(st.binary(max_size=2048), st.sampled_from(["f.csv", "f.xlsx", "f.xlsm", "f"]))
def test_any_bytes_are_either_accepted_as_a_table_or_refused_with_a_4xx(content: bytes, name: str) -> None:
    status, kind = 200, ""
    try:
        kind = check_table_upload(content, name)
    except DomainError as exc:
        status = exc.status
    assert 400 <= status < 500 or (kind in ("csv", "xlsx") and kind == sniff_table(content))


@pytest.mark.django_db
def test_the_import_api_refuses_an_executable_with_422(client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(UserFactory(role=Role.DISTRICT_OFFICER, division=division(DISTRICT)))
    upload = SimpleUploadedFile("roster.csv", b"MZ\x90\x00" + b"\x00" * 64, content_type="text/csv")
    response = client.post("/api/v1/imports", {"source": "hukou", "file": upload})
    assert response.status_code == 422
    assert response.json()["code"] == "upload_executable"
