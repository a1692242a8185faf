"""The foundation as a user meets it: sign-in per role, scoped lists, audited reveal, language, elder mode."""

import re

import pytest

from e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e

ROLES = [
    "city_admin",
    "district_officer",
    "street_officer",
    "community_worker",
    "assessor",
    "institution_operator",
    "provider_manager",
    "provider_worker",
    "emergency_operator",
    "volunteer",
    "inspector",
    "elder",
    "family",
]


@pytest.mark.parametrize("username", ROLES)
def test_every_demo_account_signs_in_to_its_home_page(page, username: str) -> None:
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("h1").first.is_visible()
    assert "Demo" not in page.title()
    screenshot(page, f"home-{username}")


def test_the_city_home_shows_the_district_map_and_counts(page) -> None:
    sign_in(page, "city_admin")
    page.wait_for_selector("#elder-map canvas")
    assert page.locator(".ec-stat .value").count() == 5
    screenshot(page, "home-city-map")


def test_a_community_worker_lists_only_their_community(page) -> None:
    sign_in(page, "community_worker")
    page.goto("/elders/")
    rows = page.locator("#results tbody tr")
    assert rows.count() > 0
    # the Community column (the 5th is Phone, which the test read before: all "—" in the demo, so it passed
    # until a journey registered an elder with a phone)
    header = page.locator("#results thead th").all_inner_texts()
    column = header.index("社区") + 1
    communities = set(page.locator(f"#results tbody tr td:nth-child({column})").all_inner_texts())
    assert len(communities) == 1
    ids = page.locator("#results tbody td.masked").all_inner_texts()
    assert all("*" in i for i in ids)
    screenshot(page, "elders-community-worker")


def test_revealing_an_id_number_shows_it_and_the_inspector_sees_the_audit_entry(page, browser) -> None:
    sign_in(page, "district_officer")
    page.goto("/elders/")
    page.locator("#results tbody tr a").first.click()
    masked = page.locator("#personal dd.masked").first.inner_text()
    assert "*" in masked
    page.get_by_role("button", name=re.compile("查看完整信息|Show in full")).click()
    page.wait_for_function("() => !document.querySelector('#personal dd.masked').innerText.includes('*')")
    full = page.locator("#personal dd.masked").first.inner_text()
    assert re.fullmatch(r"\d{17}[\dX]", full.strip())
    screenshot(page, "elder-revealed")
    # the inspector finds the reveal in the audit log
    context = browser.new_context(base_url=page.url.split("/elders")[0])
    inspector = context.new_page()
    sign_in(inspector, "inspector")
    inspector.goto("/audit/?action=elder.personal_revealed")
    assert inspector.locator("#results tbody tr").count() >= 1
    assert "district_officer" in inspector.locator("#results tbody").inner_text()
    screenshot(inspector, "audit-log")
    context.close()


def test_the_language_switch_turns_the_interface_english(page) -> None:
    page.goto("/accounts/login/")
    assert "登录" in page.locator("h1").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert "Sign in" in page.locator("h1").inner_text()
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert "登录" in page.locator("h1").inner_text()


def test_elder_mode_enlarges_text_and_click_targets(page) -> None:
    sign_in(page, "community_worker")
    page.get_by_role("button", name=re.compile("大字|Large text")).click()
    page.wait_for_load_state()
    assert "elder-mode" in (page.locator("body").get_attribute("class") or "")
    font = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 24
    heights = page.evaluate(
        "() => [...document.querySelectorAll('main .btn, .ec-sidebar .nav-link')]"
        ".map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 60
    screenshot(page, "home-elder-mode")


def test_repeated_wrong_passwords_lock_the_account(page) -> None:
    for _ in range(3):
        sign_in(page, "family", "wrong-password-1A")
    assert "锁定" in page.content() or "locked" in page.content()
    sign_in(page, "family")
    assert "锁定" in page.content() or "locked" in page.content()


def test_keyboard_users_can_skip_to_the_content(page) -> None:
    sign_in(page, "street_officer")
    page.wait_for_url(re.compile(r"/$"))
    first = page.evaluate(
        "() => [...document.querySelectorAll('a[href], button, input, select, textarea')]"
        ".find(e => e.offsetParent !== null || e.classList.contains('skip-link')).className"
    )
    assert "skip-link" in first
    page.focus("a.skip-link")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
