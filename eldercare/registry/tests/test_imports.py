"""Imports from other departments: preview with per-row errors, atomic commit, idempotent re-run,
reconciliation of deaths through the life-event hook, the review queue, the report and the API."""

from collections.abc import Iterator, Sequence
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from eldercare.accounts.roles import Role
from eldercare.core.ids import make_resident_id
from eldercare.core.models import Division
from eldercare.core.scope import DataScope
from eldercare.core.tests.factories import DISTRICT, ElderFactory, UserFactory, first_child
from eldercare.registry.life_events import (
    LifeEventInfo,
    ListenerResult,
    Overpayment,
    life_event_listener,
    unregister_listener,
)
from eldercare.registry.models import Elder, ElderChange, LifeEvent, ReviewItem
from eldercare.registry.selectors import suspected_overpayments
from eldercare.registry.services import import_commit, import_preview, import_report_csv
from eldercare.registry.tests.factories import HUKOU_HEADER

pytestmark = pytest.mark.django_db
SCOPE = DataScope(division_codes=(DISTRICT,))


@pytest.fixture
def community() -> Division:
    return first_child(first_child(DISTRICT).code)


def roster(community: Division, n: int, bad: Sequence[int] = ()) -> bytes:
    """A 户籍 file of `n` elders; rows whose index is in `bad` carry one error each."""
    lines = [HUKOU_HEADER]
    for i in range(n):
        birth = date(1930 + i % 30, 1 + i % 12, 1 + i % 28)
        number = make_resident_id("440703", birth, i % 1000)
        phone = f"138{i:08d}"
        division = community.code
        if i in bad:
            kind = sorted(bad).index(i) % 3
            if kind == 0:
                number = number[:-1] + ("0" if number[-1] != "0" else "1")  # check digit
            elif kind == 1:
                division = "440703999999"  # no such community
            else:
                phone = "12345"
        lines.append(f"老人{i},{number},{birth.isoformat()},汉,440703,{division},某街{i}号,{phone},独居\n")
    return "".join(lines).encode()


def preview(content: bytes, source: str = "hukou", name: str = "f.csv"):  # type: ignore[no-untyped-def]
    return import_preview(source=source, file_name=name, content=content, actor=None, scope=SCOPE)


def test_three_bad_rows_among_a_thousand_are_reported_and_nothing_is_committed(community: Division) -> None:
    # given a file of 1,000 elders with 3 bad rows
    content = roster(community, 1000, bad=(10, 500, 998))
    # when it is previewed and committed
    batch = preview(content)
    assert batch.counts["rows"] == 1000 and batch.counts["created"] == 997
    committed = import_commit(batch=batch, actor=None, scope=SCOPE)
    # then exactly those 3 rows are reported with line, column and reason, and nothing is written
    assert [(e["line"], e["column"]) for e in committed.errors] == [
        (12, "身份证号"),
        (502, "居住社区代码"),
        (1000, "联系电话"),
    ]
    assert all(e["reason"] for e in committed.errors)
    assert committed.status == "rejected"
    assert Elder.objects.count() == 0


def test_the_fixed_file_commits_all_and_a_rerun_changes_nothing(community: Division) -> None:
    content = roster(community, 1000)
    # when the fixed file is committed
    first = import_commit(batch=preview(content), actor=None, scope=SCOPE)
    assert first.status == "committed" and first.counts["created"] == 1000
    assert Elder.objects.count() == 1000
    assert Elder.objects.filter(special_difficulty=True).count() == 1000  # all live alone
    before = list(Elder.objects.order_by("id").values_list("id", "updated_at"))
    # then committing the same file again changes nothing
    again = import_commit(batch=preview(content), actor=None, scope=SCOPE)
    assert again.status == "committed"
    assert again.counts.get("created", 0) == 0 and again.counts.get("updated", 0) == 0
    assert again.counts["unchanged"] == 1000
    assert list(Elder.objects.order_by("id").values_list("id", "updated_at")) == before
    assert not ElderChange.objects.exists()


