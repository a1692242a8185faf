"""Writes of plan monitoring, one module per use case group; re-exported here."""

from eldercare.planning.services.indicators import (
    indicators_sync,
    is_computed,
    manual_entry_create,
    refresh,
)
from eldercare.planning.services.projects import funding_entry_create, project_update_add, projects_seed

__all__ = [
    "funding_entry_create",
    "indicators_sync",
    "is_computed",
    "manual_entry_create",
    "project_update_add",
    "projects_seed",
    "refresh",
]
