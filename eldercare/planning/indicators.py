"""What plan monitoring itself contributes: beds of the plan's key projects once they open.

A project's beds count from the first progress update that says it opened (stage `opened`), with the
beds in use of the latest update on or before the month's last day; they are counted in the project's
division (a district, or the city for city-wide programmes). Once the facilities module lands, an opened
project is also registered there as a facility and its beds enter WH10 through the facility register;
this key count stays a separate line so that the plan's projects can be followed on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from eldercare.planning.choices import ProjectStage
from eldercare.planning.models import ProjectUpdate
from eldercare.planning.registry import key_counts

LABELS = {"projects.opened": "已开放的重点项目", "projects.beds_in_use": "重点项目在用床位"}


@key_counts("planning.projects", labels=LABELS, units={"projects.opened": "个", "projects.beds_in_use": "张"})
def project_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    latest: dict[int, ProjectUpdate] = {}
    updates = ProjectUpdate.objects.filter(
        project__division__code__startswith=division_code, reported_on__lte=end
    ).order_by("project_id", "-reported_on", "-id")
    for update in updates.select_related("project"):
        latest.setdefault(update.project_id, update)
    out: dict[str, dict[str, float]] = {key: {} for key in LABELS}
    for update in latest.values():
        if update.stage != ProjectStage.OPENED:
            continue
        code = update.project.division_id
        out["projects.opened"][code] = out["projects.opened"].get(code, 0) + 1
        out["projects.beds_in_use"][code] = out["projects.beds_in_use"].get(code, 0) + update.beds_in_use
    return out