def test_a_changed_row_updates_the_record_and_keeps_history(community: Division) -> None:
    import_commit(batch=preview(roster(community, 3)), actor=None, scope=SCOPE)
    content = roster(community, 3).decode().replace(",独居\n", ",与子女同住\n", 1).encode()
    batch = import_commit(batch=preview(content), actor=None, scope=SCOPE)
    assert batch.counts["updated"] == 1 and batch.counts["unchanged"] == 2
    change = ElderChange.objects.get()
    assert change.changes == {"living_situation": ["alone", "with_children"]} and change.batch_id == batch.pk


def test_a_conflicting_birth_date_goes_to_review_and_never_overwrites(community: Division) -> None:
    import_commit(batch=preview(roster(community, 1)), actor=None, scope=SCOPE)
    elder = Elder.objects.get()
    content = roster(community, 1).decode().replace("1930-01-01", "1931-01-01").encode()
    batch = import_commit(batch=preview(content), actor=None, scope=SCOPE)
    assert batch.counts["review"] == 1
    item = ReviewItem.objects.get()
    assert (item.field, item.current_value, item.incoming_value) == ("birth_date", "1930-01-01", "1931-01-01")
    elder.refresh_from_db()
    assert elder.birth_date == date(1930, 1, 1)
    # a re-run does not queue it twice
    import_commit(batch=preview(content), actor=None, scope=SCOPE)
    assert ReviewItem.objects.count() == 1


@pytest.fixture
def benefits_stand_in() -> Iterator[list[LifeEventInfo]]:
    """A stand-in for the benefits module: every elder had an allowance paid for March 2025."""
    seen: list[LifeEventInfo] = []

    @life_event_listener
    def end_entitlements(events: Sequence[LifeEventInfo]) -> dict[int, ListenerResult]:
        seen.extend(events)
        results = {}
        for event in events:
            paid = date(2025, 3, 10)
            overpayments = (
                (Overpayment("高龄津贴", f"PAY-{event.elder_id}-202503", 10000, paid, "2025-03"),)
                if paid > event.occurred_on
                else ()
            )
            results[event.event_id] = ListenerResult(
                ended=(f"高龄津贴 from {event.occurred_on.isoformat()}",), overpayments=overpayments
            )
        return results

    yield seen
    unregister_listener(end_entitlements)


def test_a_death_ends_the_entitlement_and_lists_the_overpayment(
    community: Division, benefits_stand_in: list[LifeEventInfo]
) -> None:
    # given an elder receiving payments
    elder = ElderFactory(residence_division=community)
    # when the health commission's death list says the elder died on 2025-02-20
    content = f"身份证号,姓名,死亡日期\n{elder.id_number},{elder.name},2025-02-20\n".encode()
    batch = import_commit(batch=preview(content, source="health_deaths"), actor=None, scope=SCOPE)
    # then the elder is marked deceased, the listener ended the entitlement, and the March payment is listed
    elder.refresh_from_db()
    assert (elder.status, elder.deceased_on) == ("deceased", date(2025, 2, 20))
    assert [e.elder_id for e in benefits_stand_in] == [elder.pk]
    event = LifeEvent.objects.get(elder=elder)
    assert event.outcome["ended"] == ["高龄津贴 from 2025-02-20"]
    assert list(suspected_overpayments(scope=SCOPE)) == [event]
    assert event.overpayment_fen == 10000 and batch.counts["overpayment_fen"] == 10000
    # and the same death list again changes nothing
    again = import_commit(batch=preview(content, source="health_deaths"), actor=None, scope=SCOPE)
    assert again.counts["unchanged"] == 1 and len(benefits_stand_in) == 1


def test_a_different_death_date_goes_to_review(community: Division) -> None:
    elder = ElderFactory(residence_division=community)
    content = f"身份证号,姓名,死亡日期\n{elder.id_number},{elder.name},2025-02-20\n"
    import_commit(batch=preview(content.encode(), source="health_deaths"), actor=None, scope=SCOPE)
    changed = content.replace("2025-02-20", "2025-02-21").encode()
    batch = import_commit(batch=preview(changed, source="health_deaths"), actor=None, scope=SCOPE)
    assert batch.counts["review"] == 1
    assert LifeEvent.objects.get().occurred_on == date(2025, 2, 20)


