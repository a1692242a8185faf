"""Inspections: ad hoc creation, recording answers and findings, photos (checked), rectification orders,
re-inspection closing them, and escalation of overdue rectifications."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.models import Organisation
from eldercare.supervision import rules, selectors
from eldercare.supervision.choices import InspectionStatus, RectificationStatus, Severity
from eldercare.supervision.models import Finding, Inspection, Rectification
from eldercare.supervision.policy_keys import supervision_policy

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


@transaction.atomic
def inspection_create(
    *,
    organisation: Organisation,
    checklist_code: str,
    inspectors: list[Any],
    scheduled_on: date,
    actor: Any,
    reinspection_of: Rectification | None = None,
) -> Inspection:
    """An inspection outside a campaign (专项/日常检查) or a re-inspection of a rectification order."""
    if organisation.kind not in selectors.SUPERVISED_KINDS:
        raise DomainError(
            "supervision_not_supervised", "Only institutions and providers are inspected.", status=422
        )
    if not inspectors:
        raise DomainError("supervision_inspectors_required", "Name at least one inspector.", status=422)
    inspection = Inspection.objects.create(
        organisation=organisation,
        checklist=selectors.checklist_current(checklist_code),
        scheduled_on=scheduled_on,
        reinspection_of=reinspection_of,
    )
    inspection.inspectors.set(inspectors)
    audit_record(
        actor=actor,
        action="supervision.inspection_planned",
        target=inspection,
        changes={
            "checklist": checklist_code,
            "reinspection_of": reinspection_of.pk if reinspection_of else None,
        },
    )
    return inspection


def _is_assigned(inspection: Inspection, actor: Any) -> bool:
    if getattr(actor, "is_superuser", False) or actor is None:
        return True
    return inspection.inspectors.filter(pk=actor.pk).exists()


@transaction.atomic
def inspection_record(
    *,
    inspection: Inspection,
    answers: dict[str, str],
    actor: Any,
    conducted_on: date | None = None,
    summary: str = "",
    findings: list[dict[str, str]] | None = None,
) -> Inspection:
    """Record the checklist answers (meets / does not meet / n.a. per item) and the findings.

    Each failed item gets a finding (severity given, else critical for a critical item and minor
    otherwise). With findings, a rectification order is issued with the deadline the policy gives the
    most severe one. A passed re-inspection closes the order it re-inspected. Only an assigned
    inspector records."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status == InspectionStatus.DONE:
        raise ConflictError("supervision_inspection_done", "This inspection has already been recorded.")
    if not _is_assigned(inspection, actor):
        raise DomainError(
            "supervision_not_assigned", "Only an assigned inspector records this inspection.", status=403
        )
    conducted_on = conducted_on or timezone.localdate()
    items = inspection.checklist.items
    codes = {item["code"] for item in items}
    unknown = set(answers) - codes
    if unknown:
        raise DomainError(
            "supervision_unknown_items", "Answers name unknown checklist items.", sorted(unknown), status=422
        )
    outcome = rules.score_checklist(
        items=[rules.ChecklistItem(code=i["code"], critical=bool(i.get("critical"))) for i in items],
        answers=answers,
        pass_share=inspection.checklist.pass_share,
    )
    if outcome.unanswered:
        raise DomainError(
            "supervision_unanswered",
            "Every checklist item needs an answer.",
            list(outcome.unanswered),
            status=422,
        )
    given = {f["item_code"]: f for f in findings or []}
    texts = {i["code"]: i["text"] for i in items}
    critical_items = {i["code"] for i in items if i.get("critical")}
    created: list[Finding] = []
    for code in outcome.failed:
        given_finding = given.get(code, {})
        severity = given_finding.get("severity") or (
            Severity.CRITICAL if code in critical_items else Severity.MINOR
        )
        if severity not in Severity.values:
            raise DomainError("supervision_severity", "Unknown severity.", status=422)
        created.append(
            Finding.objects.create(
                inspection=inspection,
                item_code=code,
                description=(given_finding.get("description") or texts[code])[:2000],
                severity=severity,
            )
        )
    inspection.answers = answers
    inspection.score = outcome.score
    inspection.passed = outcome.passed
    inspection.conducted_on = conducted_on
    inspection.summary = summary.strip()
    inspection.status = InspectionStatus.DONE
    inspection.save()
    rectification = None
    if created:
        policy = supervision_policy("supervision.rectification_days", on=conducted_on).value
        days = rules.rectification_days((f.severity for f in created), policy["days_by_severity"]) or 30
        rectification = Rectification.objects.create(
            inspection=inspection,
            organisation_id=inspection.organisation_id,
            required_actions="\n".join(f"{f.item_code}: {f.description}" for f in created),
            deadline=conducted_on + timedelta(days=days),
        )
        Finding.objects.filter(pk__in=[f.pk for f in created]).update(rectification=rectification)
    if inspection.reinspection_of_id and outcome.passed:
        rectification_close(rectification=inspection.reinspection_of, closed_on=conducted_on, actor=actor)  # type: ignore[arg-type]
    audit_record(
        actor=actor,
        action="supervision.inspection_recorded",
        target=inspection,
        changes={
            "passed": outcome.passed,
            "score": outcome.score,
            "findings": len(created),
            "rectification": rectification.pk if rectification else None,
        },
    )
    return inspection


