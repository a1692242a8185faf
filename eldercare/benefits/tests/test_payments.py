"""Payment files: the bank batch read back with csv and openpyxl, the return file, carry-over of failures."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from eldercare.benefits import payment_format as fmt
from eldercare.benefits.choices import LineKind, LineStatus
from eldercare.benefits.models import PaymentLine, Settlement
from eldercare.benefits.rules import Month
from eldercare.benefits.services import (
    bank_reference,
    payments_export,
    payments_import_return,
    settle_month,
    settlement_lock,
)
from eldercare.benefits.tests.factories import bank_account, entitle, load_city, make_elder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _city() -> None:
    load_city()


def test_the_format_round_trips_through_csv_and_xlsx_with_a_checksum() -> None:
    rows = [
        {
            "seq": 1,
            "reference": "2025030000000001",
            "holder_name": "张三",
            "account_number": "6222000011112222333",
            "bank_name": "工行",
            "amount_yuan": "30.00",
            "memo": "m",
        },
        {
            "seq": 2,
            "reference": "2025030000000002",
            "holder_name": "李四",
            "account_number": "0012",
            "bank_name": "农行",
            "amount_yuan": "100.50",
            "memo": "m",
        },
    ]
    for read in (
        fmt.read_csv(fmt.BANK_BATCH, fmt.to_csv(fmt.BANK_BATCH, rows)),
        fmt.read_xlsx(fmt.BANK_BATCH, fmt.to_xlsx(fmt.BANK_BATCH, rows)),
    ):
        assert read.verify(fmt.BANK_BATCH)
        assert read.footer[:3] == ["TOTAL", "2", "130.50"]
        assert read.records(fmt.BANK_BATCH)[1]["account_number"] == "0012"  # leading zeros kept
    tampered = fmt.read_csv(fmt.BANK_BATCH, fmt.to_csv(fmt.BANK_BATCH, rows).replace(b"100.50", b"900.50"))
    assert not tampered.verify(fmt.BANK_BATCH)


def test_export_import_return_and_carry_a_failed_payment_into_next_month() -> None:
    # given two allowance recipients with accounts and one without, settled and locked for March
    paid_elder, failing_elder, no_account_elder = (make_elder(birth_date=date(1940, 5, 1)) for _ in range(3))
    for e in (paid_elder, failing_elder, no_account_elder):
        entitle(e)
    bank_account(paid_elder)
    bank_account(failing_elder, "6222000099998888777")
    settle_month(period=Month(2025, 3), actor="test")
    settlement = Settlement.objects.get()
    settlement_lock(settlement=settlement, actor="test")
    # when the payments are exported
    batch = payments_export(settlement=settlement, actor="test")
    # then the CSV and the XLSX, read back with csv and openpyxl, hold two rows and a correct checksum line
    rows = list(csv.reader(io.StringIO(bytes(batch.csv_content).decode("utf-8-sig"))))
    assert rows[0] == fmt.BANK_BATCH.headers
    assert len(rows) == 4 and rows[-1][:3] == ["TOTAL", "2", "60.00"]
    sheet = load_workbook(io.BytesIO(bytes(batch.xlsx_content))).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[-1][3] == fmt.checksum([[str(c) for c in r] for r in values[1:-1]])
    assert PaymentLine.objects.get(elder=no_account_elder).status == LineStatus.NO_ACCOUNT
    # when the bank returns one paid and one failed
    answer = fmt.to_csv(
        fmt.BANK_RETURN,
        [
            {"reference": bank_reference(settlement, paid_elder.pk), "result": "成功", "message": ""},
            {
                "reference": bank_reference(settlement, failing_elder.pk),
                "result": "失败",
                "message": "账户冻结",
            },
        ],
    )
    report = payments_import_return(batch=batch, content=answer, file_name="return.csv", actor="test")
    # then the lines are marked, and April's settlement carries the failed and unpaid lines
    assert (report.paid, report.failed, report.unknown) == (1, 1, [])
    assert PaymentLine.objects.get(elder=failing_elder).status == LineStatus.FAILED
    april = settle_month(period=Month(2025, 4), actor="test")
    assert april.carried == 2
    carried = PaymentLine.objects.filter(settlement__period=date(2025, 4, 1), kind=LineKind.CARRY)
    assert sorted(carried.values_list("elder_id", "for_period", "amount_fen")) == sorted(
        [(failing_elder.pk, date(2025, 3, 1), 3000), (no_account_elder.pk, date(2025, 3, 1), 3000)]
    )
    assert (
        PaymentLine.objects.get(
            elder=failing_elder, kind=LineKind.REGULAR, for_period=date(2025, 3, 1)
        ).status
        == LineStatus.CARRIED
    )
    # and a second run of April carries nothing twice
    assert settle_month(period=Month(2025, 4), actor="test").carried == 0