def test_pension_suspensions_and_assistance_and_disability(community: Division) -> None:
    a, b = ElderFactory.create_batch(2, residence_division=community)
    pension = f"身份证号,姓名,停发原因,停发日期\n{a.id_number},x,迁出,2025-01-05\n".encode()
    import_commit(batch=preview(pension, source="pension"), actor=None, scope=SCOPE)
    assistance = (
        f"身份证号,姓名,救助类别,起始日期,终止日期\n{b.id_number},x,低保,2024-01-01,2099-12-31\n".encode()
    )
    import_commit(batch=preview(assistance, source="assistance"), actor=None, scope=SCOPE)
    disability = f"身份证号,姓名,残疾类别,残疾等级\n{a.id_number},x,肢体,一级\n".encode()
    import_commit(batch=preview(disability, source="disability"), actor=None, scope=SCOPE)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "moved_out"
    assert (b.economic_status, b.economic_source, b.economic_valid_to) == (
        "dibao",
        "assistance",
        date(2099, 12, 31),
    )
    assert b.special_difficulty_reasons == ["economic:dibao"]


def test_rows_for_unknown_elders_are_counted_not_errors(community: Division) -> None:
    number = make_resident_id("440703", date(1940, 1, 1), 1)
    batch = preview(f"身份证号,姓名,死亡日期\n{number},x,2025-01-01\n".encode(), source="health_deaths")
    assert batch.counts["not_registered"] == 1 and batch.errors == []


def test_a_missing_column_is_reported_on_line_1(community: Division) -> None:
    batch = preview("姓名,身份证号\n张三,1\n".encode())
    assert {"line": 1, "column": "居住社区代码", "reason": "required column is missing"} in batch.errors


def test_xlsx_files_are_read_too(community: Division) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号", "居住社区代码"])
    sheet.append(["王五", make_resident_id("440703", date(1941, 3, 3), 7), int(community.code)])
    buffer = BytesIO()
    workbook.save(buffer)
    batch = import_commit(batch=preview(buffer.getvalue(), name="f.xlsx"), actor=None, scope=SCOPE)
    assert batch.counts["created"] == 1 and Elder.objects.get().name == "王五"


def test_the_report_lists_the_errors(community: Division) -> None:
    batch = preview(roster(community, 5, bad=(2,)))
    report = import_report_csv(batch=batch)
    assert "line,column,reason" in report and "\n4,身份证号," in report.replace("\r\n", "\n")


def test_the_api_imports_and_commits_in_one_call(client: Client, community: Division) -> None:
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    upload = SimpleUploadedFile("f.csv", roster(community, 4), content_type="text/csv")
    response = client.post("/api/v1/imports", {"source": "hukou", "file": upload, "commit": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "committed" and body["counts"]["created"] == 4
    assert client.get(f"/api/v1/imports/{body['id']}").json()["id"] == body["id"]


def test_the_pages_preview_commit_and_download(client: Client, community: Division) -> None:
    client.force_login(UserFactory(role=Role.CITY_ADMIN))
    upload = SimpleUploadedFile("f.csv", roster(community, 3, bad=(1,)), content_type="text/csv")
    response = client.post("/elders/imports/", {"source": "hukou", "file": upload})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert len(detail.context["errors"]) == 1
    batch = detail.context["batch"]
    client.post(f"/elders/imports/{batch.pk}/commit/", {"partial": "1"})
    assert Elder.objects.count() == 2
    report = client.get(f"/elders/imports/{batch.pk}/report.csv")
    assert report["Content-Type"].startswith("text/csv")


def test_imported_identifiers_are_encrypted_at_rest(community: Division) -> None:
    from django.db import connection

    import_commit(batch=preview(roster(community, 2)), actor=None, scope=SCOPE)
    elder = Elder.objects.order_by("id").first()
    assert elder is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, address FROM registry_elder WHERE id = %s", [elder.pk])
        stored = cursor.fetchone()
    assert elder.id_number not in stored[0] and elder.phone not in stored[1] and "某街" not in stored[2]
    assert elder.name_initials == "lr0" and elder.created_at is not None