def check_photo(upload: UploadedFile) -> str:
    """The file's extension if it is a JPEG or PNG of at most 5 MB, by its first bytes (not its name)."""
    if upload.size is None or upload.size > PHOTO_MAX_BYTES:
        raise DomainError("supervision_photo_too_large", "Photos may be at most 5 MB.", status=422)
    head = upload.read(8)
    upload.seek(0)
    for signature, suffix in PHOTO_SIGNATURES.items():
        if head.startswith(signature):
            return suffix
    raise DomainError("supervision_photo_type", "Photos must be JPEG or PNG images.", status=422)


@transaction.atomic
def finding_photo_attach(*, finding: Finding, upload: UploadedFile, actor: Any) -> Finding:
    suffix = check_photo(upload)
    if finding.photo:
        finding.photo.delete(save=False)
    finding.photo.save(f"photo.{suffix}", upload, save=True)
    audit_record(
        actor=actor,
        action="supervision.photo_attached",
        target=finding.inspection,
        changes={"finding": finding.pk},
    )
    return finding


@transaction.atomic
def rectification_close(*, rectification: Rectification, closed_on: date, actor: Any) -> Rectification:
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rectification.status == RectificationStatus.CLOSED:
        return rectification
    rectification.status = RectificationStatus.CLOSED
    rectification.closed_on = closed_on
    rectification.save(update_fields=["status", "closed_on", "updated_at"])
    audit_record(actor=actor, action="supervision.rectification_closed", target=rectification)
    return rectification


@transaction.atomic
def reinspection_plan(
    *, rectification: Rectification, inspectors: list[Any], scheduled_on: date, actor: Any
) -> Inspection:
    """Plan the re-inspection (复查) of a rectification order with the same checklist."""
    if rectification.status != RectificationStatus.OPEN:
        raise ConflictError("supervision_rectification_closed", "This rectification order is closed.")
    return inspection_create(
        organisation=rectification.organisation,
        checklist_code=rectification.inspection.checklist.code,
        inspectors=inspectors,
        scheduled_on=scheduled_on,
        actor=actor,
        reinspection_of=rectification,
    )


def rectifications_escalate_overdue(*, today: date | None = None) -> int:
    """Escalate open orders past their deadline, once each (idempotent per order). Returns the count."""
    today = today or timezone.localdate()
    escalated = 0
    ids = list(
        Rectification.objects.filter(
            status=RectificationStatus.OPEN, deadline__lt=today, escalation_level=0
        ).values_list("id", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            rectification = Rectification.objects.select_for_update().get(pk=pk)
            if rectification.escalation_level > 0 or rectification.status != RectificationStatus.OPEN:
                continue
            rectification.escalation_level = 1
            rectification.escalated_at = timezone.now()
            rectification.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
            audit_record(
                actor="system",
                action="supervision.rectification_escalated",
                target=rectification,
                changes={"deadline": rectification.deadline.isoformat()},
            )
            escalated += 1
    return escalated
