"""The audit trail: written by services with where-from, append-only, searchable by auditors in scope."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.audit import AuditContext, audit_context, audit_record
from eldercare.core.models import AuditEntry, Division
from eldercare.core.tests.factories import DISTRICT, OTHER_DISTRICT, ElderFactory, UserFactory, first_child
from eldercare.registry.services import elder_reveal_personal

pytestmark = pytest.mark.django_db


def test_an_entry_records_who_what_and_from_where() -> None:
    user = UserFactory(role=Role.CITY_ADMIN)
    target = Division.objects.get(code=DISTRICT)
    with audit_context(AuditContext(channel="web", ip_address="10.1.2.3", user_agent="UA", request_id="r1")):
        entry = audit_record(actor=user, action="test.changed", target=target, changes={"name": ["a", "b"]})
    assert (entry.actor, entry.actor_label, entry.action) == (user, user.username, "test.changed")
    assert (entry.target_type, entry.target_id, entry.division_code) == ("core.division", DISTRICT, DISTRICT)
    assert (entry.ip_address, entry.user_agent, entry.request_id, entry.channel) == (
        "10.1.2.3",
        "UA",
        "r1",
        "web",
    )


def test_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    entry = audit_record(actor=None, action="test.done")
    entry.action = "test.forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditentry SET action = 'forged'", "DELETE FROM core_auditentry"]
)
def test_entries_cannot_be_changed_or_deleted_in_sql_either(statement: str) -> None:
    audit_record(actor=None, action="test.done")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.filter(action="test.done").exists()


def test_reading_an_unmasked_id_number_is_audited() -> None:
    elder = ElderFactory(phone="13800138000")
    worker = UserFactory(role=Role.CITY_ADMIN)
    personal = elder_reveal_personal(elder=elder, actor=worker, purpose="上门核实")
    assert personal.id_number.startswith(elder.residence_division_id[:6])
    entry = AuditEntry.objects.get(action="elder.personal_revealed")
    assert entry.actor == worker and entry.target_id == str(elder.pk)
    assert entry.changes["purpose"] == "上门核实"
    assert entry.division_code == elder.residence_division_id


def test_the_reveal_button_writes_the_audit_entry(client: Client) -> None:
    elder = ElderFactory(residence_division=first_child(first_child(DISTRICT).code))
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    response = client.post(f"/elders/{elder.pk}/reveal/")
    assert response.status_code == 200
    assert elder.id_number.encode() in response.content
    assert AuditEntry.objects.filter(action="elder.personal_revealed", target_id=str(elder.pk)).count() == 1


def test_the_elder_page_shows_only_masked_identifiers(client: Client) -> None:
    elder = ElderFactory(residence_division=first_child(first_child(DISTRICT).code), phone="13800138000")
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    page = client.get(f"/elders/{elder.pk}/").content.decode()
    assert elder.id_number not in page and elder.id_number_masked in page
    assert "13800138000" not in page and "138****8000" in page
    listing = client.get("/elders/").content.decode()
    assert elder.id_number not in listing


def test_auditors_search_the_log_of_their_own_area_only(client: Client) -> None:
    # given entries about two districts
    audit_record(actor=None, action="elder.created", division_code=DISTRICT + "001001")
    audit_record(actor=None, action="elder.created", division_code=OTHER_DISTRICT + "001001")
    inspector = UserFactory(role=Role.INSPECTOR, division=Division.objects.get(code=DISTRICT))
    client.force_login(inspector)
    # when the inspector of one district searches
    response = client.get("/audit/?action=elder.")
    # then only that district's entries are listed
    page = response.context["page"]
    assert [e.division_code[:6] for e in page] == [DISTRICT]
    api = client.get("/api/v1/audit?action=elder.").json()
    assert api["count"] == 1


def test_the_audit_search_fragment_answers_htmx(client: Client) -> None:
    client.force_login(UserFactory(role=Role.INSPECTOR))
    response = client.get("/audit/?action=x", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="results"' in response.content and b"<html" not in response.content
