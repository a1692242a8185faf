"""Bulk writes for city-scale steps: what they store is what the ORM would have stored."""

from __future__ import annotations

import pytest
from django.db import connection

from eldercare.core.bulk import copy_update, refresh_statistics
from eldercare.core.tests.factories import ElderFactory
from eldercare.registry.models import Elder

pytestmark = pytest.mark.django_db


def test_copy_update_writes_only_the_named_fields_json_and_ciphertext_included() -> None:
    # given three elders
    elders = [ElderFactory() for _ in range(3)]
    names = {e.pk: e.name for e in elders}
    # when two fields are changed in memory, together with one that is not named
    for i, elder in enumerate(elders):
        elder.chronic_conditions = ["hypertension"] * i
        elder.address = f"新地址 {i} 号"
        elder.name = "不应写入"
    assert copy_update(Elder, elders, ["chronic_conditions", "address"]) == 3
    # then the named fields are stored (the address encrypted, as the ORM stores it) and nothing else
    for i, elder in enumerate(Elder.objects.filter(pk__in=names).order_by("pk")):
        assert elder.chronic_conditions == ["hypertension"] * i
        assert elder.address == f"新地址 {i} 号"
        assert elder.name == names[elder.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM registry_elder WHERE id = %s", [elders[1].pk])
        assert "新地址" not in cursor.fetchone()[0]


def test_copy_update_loads_deferred_fields_before_it_copies() -> None:
    # given elders read with only some of their columns (as the imports read them)
    ElderFactory(), ElderFactory()
    elders = list(Elder.objects.only("id", "name").order_by("pk"))
    for elder in elders:
        elder.name = "新名字"
    # when a named field was deferred, it is loaded first (not in the middle of the COPY) and written back
    assert copy_update(Elder, elders, ["name", "living_situation"]) == 2
    assert set(Elder.objects.values_list("name", flat=True)) == {"新名字"}


def test_copy_update_of_nothing_writes_nothing() -> None:
    assert copy_update(Elder, [], ["address"]) == 0


def test_refresh_statistics_runs_inside_a_transaction() -> None:
    ElderFactory()
    refresh_statistics(Elder)  # ANALYZE on PostgreSQL, nothing elsewhere; must not break the transaction
    assert Elder.objects.count() == 1
