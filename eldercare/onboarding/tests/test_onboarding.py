"""Onboarding a city's existing data through the XLSX templates."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from eldercare.accounts.roles import Role
from eldercare.assessment.models import Assessment
from eldercare.assessment.services import instruments_load
from eldercare.core.ids import make_resident_id
from eldercare.core.models import AuditEntry, Organisation
from eldercare.core.scope import DataScope
from eldercare.core.services import profile_load
from eldercare.core.tests.factories import CITY, UserFactory, division, first_child
from eldercare.demo.services import build_demo_city
from eldercare.emergency.models import Device
from eldercare.facilities.models import Bed, Facility
from eldercare.homecare.models import Canteen, Provider
from eldercare.onboarding.kinds import KINDS, SHIPPED_INSTRUMENTS
from eldercare.onboarding.models import OnboardingBatch
from eldercare.onboarding.selectors import checklist
from eldercare.onboarding.services import onboarding_commit, onboarding_preview, onboarding_report_csv
from eldercare.onboarding.tests.factories import data_rows, filled, with_cells
from eldercare.onboarding.workbooks import NOTES_SHEET, VALUES_SHEET, template_workbook
from eldercare.registry.models import Elder
from eldercare.timebank.models import Volunteer
from eldercare.timebank.services.ledger import volunteer_account
from eldercare.workforce.models import Worker

pytestmark = pytest.mark.django_db

ORDER = [
    "organisations",
    "institutions",
    "beds",
    "providers",
    "canteens",
    "workers",
    "devices",
    "assessments",
    "volunteers",
]
MODELS = {
    "assessments": Assessment,
    "organisations": Organisation,
    "institutions": Facility,
    "beds": Bed,
    "providers": Provider,
    "canteens": Canteen,
    "workers": Worker,
    "devices": Device,
    "volunteers": Volunteer,
}


@pytest.fixture
def admin() -> Any:
    profile_load(code="jiangmen")
    return UserFactory(role=Role.CITY_ADMIN, division=division(CITY))


def scope() -> DataScope:
    return DataScope(division_codes=(CITY,))


def upload(
    kind: str, content: bytes, actor: Any, commit: bool = True, file_name: str = "file.xlsx"
) -> OnboardingBatch:
    batch = onboarding_preview(kind=kind, file_name=file_name, content=content, actor=actor, scope=scope())
    return onboarding_commit(batch=batch, actor=actor, scope=scope()) if commit else batch


def community() -> str:
    return first_child(first_child("440703").code).code


def institution_row(name: str = "颐康养老院", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "division": community(),
        "kind": "养老机构",
        "ownership": "公办",
        "capacity": 50,
    } | extra


# ---------------------------------------------------------------- the templates


def test_each_template_has_chinese_headers_a_notes_sheet_and_allowed_values_as_validation() -> None:
    for kind in KINDS.values():
        book = load_workbook(io.BytesIO(template_workbook(kind)))
        data = book.worksheets[0]
        assert [c.value for c in data[1]] == [c.header for c in kind.columns]
        assert all(not str(c.header).isascii() for c in kind.columns)
        notes = [r[0] for r in book[NOTES_SHEET].iter_rows(min_row=6, values_only=True)]
        assert len(notes) == len(kind.columns)
        choice_columns = [c for c in kind.columns if c.kind in ("choice", "bool")]
        assert len(data.data_validations.dataValidation) == len(choice_columns)
        if choice_columns:
            assert book[VALUES_SHEET]["A1"].value == choice_columns[0].header


def test_the_institution_template_lists_the_ownership_terms_the_city_uses() -> None:
    book = load_workbook(io.BytesIO(template_workbook(KINDS["institutions"])))
    values = {c.value for row in book[VALUES_SHEET].iter_rows() for c in row}
    assert {"公办", "公建民营", "民办", "养老机构", "居家养老服务站/网点"} <= values


# ---------------------------------------------------------------- preview, commit, re-run


def test_a_preview_reports_every_bad_row_by_line_and_writes_nothing(admin: Any) -> None:
    content = filled(
        "institutions",
        [
            institution_row("甲院"),
            institution_row("乙院", kind="养猪场"),
            institution_row("丙院", division="999999999999"),
            institution_row("甲院"),
            institution_row("", capacity="很多"),
        ],
    )
    batch = upload("institutions", content, admin, commit=False)
    assert batch.status == "previewed"
    assert batch.counts["created"] == 1
    by_line = {(e["line"], e["column"]) for e in batch.errors}
    assert by_line == {(3, "机构类型"), (4, "所在区划代码"), (5, "机构名称"), (6, "机构名称")}
    assert not Facility.objects.exists()


def test_a_commit_with_one_bad_row_writes_nothing_and_keeps_the_report(admin: Any) -> None:
    content = filled("institutions", [institution_row("甲院"), institution_row("乙院", ownership="外星")])
    batch = upload("institutions", content, admin)
    assert batch.status == "rejected"
    assert not Facility.objects.exists()
    report = onboarding_report_csv(batch=batch)
    assert "3,举办性质" in report


def test_a_clean_file_creates_through_the_services_and_a_rerun_only_matches(admin: Any) -> None:
    content = filled(
        "institutions", [institution_row("甲院"), institution_row("乙院", kind="居家养老服务站/网点")]
    )
    first = upload("institutions", content, admin)
    assert first.status == "committed"
    assert (first.counts["created"], first.counts["matched"]) == (2, 0)
    assert AuditEntry.objects.filter(action="facilities.facility_registered").count() == 2
    again = upload("institutions", content, admin)
    assert (again.counts["created"], again.counts["matched"]) == (0, 2)
    assert Facility.objects.count() == 2


def test_a_service_refusal_becomes_the_row_error(admin: Any) -> None:
    # volunteers must live in a community; a street code is refused by the time-bank service
    street = first_child("440703").code
    row = {"name": "王强", "id_number": make_resident_id("440703", date(1980, 1, 1), 11), "division": street}
    batch = upload("volunteers", filled("volunteers", [row]), admin, commit=False)
    assert [(e["line"], e["reason"]) for e in batch.errors] == [(2, "A volunteer belongs to a community.")]


def test_a_missing_required_column_is_reported_on_the_header_line(admin: Any) -> None:
    content = b"\xe6\x9c\xba\xe6\x9e\x84\xe5\x90\x8d\xe7\xa7\xb0\n\xe7\x94\xb2\n"  # "机构名称\n甲\n" as CSV
    batch = upload("institutions", content, admin, commit=False, file_name="x.csv")
    assert {e["column"] for e in batch.errors if e["line"] == 1} == {"所在区划代码", "机构类型", "举办性质"}


def test_volunteer_time_balances_are_deposited_once(admin: Any) -> None:
    row = {
        "name": "王强",
        "id_number": make_resident_id("440703", date(1980, 1, 1), 11),
        "division": community(),
        "balance_minutes": 600,
    }
    content = filled("volunteers", [row])
    upload("volunteers", content, admin)
    upload("volunteers", content, admin)
    volunteer = Volunteer.objects.get()
    assert volunteer_account(volunteer).balance_minutes == 600


def test_a_device_row_registers_its_elder_when_the_elder_is_not_yet_in_the_registry(admin: Any) -> None:
    row = {
        "serial": "PAT-1",
        "kind": "一键呼叫器",
        "elder_id_number": make_resident_id("440703", date(1945, 1, 1), 22),
        "elder_name": "李秀英",
        "elder_division": community(),
    }
    batch = upload("devices", filled("devices", [row]), admin)
    assert batch.status == "committed", batch.errors
    assert Device.objects.get().elder == Elder.objects.get()


# ---------------------------------------------------------------- the city's sample data set


class _DiscardError(Exception):
    pass


def export_demo_city() -> tuple[dict[str, bytes], list[dict[str, str]]]:
    """The demo city exported to the templates, then rolled back: the installation is empty again.

    Also the assessed elders (name, ID number, community): the elder registry is loaded by the department
    imports, not by a template, and the assessment rows need their elders registered first."""
    files: dict[str, bytes] = {}
    elders: list[dict[str, str]] = []
    try:
        with transaction.atomic():
            build_demo_city(city_key="jiangmen", scale=0.001, seed=9, today=timezone.localdate())
            for key in ORDER:
                kind = KINDS[key]
                files[key] = template_workbook(kind, list(kind.export(DataScope.everything())))
            for elder in Elder.objects.filter(assessments__isnull=False).distinct().order_by("pk"):
                division_code = elder.residence_division_id
                elders.append({"name": elder.name, "id_number": elder.id_number, "division": division_code})
            raise _DiscardError
    except _DiscardError:
        pass
    cache.clear()
    return files, elders


def register_elders(elders: list[dict[str, str]], admin: Any) -> None:
    """What the department imports do before the assessments are loaded (devices registered some)."""
    from eldercare.core.models import Division
    from eldercare.registry.services import elder_create, id_number_hash

    for e in elders:
        if not Elder.objects.filter(id_number_hash=id_number_hash(e["id_number"])).exists():
            elder_create(
                name=e["name"],
                id_number=e["id_number"],
                residence_division=Division.objects.get(code=e["division"]),
                actor=admin,
                scope=scope(),
            )


def test_the_demo_city_onboards_into_an_empty_installation_with_errors_reported_row_by_row() -> None:
    files, assessed_elders = export_demo_city()
    admin = UserFactory(role=Role.CITY_ADMIN, division=division(CITY))
    profile_load(code="jiangmen")
    assert not Facility.objects.exists() and not Elder.objects.exists()
    assert not Assessment.objects.exists()
    instruments_load()  # a deployment step (docs/deployment.md), not onboarding data
    sizes = {key: len(data_rows(content)) for key, content in files.items()}
    assert all(
        sizes[k] > 0 for k in ("institutions", "beds", "workers", "devices", "assessments", "volunteers")
    ), sizes
    level_column = [c.header for c in KINDS["assessments"].columns].index("能力等级")
    level_on_line_3 = int(data_rows(files["assessments"])[1][level_column])
    broken = {
        "assessments": with_cells(
            files["assessments"],
            {(2, "评估日期"): "2999-01-01", (3, "能力等级"): str((level_on_line_3 + 1) % 5)},
        ),
        "institutions": with_cells(files["institutions"], {(3, "举办性质"): "外星"}),
        "workers": with_cells(files["workers"], {(2, "身份证号"): "440703199001010000"}),
        "beds": with_cells(files["beds"], {(4, "房间号"): ""}),
        "devices": with_cells(files["devices"], {(2, "终端类型"): "收音机"}),
    }
    expected = {
        "institutions": {(3, "举办性质")},
        "workers": {(2, "身份证号")},
        "beds": {(4, "房间号")},
        "devices": {(2, "终端类型")},
        "assessments": {(2, "评估日期"), (3, "能力等级")},
    }
    for key in ORDER:
        if not sizes[key]:
            continue
        if key == "assessments":
            register_elders(assessed_elders, admin)
        if key in broken:
            rejected = upload(key, broken[key], admin)
            assert rejected.status == "rejected"
            assert {(e["line"], e["column"]) for e in rejected.errors} == expected[key], rejected.errors[:5]
        batch = upload(key, files[key], admin)
        assert batch.status == "committed", (key, batch.errors[:5])
        assert batch.counts["created"] == sizes[key], key
        assert MODELS[key].objects.count() >= sizes[key]
    for key in ORDER:
        again = upload(key, files[key], admin)
        assert (again.counts["created"], again.counts["matched"]) == (0, sizes[key]), key
    assert all(item.done for item in checklist(scope=scope()) if sizes.get(item.key))
    # the demo results come with every item score: re-scored on the way in, and each elder has a level
    assert not Assessment.objects.filter(rescored=False).exists()
    assert Assessment.objects.filter(status="published").count() == len(assessed_elders)


# ---------------------------------------------------------------- pages


@pytest.fixture
def admin_client(admin: Any, client: Client) -> Client:
    from eldercare.core.tests.factories import sign_in_verified

    sign_in_verified(client, admin)
    return client


def test_the_checklist_shows_what_is_loaded_and_what_is_missing(
    admin_client: Client, admin: Any, django_assert_max_num_queries: Any
) -> None:
    upload("institutions", filled("institutions", [institution_row("甲院")]), admin)
    with django_assert_max_num_queries(30):
        response = admin_client.get(reverse("onboarding:checklist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-kind="institutions"' in html
    items = {i.key: i for i in checklist(scope=scope())}
    assert items["institutions"].done and not items["beds"].done
    assert items["beds"].waiting_for == ()
    assert items["workers"].waiting_for == ()  # the institution's operator is an organisation


def test_upload_preview_and_commit_through_the_pages(admin_client: Client) -> None:
    template = admin_client.get(reverse("onboarding:template", kwargs={"kind": "institutions"}))
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    content = filled("institutions", [institution_row("甲院")])
    upload_file = io.BytesIO(content)
    upload_file.name = "institutions.xlsx"
    response = admin_client.post(
        reverse("onboarding:checklist"), {"kind": "institutions", "file": upload_file}
    )
    assert response.status_code == 302
    batch = OnboardingBatch.objects.get()
    assert not Facility.objects.exists()
    admin_client.post(reverse("onboarding:batch_commit", kwargs={"batch_id": batch.pk}))
    assert Facility.objects.get().name == "甲院"
    page = admin_client.get(reverse("onboarding:batch_detail", kwargs={"batch_id": batch.pk}))
    assert "committed" in page.content.decode() or "已提交" in page.content.decode()


def test_an_unknown_template_is_not_found(admin_client: Client) -> None:
    assert admin_client.get(reverse("onboarding:template", kwargs={"kind": "nope"})).status_code == 404


# ---------------------------------------------------------------- subsidy recipients


def test_entitlements_are_taken_over_for_registered_elders_and_unknown_ones_are_reported(admin: Any) -> None:
    from eldercare.benefits.models import Entitlement
    from eldercare.benefits.selectors import programmes_on
    from eldercare.core.tests.factories import ElderFactory

    programme = next(iter(programmes_on().programmes.values()))
    elder = ElderFactory(birth_date=date(1935, 3, 1))
    rows = [
        {
            "id_number": elder.id_number,
            "programme": programme.name,
            "start_on": "2024-01-01",
            "monthly_amount": "100.50",
        },
        {
            "id_number": make_resident_id("440703", date(1940, 1, 1), 3),
            "programme": programme.code,
            "start_on": "2024-01-01",
        },
        {"id_number": elder.id_number, "programme": "不存在的补贴", "start_on": "2024-01-01"},
    ]
    broken = upload("entitlements", filled("entitlements", rows), admin, commit=False)
    assert [(e["line"], e["column"]) for e in broken.errors] == [(3, "身份证号"), (4, "补贴项目")]
    content = filled("entitlements", rows[:1])
    assert upload("entitlements", content, admin).counts["created"] == 1
    assert upload("entitlements", content, admin).counts["matched"] == 1
    entitlement = Entitlement.objects.get()
    assert (entitlement.source, entitlement.monthly_amount_fen, entitlement.status) == (
        "migrated",
        10050,
        "active",
    )


# ---------------------------------------------------------------- past assessments


def assessment_row(elder: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id_number": elder.id_number,
        "name": elder.name,
        "instrument": "GB/T 42195-2022",
        "assessed_on": "2024-05-20",
        "level": "2",
    } | extra


def test_the_assessment_template_has_result_and_item_columns_and_lists_instruments_and_levels(
    admin_client: Client,
) -> None:
    response = admin_client.get(reverse("onboarding:template", kwargs={"kind": "assessments"}))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers[:9] == [
        "身份证号",
        "老人姓名",
        "评估量表",
        "评估日期",
        "能力等级",
        "总分",
        "有效期至",
        "评估员",
        "评估机构",
    ]
    # one optional score column per item code of both instruments
    assert {"进食（eating）", "穿/脱上衣（dressing_upper）", "认知功能（cognition）"} <= set(headers)
    codes = {item.code for inst in SHIPPED_INSTRUMENTS for item in inst.items}
    assert len(codes) == 32 and len(headers) == 9 + len(codes)
    notes = {r[0]: r for r in book[NOTES_SHEET].iter_rows(min_row=6, values_only=True)}
    assert "2 中度失能" in notes["*能力等级"][2] and "4 完全失能" in notes["*能力等级"][2]
    assert "MZ/T 039-2013 第1项，得分 0/5/10" in notes["进食（eating）"][2]
    values = {c.value for row in book[VALUES_SHEET].iter_rows() for c in row}
    assert {"GB/T 42195-2022", "MZ/T 039-2013"} <= values


def test_past_assessments_are_taken_over_and_each_bad_row_is_reported_with_line_and_reason(
    admin: Any,
) -> None:
    from eldercare.assessment.tests.factories import answers, load_instruments
    from eldercare.core.tests.factories import ElderFactory

    load_instruments()
    elder, other = ElderFactory(), ElderFactory()
    scores = answers(50)  # level 2 of GB/T 42195-2022
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    good = [
        assessment_row(elder, total=50, assessors="王芳、陈明", organisation="市评估中心", **scores),
        assessment_row(other, instrument="MZ/T 039-2013", level="重度失能", assessed_on="2023-01-10"),
    ]
    bad = [
        assessment_row(elder, id_number=make_resident_id("440703", date(1940, 1, 1), 3)),
        assessment_row(elder, instrument="Barthel", assessed_on="2024-01-01"),
        assessment_row(elder, level="很好", assessed_on="2024-02-01"),
        assessment_row(elder, level="1", assessed_on="2024-03-01", **scores),
        assessment_row(elder, assessed_on=future),
        assessment_row(other, instrument="MZ/T 039-2013", level="4", assessed_on="2023-02-01"),
        assessment_row(elder, assessed_on="2024-04-01", eating=9),
    ]
    batch = upload("assessments", filled("assessments", good + bad), admin)
    # then every bad row is named by line and column, with its reason, and nothing is written
    assert batch.status == "rejected"
    reasons = {(e["line"], e["column"]): e["reason"] for e in batch.errors}
    assert set(reasons) == {
        (4, "身份证号"),
        (5, "评估量表"),
        (6, "能力等级"),
        (7, "能力等级"),
        (8, "评估日期"),
        (9, "能力等级"),
        (10, "进食（eating）"),
    }
    assert "not registered" in reasons[(4, "身份证号")]
    assert "Barthel" in reasons[(5, "评估量表")]
    assert "很好" in reasons[(6, "能力等级")]
    assert "disagrees with level 2" in reasons[(7, "能力等级")]
    assert "future" in reasons[(8, "评估日期")]
    assert "3 重度失能" in reasons[(9, "能力等级")] and "4" not in reasons[(9, "能力等级")].split(";")[1]
    assert "0, 1, 2, 3, 4" in reasons[(10, "进食（eating）")]
    assert not Assessment.objects.exists()
    # when the good rows are loaded, they are created, and a re-run creates nothing
    content = filled("assessments", good)
    first = upload("assessments", content, admin)
    assert first.status == "committed" and first.counts["created"] == 2, first.errors
    again = upload("assessments", content, admin)
    assert (again.counts["created"], again.counts["matched"]) == (0, 2)
    rescored = dict(Assessment.objects.values_list("elder_id", "rescored"))
    assert rescored == {elder.pk: True, other.pk: False}
    migrated = Assessment.objects.get(elder=elder)
    assert (migrated.source, migrated.level, migrated.legacy_organisation) == ("migrated", 2, "市评估中心")
    assert AuditEntry.objects.filter(action="assessment.migrated").count() == 2
    items = {i.key: i for i in checklist(scope=scope())}
    assert items["assessments"].loaded == 2 and items["assessments"].waiting_for == ()


def test_a_past_assessment_newer_than_the_current_result_becomes_current_and_an_older_one_is_history(
    admin: Any,
) -> None:
    from eldercare.assessment.selectors import current_level
    from eldercare.assessment.tests.factories import quick_published
    from eldercare.core.tests.factories import ElderFactory

    # given an elder with a platform result of today, and one known to the previous system only
    assessed, other = ElderFactory(), ElderFactory()
    platform = quick_published(assessed)
    rows = [
        assessment_row(assessed, assessed_on="2023-06-01", level="1"),
        assessment_row(other, assessed_on="2024-06-01", level="能力重度受损（重度失能）"),
        assessment_row(other, assessed_on="2023-06-01", level="1"),
    ]
    # when their past results are loaded (the newer row of the second elder comes first)
    batch = upload("assessments", filled("assessments", rows), admin)
    assert batch.status == "committed", batch.errors
    # then the platform result stays current and the older migrated one is history
    assert current_level(assessed).assessment_id == platform.pk  # type: ignore[union-attr]
    history = Assessment.objects.get(elder=assessed, source="migrated")
    assert history.status == "superseded" and history.superseded_by_id == platform.pk
    # and the second elder's newest result is current, the older one superseded by it
    level = current_level(other)
    assert level is not None and (level.level, level.assessed_on) == (3, date(2024, 6, 1))
    older = Assessment.objects.get(elder=other, assessed_on=date(2023, 6, 1))
    assert older.status == "superseded" and older.superseded_by_id == level.assessment_id
