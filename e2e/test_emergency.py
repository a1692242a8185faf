"""The emergency console as an operator meets it: an alarm sent through the device API appears live."""

import json
import re
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from e2e.conftest import screenshot, sign_in
from eldercare.emergency.rules import sign

pytestmark = pytest.mark.e2e


def _send_alarm(base: str, token: str, secret: str, event_id: str, kind: str = "fall") -> dict:
    body = json.dumps({"event_id": event_id, "kind": kind}).encode()
    request = urllib.request.Request(  # noqa: S310 - the local test server
        base + "/api/v1/devices/alarms",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "X-Signature": sign(secret, body),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def test_an_alarm_sent_through_the_api_appears_on_the_console_without_reload(page, server) -> None:
    # given an operator who registered a device for an elder, with the console open and connected
    sign_in(page, "emergency_operator")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/elders/")
    elder_id = page.locator("#results tbody tr a").first.get_attribute("href").strip("/").split("/")[-1]
    page.goto("/emergency/devices/new/")
    page.fill("#elder_id", elder_id)
    page.select_option("#kind", "fall_sensor")
    page.fill("#serial", f"E2E-{time.time_ns()}")
    page.click("#device-form button[type=submit]")
    token = page.locator("#device-token").inner_text()
    secret = page.locator("#device-secret").inner_text()
    page.goto("/emergency/console/")
    page.wait_for_selector("#ws-state.text-bg-success")
    page.evaluate("window.__marker = 'same page'")
    # when the device sends an alarm through the API
    sent = time.monotonic()
    ack = _send_alarm(server, token, secret, "e2e-1")
    # then its row appears without a reload, pushed over the websocket, within a second
    row = page.locator(f"#alarm-row-{ack['alarm_id']}")
    row.wait_for(timeout=5000)
    latency = time.monotonic() - sent
    assert page.evaluate("window.__marker") == "same page"
    pushed = page.evaluate("window.ecConsole.received.map(r => r.id)")
    assert ack["alarm_id"] in pushed
    assert latency < 1.5, latency
    screenshot(page, "emergency-console-new-alarm")
    # and the operator takes it, logs the call to the elder, dispatches help and closes it from the console
    row.click()
    page.click("[data-action=take]")
    page.wait_for_selector("[data-action=close]")
    steps = page.locator("#alarm-panel ul.small li")
    before = steps.count()
    page.click("[data-action=call]")
    expect(steps).not_to_have_count(before)  # the call is a step of the alarm now
    target = page.locator("#alarm-panel select[name=target] option").first.inner_text().strip()
    page.click("[data-action=dispatch]")
    expect(page.locator("#alarm-panel dl").first).to_contain_text(target)
    screenshot(page, "emergency-console-dispatched")
    page.select_option("select[name=outcome]", "phone")
    page.click("[data-action=close]")
    page.wait_for_selector("[data-status=closed]")
    page.wait_for_function(f"!document.getElementById('alarm-row-{ack['alarm_id']}')", timeout=7000)
    screenshot(page, "emergency-console-closed")
