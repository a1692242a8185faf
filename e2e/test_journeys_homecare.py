"""Home-care journeys through the real pages (issue 15, journey 6, and the portal's ordering and rating):

- the demo elder orders a meal on the portal; the provider manager assigns the demo worker, who goes, checks
  in and out with the phone's location; the elder confirms and rates it on the portal; the short visit is
  flagged and the street officer clears it, so the order is verified;
- a community worker orders a service for an elder on the staff page, and at the office confirms and rates
  it for the elder (帮办代办, with a receipt).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from e2e.conftest import screenshot
from e2e.journeys import flash, register_elder, signed_in

pytestmark = pytest.mark.e2e

LOCAL = ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# somewhere in 蓬江区 (the phone's reported position at check-in and check-out)
WHERE = {"geolocation": {"longitude": 113.0856, "latitude": 22.6279}, "permissions": ["geolocation"]}


def next_weekday() -> date:
    day = datetime.now(LOCAL).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def assign_demo_worker(browser: Any, server: str, order_id: int) -> None:
    """The provider manager assigns the order to the demo worker (王护) from the order page."""
    with signed_in(browser, server, "provider_manager") as page:
        page.goto("/homecare/orders/?status=requested")
        page.goto(f"/homecare/orders/{order_id}/")
        page.select_option("#worker", label="王*")
        page.get_by_role("button", name=re.compile("^(派单|Assign)$")).click()
        page.wait_for_load_state()
        assert "王*" in page.locator("main dl").inner_text(), flash(page)
        screenshot(page, "journey-homecare-assigned")


def serve_on_the_phone(browser: Any, server: str, order_id: int) -> None:
    """The demo worker, on a phone: on the way, check in and check out (with the phone's location)."""
    with signed_in(browser, server, "provider_worker", **PHONE, **WHERE) as page:
        page.goto("/homecare/worker/")
        page.locator(f"a[href$='/homecare/worker/orders/{order_id}/']").click()
        page.wait_for_url(re.compile(rf"/worker/orders/{order_id}/$"))
        page.locator("form:has(input[value=depart]) button").click()
        page.wait_for_load_state()
        page.locator("form:has(input[value=check_in]) button").click()
        page.wait_for_url(re.compile(rf"/worker/orders/{order_id}/$"))
        page.locator("form:has(input[value=check_out])").wait_for()
        screenshot(page, "journey-homecare-worker-phone")
        page.locator("form:has(input[value=check_out]) button").click()
        page.locator("form:has(input[value=confirm])").wait_for()  # completed, waiting for the elder
        assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")


def test_an_elder_orders_a_meal_on_the_portal_and_rates_it_after_the_visit(browser, server) -> None:
    with signed_in(browser, server, "elder") as page:
        page.goto("/portal/")
        page.locator("a.portal-tile[href*='/portal/e/']").first.click()
        page.locator("a.portal-tile[href$='/services/']").click()
        page.wait_for_url(re.compile(r"/portal/e/\d+/services/$"))
        services_url = page.url
        meal = page.locator("label.portal-choice", has_text="助餐")
        assert meal.count() >= 1, page.locator("main").inner_text()
        meal.first.click()
        page.select_option("#order-day", next_weekday().isoformat())  # the demo worker works Mon–Fri
        page.select_option("#order-time", "11:30")
        page.fill("#order-note", "少盐，送到门口")
        screenshot(page, "journey-portal-order-meal")
        page.click("#order-submit")
        page.wait_for_url(re.compile(r"/done/$"))
        text = page.locator(".portal-done").inner_text()
        found = re.search(r"(?:订单号|Order number)\s*(\d+)", text)
        assert found, text
        order_id = int(found.group(1))
        screenshot(page, "journey-portal-order-sent")

        assign_demo_worker(browser, server, order_id)
        serve_on_the_phone(browser, server, order_id)

        # the elder confirms the visit, then rates it
        page.goto(services_url)
        card = page.locator(f"#order-{order_id}")
        card.get_by_role("button", name=re.compile("服务已完成|service was done")).click()
        page.wait_for_url(re.compile(r"/done/$"))
        page.goto(services_url)
        card = page.locator(f"#order-{order_id}")
        card.locator("input[name=comment]").fill("准时，饭菜热乎")
        card.locator("button[name=stars][value='5']").click()
        page.wait_for_url(re.compile(r"/done/$"))
        page.goto(services_url)
        assert "5" in page.locator(f"#order-{order_id}").inner_text()
        assert page.locator(f"#order-{order_id} button[name=stars]").count() == 0
        screenshot(page, "journey-portal-rated")

    # the visit was far shorter than the catalogue's: flagged; the street officer clears it and it is verified
    with signed_in(browser, server, "street_officer") as page:
        page.goto(f"/homecare/orders/{order_id}/")
        assert page.locator("main .badge.text-bg-danger").count() >= 1
        assert "准时，饭菜热乎" in page.locator("#order-rating").inner_text()
        page.select_option("select[name=decision]", "clear")
        page.fill("#review-reason", "电话回访确认已送餐")
        page.get_by_role("button", name=re.compile("^(决定|Decide)$")).click()
        page.wait_for_load_state()
        assert re.search("已核验|verified", page.locator("h1").inner_text(), re.IGNORECASE), flash(page)
        screenshot(page, "journey-homecare-verified")


def test_a_community_worker_orders_a_service_and_confirms_it_at_the_office(browser, server) -> None:
    with signed_in(browser, server, "community_worker") as page:
        elder_id = register_elder(page, "罗服务")
        page.goto("/homecare/orders/new/")
        page.fill("#elder_id", str(elder_id))
        cleaning = page.locator("#item_id option", has_text="居家清洁").first.get_attribute("value")
        page.select_option("#item_id", cleaning)
        page.fill("#scheduled_at", f"{next_weekday().isoformat()}T09:30")
        screenshot(page, "journey-homecare-order-new")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/homecare/orders/\d+/$"))
        order_id = int(page.url.rstrip("/").split("/")[-1])
        assert "居家清洁" in page.locator("main dl").inner_text()

        assign_demo_worker(browser, server, order_id)
        serve_on_the_phone(browser, server, order_id)

        # 帮办代办: at the office the worker confirms the service for the elder and prints the receipt
        page.goto(f"/portal/e/{elder_id}/services/")
        done = re.compile("服务已完成|service was done")
        page.locator(f"#order-{order_id}").get_by_role("button", name=done).click()
        page.wait_for_url(re.compile(r"/done/$"))
        page.locator("a.btn-portal[href*='/portal/receipts/']").click()
        assert "代为确认上门服务" in page.locator("dl.portal-card").inner_text()
        screenshot(page, "journey-homecare-office-confirmed")
        page.goto(f"/homecare/orders/{order_id}/")
        confirmed = page.locator("main dl dd").nth(9).inner_text()  # Confirmed: time and by whom
        assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", confirmed), confirmed
