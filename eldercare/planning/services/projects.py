"""Writes of key projects (重点项目) and funding indicators (资金指标)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division
from eldercare.core.selectors import current_profile_code, policy_value
from eldercare.planning import definitions
from eldercare.planning.choices import ProjectStage
from eldercare.planning.models import FundingEntry, Project, ProjectUpdate

STAGE_ORDER = [ProjectStage.PLANNED, ProjectStage.DESIGN, ProjectStage.CONSTRUCTION, ProjectStage.OPENED]


@transaction.atomic
def projects_seed(*, profile_code: str | None = None) -> int:
    """Create the plan's projects from the shipped table (idempotent; progress already entered is kept)."""
    profile_code = profile_code or current_profile_code()
    source, rows = definitions.project_table(profile_code)
    created = 0
    for row in rows:
        if not Division.objects.filter(code=row["division"]).exists():
            continue
        fields = {
            "kind": row["kind"],
            "name": row["name"],
            "content": row.get("content", ""),
            "floor_area_m2": row.get("floor_area_m2"),
            "planned_beds": row.get("planned_beds"),
            "planned_units": row.get("planned_units"),
            "owner": row.get("owner", ""),
            "site": row.get("site", ""),
            "division_id": row["division"],
            "start_year": row.get("start_year"),
            "end_year": row.get("end_year"),
            "source": (source + ("；" + row["note"] if row.get("note") else ""))[:300],
        }
        _project, was_created = Project.objects.update_or_create(
            profile_code=profile_code, seq=row["seq"], defaults=fields
        )
        created += int(was_created)
    return created


@transaction.atomic
def project_update_add(
    *,
    project: Project,
    reported_on: date,
    stage: str,
    actor: Any,
    beds_in_use: int = 0,
    units_done: int = 0,
    note: str = "",
) -> ProjectUpdate:
    """Record progress. A project's beds count as opened beds from the update that says it opened."""
    if stage not in ProjectStage.values:
        raise DomainError("project_stage", "Unknown stage.", status=422)
    if reported_on > timezone.localdate():
        raise DomainError("period_future", "Progress cannot be reported for a future date.", status=422)
    if beds_in_use and stage != ProjectStage.OPENED:
        raise DomainError(
            "beds_before_opening", "Beds are in use only once the project has opened.", status=422
        )
    if project.planned_units and units_done > project.planned_units * 3:
        raise DomainError(
            "units_implausible", "More sites than the plan names (×3); check the figure.", status=422
        )
    project = Project.objects.select_for_update().get(pk=project.pk)
    update = ProjectUpdate.objects.create(
        project=project,
        reported_on=reported_on,
        stage=stage,
        beds_in_use=beds_in_use,
        units_done=units_done,
        note=note,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    latest = project.updates.order_by("-reported_on", "-id").first()
    before = {"stage": project.stage, "beds_in_use": project.beds_in_use, "units_done": project.units_done}
    if latest is not None:
        project.stage = latest.stage
        project.beds_in_use = latest.beds_in_use
        project.units_done = latest.units_done
        if latest.stage == ProjectStage.OPENED and project.opened_on is None:
            project.opened_on = (
                project.updates.filter(stage=ProjectStage.OPENED)
                .order_by("reported_on")
                .values_list("reported_on", flat=True)[0]
            )
        project.save()
    audit_record(
        actor=actor,
        action="planning.project_update",
        target=project,
        changes={k: [v, getattr(project, k)] for k, v in before.items()},
    )
    return update


@transaction.atomic
def funding_entry_create(
    *,
    division: Division,
    year: int,
    lottery_fund_fen: int,
    elderly_care_fen: int,
    evidence: str,
    actor: Any,
    evidence_file_name: str = "",
    evidence_file: bytes | None = None,
) -> FundingEntry:
    """Enter one year's welfare-lottery fund use; the share is checked against `plan.funding`."""
    if not evidence.strip():
        raise DomainError("evidence_required", "Say where the figures come from (evidence).", status=422)
    if lottery_fund_fen <= 0 or elderly_care_fen < 0:
        raise DomainError("funding_amounts", "Amounts must be positive.", status=422)
    if elderly_care_fen > lottery_fund_fen:
        raise DomainError(
            "funding_share_over_100",
            "Spending on elderly care cannot exceed the funds available.",
            status=422,
        )
    if year > timezone.localdate().year:
        raise DomainError("period_future", "A year in the future cannot be reported.", status=422)
    policy = policy_value("plan.funding", on=date(year, 12, 31), default=[])
    entry = FundingEntry.objects.create(
        division=division,
        year=year,
        lottery_fund_fen=lottery_fund_fen,
        elderly_care_fen=elderly_care_fen,
        evidence=evidence.strip(),
        evidence_file_name=evidence_file_name[:200],
        evidence_file=evidence_file,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        policy_version_id=policy.version_id,
    )
    audit_record(
        actor=actor,
        action="planning.funding_entry",
        target=entry,
        changes={"year": year, "lottery_fund_fen": lottery_fund_fen, "elderly_care_fen": elderly_care_fen},
    )
    return entry
