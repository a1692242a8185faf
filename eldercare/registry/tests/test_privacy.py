"""PIPL: one elder's complete record (export), erasure where law allows, and the audited retention purge."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from eldercare.accounts.roles import Role
from eldercare.benefits.tests.factories import bank_account
from eldercare.core.models import AuditEntry
from eldercare.core.tests.factories import DISTRICT, ElderFactory, UserFactory, division, first_child
from eldercare.emergency.choices import AlarmStatus
from eldercare.emergency.models import Alarm
from eldercare.emergency.tests.factories import make_alarm, make_device
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder, ElderContact
from eldercare.registry.privacy import elder_record
from eldercare.registry.rules import erasure_allowed, years_before
from eldercare.registry.services import contact_add
from eldercare.registry.services.privacy import ERASED_MARK, elder_erase, retention_purge
from eldercare.visits.models import VisitRecord

TODAY = date(2026, 6, 1)


def community() -> object:
    return first_child(first_child(DISTRICT).code)


def visit(elder: Elder, at: datetime) -> VisitRecord:
    return VisitRecord.objects.create(
        client_uuid=uuid.uuid4(),
        elder=elder,
        division=elder.residence_division,
        visitor=UserFactory(role=Role.COMMUNITY_WORKER, division=elder.residence_division),
        method="phone",
        outcome="visited",
        visited_at=at,
        notes="血压偏高",
    )


def aware(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=timezone.get_current_timezone())


def exited(years_ago: int, status: str = ElderStatus.DECEASED) -> Elder:
    day = years_before(TODAY, years_ago)
    elder = ElderFactory(residence_division=community())
    Elder.objects.filter(pk=elder.pk).update(
        status=status, deceased_on=day if status == ElderStatus.DECEASED else None, status_changed_on=day
    )
    elder.refresh_from_db()
    return elder


# ---- the rule


@given(
    status=st.sampled_from([s.value for s in ElderStatus]),
    days_ago=st.integers(min_value=-400, max_value=4000),
    years=st.integers(min_value=1, max_value=10),
)
def test_erasure_is_allowed_only_after_death_or_departure_and_the_retention_period(
    status: str, days_ago: int, years: int
) -> None:
    exited_on = TODAY - timedelta(days=days_ago)
    allowed = erasure_allowed(status=status, exited_on=exited_on, today=TODAY, retention_years=years)
    if status not in ("deceased", "moved_out"):
        assert not allowed
    else:
        assert allowed == (exited_on <= years_before(TODAY, years))
    assert not erasure_allowed(status=status, exited_on=None, today=TODAY, retention_years=years)


# ---- export


@pytest.mark.django_db
def test_every_table_that_points_at_an_elder_is_part_of_the_export() -> None:
    elder = ElderFactory(residence_division=community())
    pointing = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Elder
    }
    assert pointing - set(elder_record(elder=elder)) == set()


@pytest.mark.django_db
def test_the_export_holds_every_modules_rows_about_the_elder_and_is_audited(client: Client) -> None:
    # given an elder with a contact, an alarm, a visit and a bank account, and another elder
    elder = ElderFactory(residence_division=community(), phone="13800138000")
    other = ElderFactory(residence_division=community())
    officer = UserFactory(role=Role.DISTRICT_OFFICER, division=division(DISTRICT))
    contact_add(elder=elder, name="张三", relation="child", phone="13900139000", actor=officer)
    make_alarm(make_device(elder))
    make_alarm(make_device(other))
    visit(elder, aware(TODAY))
    bank_account(elder)
    client.force_login(officer)
    # when the district officer exports the record as JSON
    response = client.get(f"/api/v1/elders/{elder.pk}/record-export")
    # then every module's rows about this elder (and only this elder) are in it, personal fields readable
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'elder-{elder.pk}-record.json"')
    sections = response.json()["sections"]
    assert sections["registry.Elder"][0]["phone"] == "13800138000"
    assert "id_number_hash" not in sections["registry.Elder"][0]
    assert [c["name"] for c in sections["registry.ElderContact"]] == ["张三"]
    assert len(sections["emergency.Alarm"]) == 1
    assert sections["emergency.Alarm"][0]["elder_id"] == elder.pk
    assert len(sections["visits.VisitRecord"]) == 1
    assert len(sections["benefits.BankAccount"]) == 1
    # and the export is audited with its row counts
    entry = AuditEntry.objects.get(action="privacy.exported")
    assert entry.target_id == str(elder.pk)
    assert entry.changes["rows"]["emergency.Alarm"] == 1


@pytest.mark.django_db
def test_the_export_as_a_workbook_has_one_sheet_per_table(client: Client) -> None:
    elder = ElderFactory(residence_division=community())
    client.force_login(UserFactory(role=Role.DISTRICT_OFFICER, division=division(DISTRICT)))
    response = client.get(f"/api/v1/elders/{elder.pk}/record-export?fmt=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "registry.Elder" in book.sheetnames
    header = [cell.value for cell in book["registry.Elder"][1]]
    row = [cell.value for cell in book["registry.Elder"][2]]
    assert row[header.index("name")] == elder.name


@pytest.mark.django_db
def test_an_elder_outside_the_callers_area_cannot_be_exported(client: Client) -> None:
    foreign = ElderFactory(residence_division=first_child(first_child("440705").code))
    client.force_login(UserFactory(role=Role.DISTRICT_OFFICER, division=division(DISTRICT)))
    assert client.get(f"/api/v1/elders/{foreign.pk}/record-export").status_code == 404
    assert not AuditEntry.objects.filter(action="privacy.exported").exists()


# ---- erasure


@pytest.mark.django_db
def test_a_living_elder_or_one_within_retention_cannot_be_erased(client: Client) -> None:
    client.force_login(UserFactory(role=Role.CITY_ADMIN, division=division("4407")))
    for elder in (ElderFactory(residence_division=community()), exited(years_ago=2)):
        response = client.post(f"/api/v1/elders/{elder.pk}/erase")
        assert response.status_code == 409
        assert response.json()["code"] == "erasure_not_allowed"
        elder.refresh_from_db()
        assert elder.id_number_masked != ERASED_MARK


@pytest.mark.django_db
def test_erasure_pseudonymises_personal_fields_and_keeps_financial_records() -> None:
    # given an elder who died six years ago, with a contact and a bank account
    elder = exited(years_ago=6)
    ElderContact.objects.create(elder=elder, name="李四", relation="child", phone="13900139000")
    account = bank_account(elder)
    # when the record is erased
    elder_erase(elder=elder, actor="test", today=TODAY)
    # then the personal fields are gone, the row and the financial record stay
    elder.refresh_from_db()
    assert elder.name == f"{ERASED_MARK}{elder.pk}"
    assert (elder.id_number, elder.phone, elder.address) == ("", "", "")
    assert (elder.birth_date.month, elder.birth_date.day) == (1, 1)
    assert ElderContact.objects.get(elder=elder).name == ERASED_MARK
    account.refresh_from_db()
    assert account.account_number == "6222020200112233445"
    assert AuditEntry.objects.filter(action="privacy.erased", target_id=str(elder.pk)).count() == 1


# ---- retention purge


@pytest.mark.django_db
def test_the_purge_removes_only_expired_records_audits_its_counts_and_can_run_again() -> None:
    # given records older and younger than five years
    elder = ElderFactory(residence_division=community())
    old_visit = visit(elder, aware(years_before(TODAY, 5) - timedelta(days=1)))
    new_visit = visit(elder, aware(years_before(TODAY, 5) + timedelta(days=1)))
    creds = make_device(elder)
    old_alarm, open_old_alarm, new_alarm = make_alarm(creds), make_alarm(creds), make_alarm(creds)
    long_ago = aware(years_before(TODAY, 6))
    Alarm.objects.filter(pk__in=[old_alarm.pk, open_old_alarm.pk]).update(occurred_at=long_ago)
    Alarm.objects.filter(pk__in=[old_alarm.pk, new_alarm.pk]).update(
        status=AlarmStatus.CLOSED, taken_at=long_ago, closed_at=long_ago, outcome="phone"
    )
    gone_long_ago, gone_lately = exited(years_ago=6, status=ElderStatus.MOVED_OUT), exited(years_ago=1)
    # when the purge runs
    counts = retention_purge(today=TODAY)
    # then exactly the expired records are deleted or pseudonymised
    assert counts == {
        "visit_records_deleted": 1,
        "service_orders_pseudonymised": 0,
        "alarms_deleted": 1,
        "elders_pseudonymised": 1,
    }
    assert set(VisitRecord.objects.values_list("pk", flat=True)) == {new_visit.pk}
    assert not VisitRecord.objects.filter(pk=old_visit.pk).exists()
    assert set(Alarm.objects.values_list("pk", flat=True)) == {open_old_alarm.pk, new_alarm.pk}
    gone_long_ago.refresh_from_db()
    gone_lately.refresh_from_db()
    assert gone_long_ago.name.startswith(ERASED_MARK)
    assert not gone_lately.name.startswith(ERASED_MARK)
    # and the purge is itself audited with its counts
    entry = AuditEntry.objects.get(action="privacy.retention_purged")
    assert entry.changes["counts"] == counts
    # and a second run finds nothing left to do
    assert set(retention_purge(today=TODAY).values()) == {0}


@pytest.mark.django_db
def test_the_purge_command_prints_its_counts() -> None:
    exited(years_ago=7)
    out = io.StringIO()
    call_command("purge_expired", "--today", TODAY.isoformat(), stdout=out)
    assert "elders_pseudonymised: 1" in out.getvalue()
