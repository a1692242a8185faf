"""Journeys of the time bank, supervision and planning, through the real pages (issue 15):

9.  the community worker posts a time-bank request, the demo volunteer takes it and checks in on a phone;
    (the other journeys of this module run while the volunteer serves) the volunteer checks out, the
    worker confirms for the elder and approves the hours, which reach the volunteer's balance;
10. a random-inspection campaign (双随机) is drawn by the district, and the drawn inspector records the
    inspection on the checklist, with a finding;
11. the city and district officers read the planning dashboard: the indicators table, an indicator's
    detail, and the drill-down from the city to a district.

The tests of this module run in order and hand the time-bank request on through `JOURNEY`.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from e2e.conftest import screenshot
from e2e.journeys import flash, signed_in

pytestmark = pytest.mark.e2e

JOURNEY: dict[str, Any] = {}
LOCAL = ZoneInfo("Asia/Shanghai")
NO_SIDE_SCROLL = "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _volunteer_action(page: Any, request_id: int, action: str) -> None:
    page.goto("/timebank/me/")
    page.locator(f"form:has(input[name=request][value='{request_id}']) button[value={action}]").click()
    page.wait_for_url(re.compile(r"/timebank/me/$"))


def test_a_volunteer_takes_a_posted_time_bank_request_and_checks_in(browser, server) -> None:
    with signed_in(browser, server, "community_worker") as page:
        page.goto("/elders/")
        elder_id = page.locator("#results tbody tr a").first.get_attribute("href").strip("/").split("/")[-1]
        page.goto("/timebank/requests/")
        page.get_by_role("link", name=re.compile("发布服务需求|Post a service request")).click()
        page.fill("#id_elder", elder_id)
        page.select_option("#id_service_type", "companionship")
        soon = datetime.now(LOCAL) + timedelta(minutes=30)
        page.fill("#id_scheduled_at", soon.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_planned_minutes", "60")
        page.fill("#id_description", "陪伴聊天、读报")
        screenshot(page, "journey-timebank-request-new")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/timebank/requests/\d+/$"))
        JOURNEY["request_url"] = page.url.removeprefix(server)
        request_id = int(page.url.rstrip("/").split("/")[-1])
    with signed_in(browser, server, "volunteer", **PHONE) as page:
        page.goto("/timebank/me/")
        screenshot(page, "journey-timebank-volunteer-open")
        _volunteer_action(page, request_id, "take")
        _volunteer_action(page, request_id, "check_in")
        assert page.locator(
            f"form:has(input[name=request][value='{request_id}']) button[value=check_out]"
        ).count()
        JOURNEY["checked_in"] = time.monotonic()
        JOURNEY["request_id"] = request_id


def test_the_drawn_inspector_records_an_inspection_with_a_finding(browser, server) -> None:
    with signed_in(browser, server, "district_officer") as page:
        page.goto("/supervision/campaigns/new/")
        page.fill("#id_title", "旅程抽查：养老机构安全")
        page.fill("#id_division", "440703")
        page.locator("input[name=target_kinds][value=institution]").check()
        page.fill("#id_target_count", "1")
        page.fill("#id_inspectors_per_target", "5")  # every inspector of the pool, the demo one among them
        page.select_option("#id_checklist_code", index=0)
        page.fill("#id_inspect_by", (datetime.now(LOCAL) + timedelta(days=30)).strftime("%Y-%m-%d"))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/supervision/campaigns/\d+/$"))
        page.fill("#seed", "20261126")
        page.get_by_role("button", name=re.compile("^(抽取|摇号|抽签|Draw)$")).click()
        page.wait_for_load_state()
        page.locator("main form button[value=publish]").click()
        page.wait_for_load_state()
        inspection = page.locator("main table a[href*='/supervision/inspections/']").first
        assert inspection.count() == 1, flash(page)
        inspection_url = inspection.get_attribute("href")
        screenshot(page, "journey-supervision-campaign-drawn")

    with signed_in(browser, server, "inspector", **PHONE) as page:
        page.goto("/supervision/inspections/?mine=1&status=planned")
        assert page.locator(f"main a[href='{inspection_url}']").count() == 1
        page.goto(inspection_url)
        page.get_by_role("link", name=re.compile("登记检查结果|Record the inspection")).click()
        page.wait_for_url(re.compile(r"/record/$"))
        first = page.locator("main tbody tr").first
        code = first.locator("input[type=radio]").first.get_attribute("name").removeprefix("item_")
        first.locator("input[value=fail]").check()
        page.select_option(f"select[name=severity_{code}]", "major")
        page.fill(f"input[name=note_{code}]", "消防通道堆放杂物")
        page.fill("#summary", "一项不符合，限期整改")
        # the checklist fits the phone: the table scrolls inside its card, not the page
        assert page.evaluate(NO_SIDE_SCROLL), "the record page scrolls sideways on a phone"
        screenshot(page, "journey-supervision-record")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/supervision/inspections/\d+/$"))
        findings = page.locator("main").inner_text()
        assert "消防通道堆放杂物" in findings and code in findings, flash(page)
        screenshot(page, "journey-supervision-finding")


def test_the_planning_dashboard_shows_the_indicators_and_drills_down_to_a_district(browser, server) -> None:
    with signed_in(browser, server, "city_admin") as page:
        page.goto("/planning/")
        page.wait_for_url(re.compile(r"/planning/d/\d+/"))
        rows = page.locator("table.planning-indicators").first.locator("tbody tr")
        assert rows.count() >= 5
        assert re.search(r"JM0\d", rows.first.inner_text())
        screenshot(page, "journey-planning-city")
        # an indicator's detail: how the value was computed
        rows.first.locator("a").first.click()
        page.wait_for_url(re.compile(r"/planning/indicators/"))
        assert page.locator("h1").is_visible()
        page.go_back()
        # drill down to a district from the table beside the map
        district = (
            page.locator("main a[href*='/planning/d/4407']").filter(has_text=re.compile("区|市|县")).first
        )
        name = district.inner_text().strip()
        district.click()
        page.wait_for_url(re.compile(r"/planning/d/4407\d\d/"))
        assert name in page.locator("h1").inner_text()
        assert page.locator("nav[aria-label] .breadcrumb-item").count() >= 2
        assert page.locator("table.planning-indicators").first.locator("tbody tr").count() >= 5
        screenshot(page, "journey-planning-district")
    with signed_in(browser, server, "district_officer") as page:
        page.goto("/planning/")
        page.wait_for_url(re.compile(r"/planning/d/440703/"))
        assert page.locator("table.planning-indicators").first.locator("tbody tr").count() >= 5


def test_the_volunteer_checks_out_and_the_coordinator_approves_the_hours(browser, server) -> None:
    if "request_id" not in JOURNEY:
        pytest.skip("needs the request the volunteer took")
    request_id = JOURNEY["request_id"]
    # at least a minute of service (the journeys above ran meanwhile), so there is time to credit
    time.sleep(max(0.0, 61 - (time.monotonic() - JOURNEY["checked_in"])))
    with signed_in(browser, server, "volunteer", **PHONE) as page:
        _volunteer_action(page, request_id, "check_out")
        before = page.locator("main .fs-2").first.inner_text()
    with signed_in(browser, server, "community_worker") as page:
        page.goto(JOURNEY["request_url"])
        page.get_by_role("button", name=re.compile("代老年人确认|Confirm for the elder")).click()
        page.wait_for_load_state()
        page.get_by_role("button", name=re.compile("审核通过并存入|Approve and deposit")).click()
        page.wait_for_load_state()
        details = page.locator("main dl").inner_text()
        assert re.search(r"已审核|approved", page.locator("h1").inner_text(), re.IGNORECASE), flash(page)
        assert page.locator("main table tbody tr").count() >= 1  # the ledger movement
        screenshot(page, "journey-timebank-approved")
        assert details
    with signed_in(browser, server, "volunteer", **PHONE) as page:
        page.goto("/timebank/me/")
        after = page.locator("main .fs-2").first.inner_text()
        assert after != before, (before, after)
        screenshot(page, "journey-timebank-volunteer-balance")
