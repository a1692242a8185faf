"""The bureau looks at the 15-minute circle of the demo city: the walk rule, a drawn map, the XLSX link."""

import re

import pytest

from e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_the_city_admin_sees_the_walking_circle_on_a_map_and_the_last_siting_run(page) -> None:
    sign_in(page, "city_admin")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/spatial/")
    assert "1.3" in page.inner_text("#walk-rule") and "4.5" in page.inner_text("#walk-rule")
    page.wait_for_selector("#spatial-map canvas")
    screenshot(page, "spatial-coverage-city")
    assert page.locator("a[href*='/spatial/export/coverage.xlsx']").count() == 1
    page.goto("/spatial/siting/")
    page.locator("main table a[href*='/spatial/siting/']").first.click()
    page.wait_for_selector("#milp-summary")
    screenshot(page, "spatial-siting-run")
