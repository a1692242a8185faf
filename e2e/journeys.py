"""Helpers of the staff journeys (e2e/test_journeys_*.py): a signed-in browser per person, a fresh elder."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from e2e.conftest import sign_in
from eldercare.core.ids import check_character


@contextmanager
def signed_in(browser: Any, server: str, username: str, **context_options: Any) -> Iterator[Any]:
    """A page in its own browser context (own cookies), signed in as `username`, closed afterwards."""
    options = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN", **context_options}
    context = browser.new_context(base_url=server, **options)
    try:
        page = context.new_page()
        sign_in(page, username)
        page.wait_for_url(re.compile(r"/$"))
        yield page
    finally:
        context.close()


def new_id_number(birth: str = "19400315", county: str = "440703") -> str:
    """A valid, practically unique resident ID number (GB 11643) for an elder born on `birth`."""
    sequence = f"{time.time_ns() // 1000 % 1000:03d}"
    first17 = county + birth + sequence
    return first17 + check_character(first17)


def flash(page: Any) -> str:
    """The text of the page's messages (success or error), for assertion messages."""
    alerts = page.locator(".alert")
    return " | ".join(alerts.all_inner_texts()) if alerts.count() else ""


def register_elder(page: Any, name: str, *, birth: str = "19400315", economic: str = "ordinary") -> int:
    """Register an elder through the registry form (as a community worker); returns the record number."""
    page.goto("/elders/new/")
    page.fill("#id_name", name)
    page.fill("#id_id_number", new_id_number(birth))
    page.select_option("#id_living_situation", "alone")
    page.select_option("#id_economic_status", economic)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/elders/\d+/$"))
    return int(page.url.rstrip("/").split("/")[-1])
