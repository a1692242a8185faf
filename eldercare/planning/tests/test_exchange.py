"""Data exchange: versioned data sets, the outbox, adapters, open data without small cells."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.tests.factories import UserFactory, division, sign_in_verified
from eldercare.planning import exchange, services
from eldercare.planning.models import OutboxMessage
from eldercare.planning.tests.factories import CITY, DISTRICT_A, DISTRICT_B

pytestmark = pytest.mark.django_db
JUNE = date(2024, 6, 1)


class BrokenAdapter:
    name = "broken"

    def send(self, message: Any) -> str:
        raise ConnectionError("province platform unreachable")


def test_a_data_set_is_kept_in_the_outbox_and_sent_through_the_adapter(city: dict) -> None:
    services.refresh(months=[JUNE])
    user = UserFactory(role=Role.CITY_ADMIN, division=division(CITY))
    # when the key counts of June are prepared as CSV and sent
    message = exchange.outbox_create(
        dataset="key_counts",
        fmt="csv",
        division=division(CITY),
        period=JUNE,
        destination="province",
        actor=user,
    )
    exchange.outbox_send(message=message, actor=user)
    # then the file has the schema version on every row and the logging adapter's reference
    rows = list(csv.DictReader(io.StringIO(bytes(message.payload).decode())))
    assert rows and all(r["schema_version"] == "1.0" for r in rows)
    city_total = next(r for r in rows if r["division_code"] == CITY and r["key"] == "elders.total")
    assert float(city_total["value"]) == 7
    message.refresh_from_db()
    assert (message.status, message.adapter, message.remote_ref[:4], message.attempts) == (
        "sent",
        "logging",
        "log-",
        1,
    )


def test_a_failed_send_is_recorded_for_a_retry(city: dict, settings: Any) -> None:
    settings.PLANNING_EXCHANGE_ADAPTER = "eldercare.planning.tests.test_exchange.BrokenAdapter"
    user = UserFactory(role=Role.CITY_ADMIN, division=division(CITY))
    message = exchange.outbox_create(
        dataset="elders", fmt="json", division=division(CITY), period=JUNE, destination="jinmin", actor=user
    )
    exchange.outbox_send(message=message, actor=user)
    message.refresh_from_db()
    assert message.status == "failed" and "unreachable" in message.last_error
    body = json.loads(bytes(message.payload))
    assert body["schema_version"] == "1.0" and len(body["rows"]) == 7
    assert "name" not in body["rows"][0] and "*" in body["rows"][0]["id_number_masked"]


def test_open_data_publishes_city_and_district_aggregates_without_small_counts(
    client: Client, city: dict
) -> None:
    services.refresh(months=[JUNE])
    # anonymous callers may read it
    response = client.get("/planning/open-data/json/?month=2024-06")
    assert response.status_code == 200
    rows = json.loads(response.content)["rows"]
    values = {(r["division_code"], r["measure"]): r["value"] for r in rows}
    assert values[(CITY, "elders.total")] == 7 and values[(DISTRICT_A, "elders.total")] == 5
    assert values[(DISTRICT_B, "elders.total")] is None  # 2 people: suppressed
    assert not any(len(r["division_code"]) > 6 for r in rows)  # no streets


def test_the_exchange_page_prepares_and_lists_messages(client: Client, city: dict) -> None:
    services.refresh(months=[JUNE])
    sign_in_verified(client, UserFactory(role=Role.CITY_ADMIN, division=division(CITY)))
    response = client.post(
        "/planning/exchange/send/",
        {"dataset": "indicators", "period": "2024-06", "fmt": "csv", "destination": "province"},
    )
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.rows > 0 and message.status == "sent"
    page = client.get("/planning/exchange/").content.decode()
    assert "indicators" in page and f"/planning/exchange/{message.pk}/download/" in page
