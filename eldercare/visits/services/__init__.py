"""Writes of the visits module, one module per use-case family, re-exported here."""

from eldercare.visits.services.plans import PlanReport, assign_tasks, event_visit_task, plan_month
from eldercare.visits.services.rates import month_counts, rates_refresh
from eldercare.visits.services.records import (
    PhotoUpload,
    VisitConflictError,
    VisitInput,
    conflict_resolve,
    follow_up_update,
    notifications_mark_read,
    parse_values,
    record_values,
    visit_submit,
    visit_update,
)
from eldercare.visits.services.targets import (
    Departure,
    SyncReport,
    targets_leave,
    targets_sync,
    tier_override,
    visitor_save,
)

__all__ = [
    "Departure",
    "PhotoUpload",
    "PlanReport",
    "SyncReport",
    "VisitConflictError",
    "VisitInput",
    "assign_tasks",
    "conflict_resolve",
    "event_visit_task",
    "follow_up_update",
    "month_counts",
    "notifications_mark_read",
    "parse_values",
    "plan_month",
    "rates_refresh",
    "record_values",
    "targets_leave",
    "targets_sync",
    "tier_override",
    "visit_submit",
    "visit_update",
    "visitor_save",
]
