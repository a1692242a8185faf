"""Reports: the XLSX carries the dashboard's numbers (read back), the PDF renders (page 1 to PNG)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import UserFactory, division, sign_in_verified
from eldercare.planning import reports, selectors, services
from eldercare.planning.models import Report
from eldercare.planning.services import reports as report_services
from eldercare.planning.tests.factories import CITY, DISTRICT_A, DISTRICT_B

pytestmark = pytest.mark.django_db
JUNE = date(2024, 6, 1)


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def assert_first_page_renders(pdf: bytes, tmp_path: Path) -> None:
    """Page 1 rasterised with pdftoppm (poppler-utils) when installed; the text layer is checked too."""
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "主要指标" in text or "JM02" in text
    tool = shutil.which("pdftoppm")
    if tool is None:
        return
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(
        [tool, "-png", "-r", "50", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"), str(tmp_path / "p")],
        check=True,
    )
    pages = list(tmp_path.glob("p*.png"))
    assert len(pages) == 1 and pages[0].stat().st_size > 5_000


def test_the_monthly_xlsx_has_the_dashboards_numbers_and_real_formulas(city: dict) -> None:
    from openpyxl import load_workbook

    # given June refreshed
    services.refresh(months=[JUNE])
    dash = selectors.dashboard(scope=DataScope.everything(), code=CITY, month=JUNE)
    # when the monthly report's spreadsheet is written
    data = reports.report_data(kind="monthly", division=division(CITY), month=JUNE)
    wb = load_workbook(io.BytesIO(reports.xlsx_bytes(data)))
    # then it has one sheet per section
    assert {"封面", "主要指标", "分区指标", "关键数据", "月度趋势", "重点项目", "资金指标"} <= set(
        wb.sheetnames
    )
    # and every indicator value equals the dashboard's
    sheet = wb["主要指标"]
    by_code = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for row in dash.rows + dash.supplementary:
        cell = by_code[row.indicator.code][9].value
        expected = row.value.value if row.value else None
        assert cell == (pytest.approx(expected, rel=1e-12) if expected is not None else None), (
            row.indicator.code
        )
    assert by_code["PA02"][9].value == pytest.approx(100 * 2 / 7)
    assert str(by_code["JM02"][11].value).startswith("=IF(")  # the gap is a formula
    # and the key counts equal the dashboard's, with a SUM over the districts that checks the total
    keys = {row[0].value: row for row in wb["关键数据"].iter_rows(min_row=2)}
    elders = next(k for k in dash.keys if k.key == "elders.total")
    assert keys[elders.label][2].value == elders.value == 7
    total_cell = keys[elders.label][3 + len(dash.children)].value
    assert total_cell.startswith("=SUM(")
    districts = [c.value for c in keys[elders.label][3 : 3 + len(dash.children)]]
    assert sum(districts) == 7
    # the district sheet carries the same per-district value as the map
    district_rows = {r[0].value: r for r in wb["分区指标"].iter_rows(min_row=2)}
    header = [c.value for c in wb["分区指标"][1]]
    column = next(i for i, h in enumerate(header) if h and h.startswith("PA02"))
    assert district_rows[DISTRICT_B][column].value == pytest.approx(50.0)


def test_the_midterm_evaluation_compares_with_the_2023_targets(city: dict) -> None:
    from openpyxl import load_workbook

    services.refresh(months=[date(2023, 12, 1)])
    month = reports.month_for("midterm", report_services.parse_period("midterm", "2023"))
    data = reports.report_data(kind="midterm", division=division(CITY), month=month)
    sheet = load_workbook(io.BytesIO(reports.xlsx_bytes(data)))["规划评估"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert rows["JM02"][3].value == 47 and rows["JM02"][4].value == 50  # base 2020, target 2023
    assert str(rows["JM02"][6].value).startswith("=IF(")


def test_reports_are_generated_as_a_task_with_progress_and_downloaded_in_scope(
    client: Client, city: dict, immediate_tasks: None, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    services.refresh(months=[JUNE])
    user = UserFactory(role=Role.DISTRICT_OFFICER, division=division(DISTRICT_A))
    sign_in_verified(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/planning/reports/new/", {"kind": "monthly", "period": "2024-06"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.division_id, report.status, report.progress) == (DISTRICT_A, "done", 100)
    listing = client.get("/planning/reports/").content.decode()
    assert f"/planning/reports/{report.pk}/download/xlsx/" in listing
    download = client.get(f"/planning/reports/{report.pk}/download/pdf/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert_first_page_renders(download.content, tmp_path)
    # a report of another district is out of scope
    other = Report.objects.create(
        kind="monthly", division_id=DISTRICT_B, period=JUNE, status="done", xlsx=b"x"
    )
    assert client.get(f"/planning/reports/{other.pk}/download/xlsx/").status_code == 404
