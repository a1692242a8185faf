"""Writes of the facilities module, one module per use-case family, re-exported here."""

from eldercare.facilities.services.beds import (
    BedSpec,
    bed_set_state,
    beds_add,
    monthly_report_submit,
    resident_admit,
    resident_discharge,
)
from eldercare.facilities.services.rating import (
    rating_publish,
    rating_review,
    rating_self_assess,
    rating_sheets_load,
)
from eldercare.facilities.services.registry import (
    facility_register,
    facility_update_listing,
    filing_add_document,
    filing_create,
    filing_decide,
    filing_submit,
    licence_add,
)
from eldercare.facilities.services.safety import incident_record, risk_assessment_record
from eldercare.facilities.services.waitlist import (
    application_create,
    application_reprioritise,
    application_withdraw,
    elder_facts,
    offer_next,
    offer_respond,
    offers_expire,
    offers_for_free_beds,
    waitlist_policy,
)

__all__ = [
    "BedSpec",
    "application_create",
    "application_reprioritise",
    "application_withdraw",
    "bed_set_state",
    "beds_add",
    "elder_facts",
    "facility_register",
    "facility_update_listing",
    "filing_add_document",
    "filing_create",
    "filing_decide",
    "filing_submit",
    "incident_record",
    "licence_add",
    "monthly_report_submit",
    "offer_next",
    "offer_respond",
    "offers_expire",
    "offers_for_free_beds",
    "rating_publish",
    "rating_review",
    "rating_self_assess",
    "rating_sheets_load",
    "resident_admit",
    "resident_discharge",
    "risk_assessment_record",
    "waitlist_policy",
]
