"""The elder and family portal in the browser: OTP sign-in, an application in elder mode by mouse and by
keyboard only, computed text and target sizes, and axe-core (vendored) on portal and staff pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import PORTAL_ELDER_PAGES, screenshot, sign_in

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
ELDER_PHONE = "13900000001"
FAMILY_PHONE = "13900000002"


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """Like the shared page, but the test may inject the vendored axe-core despite the app's CSP."""
    context = browser.new_context(
        base_url=server, viewport={"width": 1366, "height": 900}, locale="zh-CN", bypass_csp=True
    )
    yield context.new_page()
    context.close()


def axe_serious(page: Any) -> list[dict[str, Any]]:
    """Serious or critical axe-core violations of the page (WCAG 2 A/AA rules)."""
    page.add_script_tag(content=AXE)
    options = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}}"
    result = page.evaluate(f"async () => await axe.run(document, {options})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def portal_sign_in(page: Any, phone: str) -> None:
    page.goto("/portal/signin/")
    page.fill("#id_phone", phone)
    page.click("button[type=submit].btn-portal")
    page.wait_for_url(re.compile(r"/portal/signin/code/"))
    code = page.locator("#dev-code strong").inner_text().strip()
    page.fill("#id_code", code)
    page.click("button[type=submit].btn-portal")
    page.wait_for_url(re.compile(r"/portal/"))


def elder_home_url(page: Any) -> str:
    if "/portal/e/" not in page.url:
        page.locator("a.portal-tile[href*='/portal/e/']").first.click()
        page.wait_for_url(re.compile(r"/portal/e/\d+/$"))
    return str(page.url)


def px(page: Any, selector: str, prop: str) -> float:
    value = page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")
    return float(str(value).removesuffix("px")) if str(value).endswith("px") else 0.0


def test_an_elder_signs_in_with_a_code_and_applies_for_a_benefit_in_elder_mode(page: Any) -> None:
    portal_sign_in(page, ELDER_PHONE)
    home = elder_home_url(page)
    assert page.evaluate("document.body.classList.contains('elder-mode')")
    # body text at least 18 pt (24 px), line spacing at least 1.3, every button and tile at least 60 × 60 px
    assert px(page, "body", "fontSize") >= 24
    assert px(page, "body", "lineHeight") / px(page, "body", "fontSize") >= 1.3
    for box in [b.bounding_box() for b in page.locator("main a.portal-tile, main button").all()]:
        assert box is not None and box["height"] >= 60 and box["width"] >= 60, box
    screenshot(page, "portal-elder-home")
    page.goto(home + "benefits/")
    apply_links = page.locator("a.btn-portal[href*='/apply/']")
    assert apply_links.count() >= 1
    apply_links.first.click()
    button = page.locator("#apply-submit")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 60 and box["width"] >= 60
    assert px(page, "#apply-submit", "fontSize") >= 24
    button.click()
    page.wait_for_url(re.compile(r"/done/$"))
    assert page.locator(".portal-done h1").is_visible()
    screenshot(page, "portal-application-done")
    page.goto(home + "applications/")
    assert page.locator(".portal-card").count() >= 1


def test_a_family_member_applies_by_keyboard_only(page: Any) -> None:
    page.goto("/portal/signin/")
    page.keyboard.press("Tab")  # skip link
    page.focus("#id_phone")
    page.keyboard.type(FAMILY_PHONE)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portal/signin/code/"))
    code = page.locator("#dev-code strong").inner_text().strip()
    page.focus("#id_code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portal/$"))
    # the demo family member follows two elders; the second is not the demo elder's own record
    tiles = page.locator("a.portal-tile[href*='/portal/e/']")
    assert tiles.count() == 2
    home = page.url.removesuffix("/portal/") + str(tiles.last.get_attribute("href"))
    page.goto(home + "applications/")
    before = page.locator(".portal-card").count()
    page.goto(home + "benefits/")
    links = page.locator("a.btn-portal[href*='/apply/']")
    assert links.count() >= 1
    # reach the apply link with Tab alone
    target = links.first.get_attribute("href")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        pytest.fail("the apply link cannot be reached by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/apply/$"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "apply-submit":
            break
    else:
        pytest.fail("the apply button cannot be reached by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/done/$"))
    page.goto(home + "applications/")
    assert page.locator(".portal-card").count() == before + 1


def test_axe_finds_no_serious_violation_on_any_portal_page(page: Any) -> None:
    page.goto("/portal/signin/")
    problems: dict[str, Any] = {"signin": axe_serious(page)}
    # the demo elder account also has a password (a second code within a minute would be refused)
    sign_in(page, "elder")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/portal/")
    home = elder_home_url(page)
    for path in PORTAL_ELDER_PAGES:
        page.goto(home + path)
        problems[path or "home"] = axe_serious(page)
    page.goto("/portal/notices/")
    problems["notices"] = axe_serious(page)
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}


def test_axe_finds_no_serious_violation_on_the_office_and_main_staff_pages(page: Any) -> None:
    sign_in(page, "community_worker")
    page.wait_for_url(re.compile(r"/$"))
    problems: dict[str, Any] = {}
    for path in ["/", "/elders/", "/portal/office/", "/benefits/applications", "/visits/my/"]:
        page.goto(path)
        problems[path] = axe_serious(page)
    page.goto("/portal/office/?q=" + "a")
    problems["office search"] = axe_serious(page)
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("city_admin", ["/", "/elders/", "/planning/", "/benefits/funds", "/audit/"]),
        ("district_officer", ["/assessments/", "/facilities/", "/homecare/", "/supervision/complaints/"]),
        ("emergency_operator", ["/emergency/alarms/", "/emergency/devices/"]),
        ("street_officer", ["/timebank/", "/workforce/"]),
    ],
)
def test_axe_finds_no_serious_violation_on_a_page_of_each_module(
    page: Any, username: str, paths: list[str]
) -> None:
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/$"))
    problems: dict[str, Any] = {}
    for path in paths:
        response = page.goto(path)
        if response is not None and response.status >= 400:
            problems[path] = f"HTTP {response.status}"
            continue
        problems[path] = axe_serious(page)
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}
