"""The planning API: values by division and date, series, key counts, in scope only."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.tests.factories import UserFactory, division, sign_in_verified
from eldercare.planning import services
from eldercare.planning.tests.factories import CITY, DISTRICT_A, DISTRICT_B

pytestmark = pytest.mark.django_db


def test_values_series_and_key_counts_by_division_and_date(
    client: Client, city: dict, django_assert_max_num_queries: object
) -> None:
    services.refresh(months=[date(2024, 5, 1), date(2024, 6, 1)])
    sign_in_verified(client, UserFactory(role=Role.DISTRICT_OFFICER, division=division(DISTRICT_A)))
    with django_assert_max_num_queries(30):  # type: ignore[operator]
        values = client.get(f"/api/v1/planning/values?division={DISTRICT_A}&on=2024-06-15").json()
    pa02 = next(v for v in values if v["indicator_code"] == "PA02")
    assert (pa02["numerator"], pa02["denominator"], pa02["value"], pa02["source"]) == (1, 5, 20.0, "computed")
    assert {v["indicator_code"] for v in values} >= {"JM01", "JM09", "PA01"}
    series = client.get(f"/api/v1/planning/indicators/PA02/series?division={DISTRICT_A}").json()
    assert [p["month"] for p in series["points"]] == ["2024-05-01", "2024-06-01"]
    counts = {
        c["key"]: c["value"]
        for c in client.get(f"/api/v1/planning/key-counts?division={DISTRICT_A}&on=2024-06-01").json()
    }
    assert counts["elders.total"] == 5
    # outside the scope: 404
    assert client.get(f"/api/v1/planning/values?division={DISTRICT_B}").status_code == 404
    assert client.get(f"/api/v1/planning/key-counts?division={CITY}").status_code == 404
