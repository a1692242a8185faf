"""Payment export (银行批量代发) and the bank's return file."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import CharField, Sum, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from eldercare.benefits import payment_format as fmt
from eldercare.benefits import rules
from eldercare.benefits.choices import LineStatus, SettlementStatus
from eldercare.benefits.models import BankAccount, PaymentBatch, PaymentLine, Settlement
from eldercare.benefits.selectors import programmes_on
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.uploads import check_table_upload

CHUNK = 5000


def _set_status(ids: list[int], **fields: Any) -> None:
    for start in range(0, len(ids), CHUNK):
        PaymentLine.objects.filter(pk__in=ids[start : start + CHUNK]).update(**fields)


def bank_reference(settlement: Settlement, elder_id: int) -> str:
    return f"{settlement.period:%Y%m}{elder_id:010d}"


@transaction.atomic
def payments_export(*, settlement: Settlement, actor: Any) -> PaymentBatch:
    """Write the bank batch of a locked settlement: one row per payee with the net of their cash lines.

    Vouchers, meal credits and service subsidies are marked issued; a payee without an account keeps the
    lines as "no account" (carried into next month); a negative net is a recovery to collect (追回), and
    the payee's positive lines are offset against it. Exporting reveals account numbers: audited.
    """
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.status != SettlementStatus.LOCKED:
        raise DomainError(
            "settlement_not_locked", "Review and lock the settlement before export.", status=409
        )
    lines = PaymentLine.objects.filter(settlement=settlement, status=LineStatus.PENDING)
    issued = list(lines.exclude(payment_form="cash").values_list("id", flat=True))
    _set_status(issued, status=LineStatus.ISSUED)
    per_line = list(lines.filter(payment_form="cash").values_list("id", "elder_id", "amount_fen"))
    nets = rules.net_by_payee([(elder, amount) for _id, elder, amount in per_line])
    ids_by_elder: dict[int, list[int]] = defaultdict(list)
    for line_id, elder_id, _amount in per_line:
        ids_by_elder[elder_id].append(line_id)
    accounts = {
        a.elder_id: a for a in BankAccount.objects.filter(elder_id__in=[e for e, n in nets.items() if n > 0])
    }
    rows: list[dict[str, object]] = []
    no_account: list[int] = []
    recovery: list[int] = []
    offset: list[int] = []
    period = rules.Month.of(settlement.period)
    memo = f"{period} 养老补贴"
    for elder_id in sorted(nets):
        net = nets[elder_id]
        if net < 0:
            recovery.extend(ids_by_elder[elder_id])
        elif net == 0:
            offset.extend(ids_by_elder[elder_id])
        elif elder_id not in accounts:
            no_account.extend(ids_by_elder[elder_id])
        else:
            account = accounts[elder_id]
            reference = bank_reference(settlement, elder_id)
            rows.append(
                {
                    "seq": len(rows) + 1,
                    "reference": reference,
                    "holder_name": account.holder_name,
                    "account_number": account.account_number,
                    "bank_name": account.bank_name,
                    "amount_yuan": fmt.yuan_text(net),
                    "memo": memo,
                }
            )
    _set_status(no_account, status=LineStatus.NO_ACCOUNT)
    _set_status(recovery, status=LineStatus.RECOVERY_DUE)
    _set_status(offset, status=LineStatus.OFFSET)
    exported_elders = [int(str(r["reference"])[6:]) for r in rows]
    reference_expr = Concat(
        Value(settlement.period.strftime("%Y%m")),
        LPad(Cast("elder_id", output_field=CharField()), 10, Value("0")),
        output_field=CharField(),
    )
    for start in range(0, len(exported_elders), CHUNK):
        lines.filter(payment_form="cash", elder_id__in=exported_elders[start : start + CHUNK]).update(
            status=LineStatus.EXPORTED, bank_reference=reference_expr
        )
    cells = fmt.data_rows(fmt.BANK_BATCH, rows)
    batch = PaymentBatch.objects.create(
        settlement=settlement,
        rows=len(rows),
        total_fen=sum(fmt.fen_from_text(str(r["amount_yuan"])) for r in rows),
        checksum=fmt.checksum(cells),
        csv_content=fmt.to_csv(fmt.BANK_BATCH, rows),
        xlsx_content=fmt.to_xlsx(fmt.BANK_BATCH, rows),
        created_by=getattr(actor, "username", str(actor))[:150],
    )
    settlement.status = SettlementStatus.EXPORTED
    settlement.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="benefits.payments_exported",
        target=batch,
        changes={
            "period": str(period),
            "rows": batch.rows,
            "total_fen": batch.total_fen,
            "no_account": len(no_account),
            "recovery_due": len(recovery),
            "issued": len(issued),
        },
    )
    return batch


@dataclass(frozen=True, slots=True)
class ReturnReport:
    paid: int
    failed: int
    unknown: list[str]


@transaction.atomic
def payments_import_return(
    *, batch: PaymentBatch, content: bytes, file_name: str, actor: Any
) -> ReturnReport:
    """Mark the exported lines of each payee paid or failed from the bank's return file (CSV or XLSX with
    columns 业务编号, 结果, 说明). Failed lines are carried into the next month's settlement."""
    check_table_upload(content, file_name)
    read = fmt.read_any(fmt.BANK_RETURN, content, file_name)
    if read.headers[: len(fmt.BANK_RETURN.columns)] != fmt.BANK_RETURN.headers:
        raise DomainError(
            "return_file_invalid",
            "The return file must start with the columns " + ", ".join(fmt.BANK_RETURN.headers) + ".",
            status=422,
        )
    settlement = batch.settlement
    prefix = settlement.period.strftime("%Y%m")
    paid: list[int] = []
    failed: list[int] = []
    unknown: list[str] = []
    for record in read.records(fmt.BANK_RETURN):
        reference = record["reference"].strip()
        result = record["result"].strip().lower()
        if not (reference.startswith(prefix) and reference[6:].isdigit()) or result not in (
            fmt.PAID_WORDS | fmt.FAILED_WORDS
        ):
            unknown.append(reference)
            continue
        (paid if result in fmt.PAID_WORDS else failed).append(int(reference[6:]))
    exported = PaymentLine.objects.filter(settlement=settlement, status=LineStatus.EXPORTED)
    n_paid = n_failed = 0
    for start in range(0, max(len(paid), len(failed)), CHUNK):
        for ids, status in ((paid, LineStatus.PAID), (failed, LineStatus.FAILED)):
            refs = [bank_reference(settlement, e) for e in ids[start : start + CHUNK]]
            done = exported.filter(bank_reference__in=refs).update(status=status)
            if status == LineStatus.PAID:
                n_paid += done
            else:
                n_failed += done
    batch.returned_at = timezone.now()
    batch.return_counts = {"paid": n_paid, "failed": n_failed, "unknown": len(unknown)}
    batch.save(update_fields=["returned_at", "return_counts"])
    if not PaymentLine.objects.filter(settlement=settlement, status=LineStatus.EXPORTED).exists():
        settlement.status = SettlementStatus.CLOSED
        settlement.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="benefits.bank_return_imported", target=batch, changes=batch.return_counts
    )
    return ReturnReport(paid=n_paid, failed=n_failed, unknown=unknown)


def programme_totals(settlement: Settlement) -> dict[str, int]:
    names = {p.code: p.name for p in programmes_on(settlement.period).programmes.values()}
    return {
        names.get(r["programme_code"], r["programme_code"]): r["total"] or 0
        for r in PaymentLine.objects.filter(settlement=settlement)
        .values("programme_code")
        .annotate(total=Sum("amount_fen"))
    }
