"""Fault injection (issue 17): what a broken connection, an unreachable Redis or a killed job leaves behind.

- The database connection is terminated (`pg_terminate_backend`) in the middle of a benefits settlement, a
  registry import and the retention purge: each is rolled back whole, and running it again gives the same
  result as an undisturbed run.
- The cache and the channel layer point at a closed port (Redis down): alarms are still stored and the
  console shows them on reload.

PostgreSQL only (SQLite has no backend to terminate); `make test` runs them when DATABASE_URL points at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
import pytest
from django.db import DatabaseError, InterfaceError, connection
from django.test import Client, override_settings

from eldercare.accounts.roles import Role
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import CITY, DISTRICT, UserFactory, division, first_child
from eldercare.timebank.tests.test_concurrency import restore_divisions_after  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.fault,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends"),
]
FAULTS_INJECTED: list[str] = []


@contextmanager
def connection_killed_at_query(n: int, label: str) -> Iterator[dict[str, int]]:
    """Terminate this connection's backend from another connection just before its `n`-th query."""
    seen = {"queries": 0, "killed": 0}
    pid = connection.connection.info.backend_pid  # type: ignore[union-attr]
    params = connection.get_connection_params()

    def wrapper(execute: Any, sql: str, params_: Any, many: bool, context: Any) -> Any:
        seen["queries"] += 1
        if seen["queries"] == n:
            with psycopg.connect(**params, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            seen["killed"] += 1
            FAULTS_INJECTED.append(label)
        return execute(sql, params_, many, context)

    try:
        with connection.execute_wrapper(wrapper):
            yield seen
    finally:
        connection.close()  # Django reconnects on the next query


# ---- database connection killed


def test_a_settlement_whose_connection_dies_is_rolled_back_and_a_rerun_settles_every_elder(
    restore_divisions_after: None,  # noqa: F811
    transactional_db: None,
) -> None:
    from eldercare.benefits.models import PaymentLine
    from eldercare.benefits.rules import Month
    from eldercare.benefits.services import settle_month
    from eldercare.benefits.tests.factories import entitle, load_city, make_elder

    # given twelve elders receiving the old-age allowance
    load_city()
    for i in range(12):
        entitle(make_elder(birth_date=date(1925 + i, 5, 1)))
    # when the database connection dies in the middle of March's settlement
    with pytest.raises((DatabaseError, InterfaceError)), connection_killed_at_query(12, "settlement") as seen:
        settle_month(period=Month(2025, 3), actor="test")
    assert seen["killed"] == 1
    # then nothing of it was kept
    assert PaymentLine.objects.count() == 0
    # and running it again settles every elder exactly once
    report = settle_month(period=Month(2025, 3), actor="test")
    assert report.regular == 12
    assert PaymentLine.objects.count() == 12
    assert settle_month(period=Month(2025, 3), actor="test").regular == 0


def test_an_import_whose_connection_dies_is_rolled_back_and_a_rerun_imports_every_row(
    restore_divisions_after: None,  # noqa: F811
    transactional_db: None,
) -> None:
    from eldercare.registry.models import Elder, ImportBatch
    from eldercare.registry.services import import_commit, import_preview
    from eldercare.registry.tests.test_imports import roster

    # given a previewed 户籍 file of 150 elders
    scope = DataScope(division_codes=(DISTRICT,))
    content = roster(first_child(first_child(DISTRICT).code), 150)
    batch = import_preview(source="hukou", file_name="f.csv", content=content, actor=None, scope=scope)
    # when the database connection dies while the batch is committed
    with pytest.raises((DatabaseError, InterfaceError)), connection_killed_at_query(8, "import") as seen:
        import_commit(batch=batch, actor=None, scope=scope)
    assert seen["killed"] == 1
    # then no elder of it exists and the batch is still waiting to be committed
    assert Elder.objects.count() == 0
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.status == "previewed"
    # and committing it again imports every row once
    import_commit(batch=batch, actor=None, scope=scope)
    assert Elder.objects.count() == 150
    assert Elder.objects.values("id_number_hash").distinct().count() == 150


def test_a_purge_task_killed_mid_run_runs_again_to_the_same_end_state(
    restore_divisions_after: None,  # noqa: F811
    transactional_db: None,
) -> None:
    from eldercare.core.models import AuditEntry
    from eldercare.registry.models import Elder
    from eldercare.registry.services.privacy import ERASED_MARK
    from eldercare.registry.tasks import privacy_retention_purge
    from eldercare.registry.tests.test_privacy import TODAY, exited

    # given ten elders who died seven years ago
    elders = [exited(years_ago=7) for _ in range(10)]
    # when the purge task loses its connection half-way through pseudonymising them
    with pytest.raises((DatabaseError, InterfaceError)), connection_killed_at_query(25, "purge task") as seen:
        privacy_retention_purge.call()
    assert seen["killed"] == 1
    done_before = Elder.objects.filter(name__startswith=ERASED_MARK).count()
    assert 0 <= done_before < 10
    # then the task run again finishes the rest, touches nothing twice, and audits its counts
    result = privacy_retention_purge.call()
    assert result["elders_pseudonymised"] == 10 - done_before
    assert Elder.objects.filter(pk__in=[e.pk for e in elders], name__startswith=ERASED_MARK).count() == 10
    assert AuditEntry.objects.filter(action="privacy.retention_purged").count() == 1
    assert TODAY  # the factory's reference day; the task itself runs on today's date


# ---- Redis unreachable

REDIS_DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_with_redis_unreachable_alarms_are_stored_and_the_console_shows_them_on_reload(
    client: Client,
) -> None:
    from eldercare.emergency.models import Alarm
    from eldercare.emergency.tests.factories import make_device, post_signed
    from eldercare.registry.tests.factories import ElderFactory

    elder = ElderFactory(residence_division=first_child(first_child(DISTRICT).code))
    creds = make_device(elder)
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_DOWN}
        },
        CHANNEL_LAYERS={
            "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_DOWN]}}
        },
    ):
        FAULTS_INJECTED.append("redis down")
        # when a device raises an alarm while Redis is down
        response = post_signed(client, "/api/v1/devices/alarms", creds, {"event_id": "r-1", "kind": "sos"})
        # then the device is acknowledged and the alarm is stored
        assert response.status_code in (200, 201), response.content
        alarm = Alarm.objects.get(device=creds.device, event_id="r-1")
        # and an operator reloading the console sees it
        client.force_login(UserFactory(role=Role.EMERGENCY_OPERATOR, division=division(CITY)))
        page = client.get("/emergency/console/")
        assert page.status_code == 200
        assert alarm.pk in [a["id"] for a in page.context["alarms"]]
        # and the console's (re)connect read lists it too
        reconnect = client.get("/emergency/console/open.json")
        assert alarm.pk in [a["id"] for a in reconnect.json()["alarms"]]
