"""The portal reflows: at 200 % zoom (half the CSS width, twice the pixels) and on a phone (390 × 844), in
elder mode, no main portal page scrolls sideways (WCAG 1.4.10 Reflow) and the big buttons stay big."""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.conftest import PORTAL_ELDER_PAGES, screenshot, sign_in

pytestmark = pytest.mark.e2e

SIDE_SCROLL = "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
DEVICES = {
    # 200 % browser zoom of a 1366 × 900 laptop screen: a 683 × 450 CSS viewport at device scale 2
    "zoom200": {"viewport": {"width": 683, "height": 450}, "device_scale_factor": 2},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.mark.parametrize("device", sorted(DEVICES))
def test_the_main_portal_pages_do_not_scroll_sideways(browser: Any, server: str, device: str) -> None:
    context = browser.new_context(base_url=server, locale="zh-CN", **DEVICES[device])
    context.add_cookies([{"name": "elder_mode", "value": "1", "url": server}])
    page = context.new_page()
    try:
        page.goto("/portal/signin/")
        wide = {"signin": page.evaluate(SIDE_SCROLL)}
        sign_in(page, "elder")
        page.wait_for_url(re.compile(r"/$"))
        page.goto("/portal/")
        wide["portal"] = page.evaluate(SIDE_SCROLL)
        page.locator("a.portal-tile[href*='/portal/e/']").first.click()
        page.wait_for_url(re.compile(r"/portal/e/\d+/$"))
        home = page.url
        assert page.evaluate("document.body.classList.contains('elder-mode')")
        for path in PORTAL_ELDER_PAGES:
            page.goto(home + path)
            wide[path or "elder home"] = page.evaluate(SIDE_SCROLL)
            if path in ("", "services/"):
                screenshot(page, f"portal-{device}-{(path or 'home').strip('/')}")
        page.goto("/portal/notices/")
        wide["notices"] = page.evaluate(SIDE_SCROLL)
        assert {k: v for k, v in wide.items() if v > 0} == {}
        # the buttons of the services page are still at least 60 × 60 CSS px
        page.goto(home + "services/")
        for box in [b.bounding_box() for b in page.locator("main button.btn-portal").all()]:
            assert box is not None and box["height"] >= 60 and box["width"] >= 60, box
    finally:
        context.close()
