"""Staff journeys of benefits, through the real pages (issue 15):

1. the community worker registers an elder, applies for a subsidy on their behalf (帮办代办) and prints the
   receipt, then accepts the application with its document (社区受理);
2. the street and the district officer review and approve it (the three-step workflow of the city profile);
3. the city bureau settles a month and downloads the bank file (XLSX and CSV, opened and read).

The tests of this module run in order and hand the elder on through `JOURNEY`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from e2e.conftest import screenshot
from e2e.journeys import flash, new_id_number, signed_in

pytestmark = pytest.mark.e2e

JOURNEY: dict[str, Any] = {}
PROGRAMME = "meal_subsidy"  # 助餐补贴: by application, one document, no public notice


def test_a_community_worker_registers_an_elder_and_applies_for_them_at_the_office(browser, server) -> None:
    id_number = new_id_number()
    with signed_in(browser, server, "community_worker") as page:
        # register the elder from the elder list
        page.goto("/elders/")
        page.get_by_role("link", name=re.compile("登记老年人|Register an elder")).click()
        page.wait_for_url(re.compile(r"/elders/new/$"))
        assert len(page.input_value("#id_residence_division")) == 12  # the worker's own community
        page.fill("#id_name", "黎旅程")
        page.fill("#id_id_number", id_number)
        page.fill("#id_phone", "13800138015")
        page.fill("#id_address", "旅程路 15 号")
        page.select_option("#id_living_situation", "alone")
        page.select_option("#id_economic_status", "ordinary")
        screenshot(page, "journey-community-register-elder")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/elders/\d+/$"))
        elder_id = int(page.url.rstrip("/").split("/")[-1])
        JOURNEY["elder_id"] = elder_id
        JOURNEY["id_number"] = id_number
        assert "黎" in page.locator("h1").inner_text()
        screenshot(page, "journey-community-elder-registered")

        # 帮办代办: find the elder at the counter by the last ID digits and apply for the meal subsidy
        page.goto("/portal/office/")
        page.fill("#id_q", id_number[-6:])
        page.click("form[role=search] button[type=submit]")
        tile = page.locator(f"a.portal-tile[href$='/portal/e/{elder_id}/']")
        assert tile.count() == 1
        screenshot(page, "journey-community-office-found")
        tile.click()
        page.wait_for_url(re.compile(rf"/portal/e/{elder_id}/$"))
        page.locator(f"a.portal-tile[href$='/portal/e/{elder_id}/benefits/']").click()
        page.locator(f"a.btn-portal[href*='/benefits/{PROGRAMME}/apply/']").click()
        page.wait_for_url(re.compile(r"/apply/$"))
        screenshot(page, "journey-community-office-apply")
        page.click("#apply-submit")
        page.wait_for_url(re.compile(r"/done/$"))
        assert page.locator(".portal-done h1").is_visible()

        # the receipt: opened from the confirmation, printable (the print button calls window.print)
        page.locator("a.btn-portal[href*='/portal/receipts/']").click()
        page.wait_for_url(re.compile(r"/portal/receipts/\d+/$"))
        receipt = page.locator("dl.portal-card").inner_text()
        assert "代为申请补贴" in receipt and PROGRAMME in receipt
        JOURNEY["receipt"] = page.locator("dl.portal-card dd").first.inner_text().strip()
        page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
        page.locator("[data-print]").click()
        assert page.evaluate("window.__printed") == 1
        page.emulate_media(media="print")
        assert not page.locator("[data-print]").is_visible()  # the buttons stay off the paper
        screenshot(page, "journey-community-receipt")
        page.emulate_media(media="screen")
        page.goto("/portal/office/")
        assert JOURNEY["receipt"] in page.locator("main").inner_text()

        # 社区受理: the staff page of the application; upload the ID card, then accept (first review step)
        page.goto("/benefits/applications?status=in_review")
        page.goto(f"/benefits/elders/{elder_id}")
        link = page.locator("a[href*='/benefits/applications/']").first
        link.click()
        page.wait_for_url(re.compile(r"/benefits/applications/\d+$"))
        JOURNEY["application_url"] = page.url.removeprefix(server)
        assert "帮办代办" in page.locator("main").inner_text()
        page.fill("input[name=kind]", "身份证")
        page.set_input_files(
            "input[type=file][name=file]",
            files=[{"name": "id-card.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 e2e id card"}],
        )
        page.get_by_role("button", name=re.compile("上传|Upload")).click()
        page.wait_for_load_state()
        assert "id-card.pdf" in page.locator("main").inner_text(), flash(page)
        page.get_by_role("button", name=re.compile("^(同意|Approve)$")).click()
        page.wait_for_load_state()
        assert page.locator("main table").first.locator("tr").count() == 1, flash(page)
        assert page.get_by_role("button", name=re.compile("^(同意|Approve)$")).count() == 0
        screenshot(page, "journey-community-application-accepted")


def test_the_street_and_the_district_officer_approve_the_application(browser, server) -> None:
    if "application_url" not in JOURNEY:
        pytest.skip("needs the application of the community worker's journey")
    url = JOURNEY["application_url"]
    for step, username in enumerate(["street_officer", "district_officer"], start=2):
        with signed_in(browser, server, username) as page:
            # the application waits in the reviewer's list
            page.goto("/benefits/applications?status=in_review")
            number = url.rstrip("/").split("/")[-1]
            assert page.locator(f"main a[href$='/benefits/applications/{number}']").count() >= 1
            page.goto(url)
            screenshot(page, f"journey-review-{username}")
            page.fill("input[name=reason]", f"材料齐全（{username}）")
            page.get_by_role("button", name=re.compile("^(同意|Approve)$")).click()
            page.wait_for_load_state()
            decisions = page.locator("main table").first.locator("tr")
            assert decisions.count() == step, flash(page)
    with signed_in(browser, server, "community_worker") as page:
        page.goto(url)
        status = page.locator("main section").first.inner_text()
        assert re.search("已同意|granted", status, re.IGNORECASE), status
        screenshot(page, "journey-review-approved")
        # the elder sees the result on their own portal page
        page.goto(f"/portal/e/{JOURNEY['elder_id']}/applications/")
        assert page.locator(".portal-card").count() >= 1


def test_the_bureau_settles_a_month_and_downloads_the_bank_file(browser, server) -> None:
    with signed_in(browser, server, "city_admin", accept_downloads=True) as page:
        page.goto("/benefits/settlements")
        period = page.input_value("input[name=period]")
        assert re.fullmatch(r"\d{4}-\d{2}", period)
        page.get_by_role("button", name=re.compile("执行结算|Run settlement")).click()
        page.wait_for_url(re.compile(rf"/benefits/settlements/{period}$"))
        assert "Lines" in page.content() or "明细" in page.content()
        screenshot(page, "journey-settlement-draft")
        # review the pre-settlement findings: confirm every open one, reason by reason
        for _ in range(20):
            confirm_all = page.locator("button[name=confirm_all]")
            if confirm_all.count() == 0:
                break
            confirm_all.first.click()
            page.wait_for_load_state()
        assert page.locator("button[name=confirm_all]").count() == 0, flash(page)
        page.fill("input[name=note]", "复核无误")
        page.get_by_role("button", name=re.compile("审核并锁定|Review and lock")).click()
        page.wait_for_load_state()
        page.get_by_role("button", name=re.compile("导出银行|Export bank file")).click()
        page.wait_for_load_state()
        screenshot(page, "journey-settlement-exported")
        with page.expect_download() as xlsx_download:
            page.locator("a[href$='/xlsx']").first.click()
        assert xlsx_download.value.suggested_filename.endswith(".xlsx")
        workbook = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()), read_only=True)
        rows = [r for r in workbook.active.iter_rows(values_only=True) if any(c is not None for c in r)]
        assert len(rows) >= 2, rows  # a header and at least one payment
        with page.expect_download() as csv_download:
            page.locator("a[href$='/csv']").first.click()
        text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
        assert len([r for r in table if r]) == len(rows)
