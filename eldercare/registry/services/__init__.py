"""Writes of the elder registry, one module per use-case family, re-exported here."""

from eldercare.registry.services.duplicates import (
    duplicate_dismiss,
    duplicates_detect,
    duplicates_scan,
    elders_merge,
)
from eldercare.registry.services.elders import (
    PersonalData,
    actor_label,
    consent_record,
    contact_add,
    contact_remove,
    elder_build,
    elder_create,
    elder_groups_set,
    elder_reveal_personal,
    elder_update,
    elders_bulk_insert,
    id_number_hash,
    phone_hash,
    refresh_special_difficulty,
    special_difficulty_policy,
)
from eldercare.registry.services.imports import import_commit, import_file, import_preview, import_report_csv
from eldercare.registry.services.life_events import EventInput, life_event_record, life_events_record
from eldercare.registry.services.review import review_resolve

__all__ = [
    "EventInput",
    "PersonalData",
    "actor_label",
    "consent_record",
    "contact_add",
    "contact_remove",
    "duplicate_dismiss",
    "duplicates_detect",
    "duplicates_scan",
    "elder_build",
    "elder_create",
    "elder_groups_set",
    "elder_reveal_personal",
    "elder_update",
    "elders_bulk_insert",
    "elders_merge",
    "id_number_hash",
    "import_commit",
    "import_file",
    "import_preview",
    "import_report_csv",
    "life_event_record",
    "life_events_record",
    "phone_hash",
    "refresh_special_difficulty",
    "review_resolve",
    "special_difficulty_policy",
]
