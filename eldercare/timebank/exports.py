"""The auditors' export (审计导出): accounts, transactions, postings and the invariant, as XLSX.

Names are masked; postings carry account ids so auditors can re-add every balance from the postings.
Exporting is an audited action.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from eldercare.core.audit import audit_record
from eldercare.core.scope import DataScope
from eldercare.timebank.models import Account, Posting, Transaction
from eldercare.timebank.selectors import ledger_invariant


def ledger_workbook(*, scope: DataScope, actor: Any) -> bytes:
    accounts = Account.objects.for_scope(scope).order_by("id")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("accounts")
    sheet.append(["account_id", "kind", "name", "division", "balance_minutes", "balance_hours", "active"])
    for a in accounts.values_list(
        "id", "kind", "name", "division_id", "balance_minutes", "is_active"
    ).iterator():
        sheet.append([a[0], a[1], a[2], a[3], a[4], round(a[4] / 60, 2), a[5]])
    sheet = workbook.create_sheet("transactions")
    sheet.append(
        ["transaction_id", "time", "kind", "memo", "actor", "proxy_for_elder", "reversal_of", "division"]
    )
    txns = (
        Transaction.objects.for_scope(scope)
        .order_by("id")
        .values_list(
            "id",
            "created_at",
            "kind",
            "memo",
            "actor__username",
            "proxy_for_id",
            "reversal_of_id",
            "division_id",
        )
    )
    for t in txns.iterator():
        sheet.append([t[0], t[1].replace(tzinfo=None).isoformat(sep=" "), *t[2:]])
    sheet = workbook.create_sheet("postings")
    sheet.append(["posting_id", "transaction_id", "account_id", "amount_minutes"])
    postings = Posting.objects.filter(account__in=accounts).order_by("id")
    for p in postings.values_list("id", "transaction_id", "account_id", "amount_minutes").iterator():
        sheet.append(list(p))
    report = ledger_invariant()
    sheet = workbook.create_sheet("invariant")
    sheet.append(["check", "value"])
    sheet.append(["checked_at", report.checked_at.replace(tzinfo=None).isoformat(sep=" ")])
    sheet.append(["ok", report.ok])
    sheet.append(["unbalanced_transactions", len(report.unbalanced_transactions)])
    sheet.append(["stale_balances", len(report.stale_balances)])
    sheet.append(["negative_accounts", len(report.negative_accounts)])
    sheet.append(["postings_total", report.postings_total])
    sheet.append(["units_in_circulation_minutes", report.balances_in_circulation])
    sheet.append(["deposits_minutes", report.deposits])
    sheet.append(["spends_minutes", report.spends])
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(actor=actor, action="timebank.exported", changes={"accounts": accounts.count()})
    return buffer.getvalue()
