"""Writes of benefits, one module per use case; re-exported here."""

from eldercare.benefits.services.entitlements import (
    EndRequest,
    entitlement_end,
    entitlement_migrate,
    entitlement_recheck,
    entitlements_end,
    entitlements_end_for_admission,
    grant_automatic,
)
from eldercare.benefits.services.settlement import (
    SettlementReport,
    presettlement_checks,
    settle_month,
    settlement_lock,
    suspension_decide,
    suspensions_decide_all,
)

__all__ = [
    "EndRequest",
    "SettlementReport",
    "entitlement_end",
    "entitlement_migrate",
    "entitlement_recheck",
    "entitlements_end",
    "entitlements_end_for_admission",
    "grant_automatic",
    "presettlement_checks",
    "settle_month",
    "settlement_lock",
    "suspension_decide",
    "suspensions_decide_all",
]

from eldercare.benefits.services.payments import (
    bank_reference,
    payments_export,
    payments_import_return,
)

__all__ += ["bank_reference", "payments_export", "payments_import_return"]

from eldercare.benefits.services.applications import (  # noqa: E402
    application_decide,
    application_submit,
    application_withdraw,
    can_review,
    document_add,
    notices_finish,
    objection_raise,
    objection_resolve,
    preview,
)

__all__ += [
    "application_decide",
    "application_submit",
    "application_withdraw",
    "can_review",
    "document_add",
    "notices_finish",
    "objection_raise",
    "objection_resolve",
    "preview",
]
