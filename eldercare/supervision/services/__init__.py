"""Writes of supervision, one module per use-case group; re-exported here."""

from eldercare.supervision.services.campaigns import (
    campaign_create,
    campaign_draw,
    campaign_publish,
    conflict_declare,
)
from eldercare.supervision.services.checklists import checklists_sync
from eldercare.supervision.services.complaints import (
    complaint_acknowledge,
    complaint_answer,
    complaint_follow_up,
    complaint_submit,
    complaints_escalate_overdue,
)
from eldercare.supervision.services.inspections import (
    check_photo,
    finding_photo_attach,
    inspection_create,
    inspection_record,
    rectification_close,
    rectifications_escalate_overdue,
    reinspection_plan,
)

__all__ = [
    "campaign_create",
    "campaign_draw",
    "campaign_publish",
    "check_photo",
    "checklists_sync",
    "complaint_acknowledge",
    "complaint_answer",
    "complaint_follow_up",
    "complaint_submit",
    "complaints_escalate_overdue",
    "conflict_declare",
    "finding_photo_attach",
    "inspection_create",
    "inspection_record",
    "rectification_close",
    "rectifications_escalate_overdue",
    "reinspection_plan",
]
