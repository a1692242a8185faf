"""Browser tests: the product started the way the README starts it, driven in Debian's headless Chromium.

A session fixture prepares a fresh SQLite database with the README's commands (migrate, load_divisions,
load_profiles, demo_city) and serves it with `runserver` on a free local port. While writing a test,
E2E_BASE_URL=http://127.0.0.1:8000 points the tests at a demo server already running instead (the journeys
change its data: some, like the month's settlement, pass once per fresh database).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Screenshots land here; `make manuals` picks them up (eldercare/core/manuals.py): never stale.
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", ROOT / "e2e-screenshots"))
DEMO_PASSWORD = "Demo-Eldercare-2025"
# The pages of one elder in the portal, relative to /portal/e/<id>/ (axe and layout tests visit each).
PORTAL_ELDER_PAGES = [
    "",
    "benefits/",
    "applications/",
    "payments/",
    "services/",
    "assessment/",
    "timebank/",
    "emergency/",
    "complaint/",
    "facilities/",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("E2E_BASE_URL"):  # a demo server already running (while writing tests)
        yield os.environ["E2E_BASE_URL"].rstrip("/")
        return
    db = tmp_path_factory.mktemp("e2e") / "db.sqlite3"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{db}",
        "CITY_PROFILE": "jiangmen",
        "DJANGO_SETTINGS_MODULE": "eldercare.settings",
        "AXES_FAILURE_LIMIT": "3",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--noinput"],
        ["load_divisions", "--city", "4407"],
        ["load_profiles"],
        ["demo_city", "--city", "jiangmen", "--scale", "0.002", "--seed", "1"],
    ):
        subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - local test server
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    context = browser.new_context(base_url=server, viewport={"width": 1366, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: object, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    page.click("button[type=submit].w-100")  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
