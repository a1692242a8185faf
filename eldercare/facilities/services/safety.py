"""Safety (GB 38600-2019): the admission risk assessment for the nine risks and incident records.

An incident about an elder is also a care-risk event (照护风险事件, GB/T 42195-2022 A.2.14): the
emergency app records it, and the assessment module reads it for its 30-day count and is asked to
reassess. Records are kept at least `facilities.settings.record_retention_years` (5) after the
contract ends; the purge itself belongs to the retention task (issue 17).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.emergency.care_risk import care_risk_event_record
from eldercare.facilities import rules
from eldercare.facilities.choices import IncidentKind, Severity
from eldercare.facilities.models import Facility, Incident, RiskAssessment
from eldercare.registry.models import Elder
from eldercare.registry.services import actor_label


@transaction.atomic
def risk_assessment_record(
    *,
    facility: Facility,
    elder: Elder,
    levels: dict[str, str],
    measures: dict[str, str],
    actor: Any,
    assessed_on: date | None = None,
    informed_party: str = "",
) -> RiskAssessment:
    """入住前服务安全风险评估: every risk gets a level; a risk above 'none' needs its measures."""
    problems = rules.risk_assessment_problems(levels, measures)
    if problems:
        raise DomainError(
            "risk_assessment_incomplete", "The risk assessment is incomplete.", problems, status=422
        )
    row = RiskAssessment.objects.create(
        facility=facility,
        elder=elder,
        assessed_on=assessed_on or timezone.localdate(),
        levels={k: levels[k] for k in rules.NINE_RISKS},
        measures={k: v.strip() for k, v in measures.items() if k in rules.NINE_RISKS and v.strip()},
        assessed_by=actor_label(actor),
        informed_party=informed_party,
    )
    audit_record(
        actor=actor,
        action="facilities.risk_assessed",
        target=row,
        changes={"elder": elder.pk, "at_risk": sorted(k for k, v in levels.items() if v != "none")},
    )
    return row


@transaction.atomic
def incident_record(
    *,
    facility: Facility,
    kind: str,
    occurred_at: datetime,
    actor: Any,
    elder: Elder | None = None,
    severity: str = Severity.MINOR,
    description: str = "",
    action_taken: str = "",
) -> Incident:
    """安全事件: stored with the facility; with an elder also a care-risk event and a reassessment request."""
    if kind not in IncidentKind.values:
        raise DomainError("incident_kind_invalid", f"Unknown incident kind {kind!r}.", status=422)
    if severity not in Severity.values:
        raise DomainError("severity_invalid", f"Unknown severity {severity!r}.", status=422)
    if occurred_at > timezone.now():
        raise DomainError("incident_future", "The incident lies in the future.", status=422)
    risk_event = None
    if elder is not None:
        risk_event = care_risk_event_record(
            elder_id=elder.pk,
            kind=rules.care_risk_kind(kind),
            occurred_on=timezone.localdate(occurred_at),
            division_code=elder.residence_division_id,
        )
    incident = Incident.objects.create(
        facility=facility,
        elder=elder,
        kind=kind,
        severity=severity,
        occurred_at=occurred_at,
        description=description,
        action_taken=action_taken,
        reported_by=actor_label(actor),
        care_risk_event=risk_event,
    )
    audit_record(
        actor=actor,
        action="facilities.incident_recorded",
        target=incident,
        changes={
            "kind": kind,
            "severity": severity,
            "elder": elder.pk if elder else None,
            "care_risk_event": risk_event.pk if risk_event else None,
        },
    )
    if elder is not None:
        from eldercare.assessment.tasks import request_reassessment

        elder_id = elder.pk
        transaction.on_commit(
            lambda: request_reassessment.enqueue(
                elder_id=elder_id, trigger="institution_incident", note=f"{kind} in facility {facility.pk}"
            )
        )
    return incident
