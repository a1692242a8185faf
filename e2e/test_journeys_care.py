"""Staff journeys of care, through the real pages (issue 15):

4. ability assessment (GB/T 42195): the community worker requests it, the district schedules two certified
   assessors, the first assessor fills the health facts and half of the items on the tablet form, the second
   finishes and submits, and the district officer (not on the team) publishes the level;
5. the assessed elder applies for a public institution and its operator admits them from the waitlist.

The tests of this module run in order and hand the elder on through `JOURNEY`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from e2e.conftest import screenshot
from e2e.journeys import flash, register_elder, signed_in

pytestmark = pytest.mark.e2e

JOURNEY: dict[str, Any] = {}
LOCAL = ZoneInfo("Asia/Shanghai")  # the city's time zone (settings.TIME_ZONE)


def _answer_items(page: Any, *, stop_after: int | None = None) -> int:
    """Answer item screens (the first option of each) until the overview, or after `stop_after` items."""
    answered = 0
    while re.search(r"/fill/\d+/$", page.url) and page.locator("input[type=radio][name=score]").count():
        page.locator("label.ec-option").first.click()
        page.get_by_role("button", name=re.compile("保存并继续|Save and continue")).click()
        page.wait_for_load_state()
        answered += 1
        if stop_after is not None and answered >= stop_after:
            break
    return answered


def test_two_assessors_assess_an_elder_and_the_district_publishes_the_level(browser, server) -> None:
    # the community worker registers an elder and requests a first assessment
    with signed_in(browser, server, "community_worker") as page:
        elder_id = register_elder(page, "梁评估")
        JOURNEY["elder_id"] = elder_id
        page.goto(f"/assessments/elders/{elder_id}/")
        page.select_option("#id_reason", "first")
        page.select_option("#id_requester", "community_worker")
        page.fill("#id_note", "家属反映行动不便")
        page.locator("form[action$='/request/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/assessments/requests/\d+/$"))
        request_url = page.url.removeprefix(server)
        screenshot(page, "journey-assessment-requested")

    # the district officer schedules the visit with two certified assessors, each declaring no relation
    with signed_in(browser, server, "district_officer") as page:
        page.goto(request_url)
        visit = (datetime.now(LOCAL) + timedelta(days=1)).replace(hour=9, minute=30)
        page.fill("#id_visit_at", visit.strftime("%Y-%m-%dT%H:%M"))
        page.select_option("#id_assessor_1", label="评估员 李评")
        page.select_option("#id_relation_1", "none")
        page.select_option("#id_assessor_2", label="评估员 周评")
        page.select_option("#id_relation_2", "none")
        page.locator("form[action$='/schedule/'] button[type=submit]").click()
        page.wait_for_load_state()
        assignments = page.locator("main dl").inner_text()
        assert "李评" in assignments and "周评" in assignments, flash(page)
        screenshot(page, "journey-assessment-scheduled")

    # the first assessor opens the form on the tablet, copies the health facts and answers half the items
    tablet = {"viewport": {"width": 1024, "height": 1366}}
    with signed_in(browser, server, "assessor", **tablet) as page:
        page.goto(request_url)
        page.locator("form[action$='/start/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/fill/0/$"))
        JOURNEY["assessment_url"] = page.url.removeprefix(server).split("/fill/")[0] + "/"
        if not page.input_value("#id_assessed_on"):
            page.fill("#id_assessed_on", datetime.now(LOCAL).strftime("%Y-%m-%d"))
        page.fill("#id_diagnoses", "I10")
        screenshot(page, "journey-assessment-facts")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/fill/1/$"))
        screenshot(page, "journey-assessment-item")
        assert _answer_items(page, stop_after=10) == 10

    # the second assessor continues the same draft from the overview and submits it
    with signed_in(browser, server, "assessor2", **tablet) as page:
        page.goto(request_url)
        page.locator("form[action$='/start/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/fill/0/$"))
        page.get_by_role("link", name=re.compile("概览|Overview")).click()
        missing = page.locator("tr.table-warning a")
        assert missing.count() > 0
        missing.first.click()
        _answer_items(page)
        assert page.locator("tr.table-warning").count() == 0
        screenshot(page, "journey-assessment-overview")
        page.locator("form[action$='/submit/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/assessments/\d+/$"))

    # the district officer (not on the team) reviews and publishes
    with signed_in(browser, server, "district_officer") as page:
        page.goto(JOURNEY["assessment_url"])
        page.select_option("#id_decision", "approve")
        page.fill("#id_note", "记录完整")
        page.locator("form[action$='/review/'] button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("form[action$='/review/']").count() == 0, flash(page)
        screenshot(page, "journey-assessment-published")
        page.goto(f"/assessments/elders/{elder_id}/")
        history = page.locator("main table").last.inner_text()
        assert re.search(r"已发布|published", history, re.IGNORECASE), history
    JOURNEY["assessed"] = True


def test_the_institution_admits_the_assessed_elder_from_the_waitlist(browser, server) -> None:
    if not JOURNEY.get("assessed"):
        pytest.skip("needs the elder assessed in the assessment journey")
    elder_id = JOURNEY["elder_id"]
    with signed_in(browser, server, "institution_operator") as operator:
        operator.goto("/facilities/")
        facility = operator.locator("main table tbody tr a").first.inner_text().strip()

        # the community worker applies for the elder at the operator's public institution
        with signed_in(browser, server, "community_worker") as page:
            page.goto("/facilities/waitlist/")
            page.fill("#elder", str(elder_id))
            page.locator("main form button").first.click()
            page.wait_for_url(re.compile(rf"/facilities/waitlist/apply/{elder_id}/$"))
            option = page.locator("#facility option", has_text=facility).first
            page.select_option("#facility", option.get_attribute("value"))
            page.select_option("#wanted_bed", index=0)
            screenshot(page, "journey-waitlist-apply")
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(re.compile(r"/facilities/waitlist/\d+/$"))
            application_url = page.url.removeprefix(server)

        # the operator finds the bed offer in the waitlist and admits the elder
        operator.goto("/facilities/waitlist/")
        screenshot(operator, "journey-waitlist-operator")
        offer = operator.locator(f"a[href$='{application_url}']")
        assert offer.count() >= 1, operator.locator("main").inner_text()
        offer.first.click()
        operator.wait_for_url(re.compile(r"/facilities/waitlist/\d+/$"))
        operator.get_by_role("button", name=re.compile("^(接受|Accept)$")).click()
        operator.wait_for_load_state()
        status = operator.locator("main").inner_text()
        assert re.search("已入住|admitted", status, re.IGNORECASE), flash(operator)
        screenshot(operator, "journey-waitlist-admitted")
