"""Writes of the ability assessment: one function per use case, atomic, audited.

Workflow: request → schedule (two certified assessors, each declaring no relation to the elder) → start a
draft → save answers as they go → submit (scored and frozen) → review by a supervisor who was not on the
team → publish (the previous result is superseded, never edited). Appeals and quality-control rechecks are
requests too, and must be done by a team that shares no assessor with the one whose result they re-do.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eldercare.accounts.models import User
from eldercare.assessment import instruments, rules
from eldercare.assessment.choices import (
    AssessmentReason,
    AssessmentSource,
    AssessmentStatus,
    Purpose,
    Relation,
    ReminderKind,
    Requester,
    RequestStatus,
    Trigger,
)
from eldercare.assessment.conflicts import relation_conflict
from eldercare.assessment.models import (
    CURRENT_PURPOSES,
    Assessment,
    AssessmentReminder,
    AssessmentRequest,
    AssessorAssignment,
    AssessorCertification,
    Instrument,
)
from eldercare.assessment.selectors import (
    assessment_policies,
    assessor_is_certified,
    instrument_definition,
    instrument_row,
)
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.scope import DataScope
from eldercare.registry.models import Elder


# ---- instruments -------------------------------------------------------------------------------
@dataclass
class InstrumentLoadReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@transaction.atomic
def instruments_load(
    *, definitions: Sequence[dict[str, Any]] | None = None, actor: Any = None
) -> InstrumentLoadReport:
    """Store the shipped instrument definitions (idempotent).

    A version already stored with the same content is left alone; one stored with different content is
    refused: a changed definition must carry a new version number. The newest version of a code is current.
    """
    report = InstrumentLoadReport()
    for definition in definitions if definitions is not None else instruments.shipped_definitions():
        parsed = instruments.parse_instrument(definition)
        problems = instruments.check_definition(parsed)
        if problems:
            raise DomainError(
                "instrument_invalid", f"{parsed.code} v{parsed.version} is inconsistent.", problems
            )
        digest = instruments.checksum(definition)
        label = f"{parsed.code} v{parsed.version}"
        existing = Instrument.objects.filter(code=parsed.code, version=parsed.version).first()
        if existing is not None:
            if existing.checksum != digest:
                raise ConflictError(
                    "instrument_changed",
                    f"{label} is stored with different content; give the corrected file a new version.",
                )
            report.unchanged.append(label)
            continue
        newest = Instrument.objects.filter(code=parsed.code).order_by("-version").first()
        is_current = newest is None or newest.version < parsed.version
        if is_current:
            Instrument.objects.filter(code=parsed.code, is_current=True).update(is_current=False)
        row = Instrument.objects.create(
            code=parsed.code,
            version=parsed.version,
            title=parsed.title,
            definition=definition,
            checksum=digest,
            is_current=is_current,
        )
        audit_record(
            actor=actor, action="assessment.instrument_loaded", target=row, changes={"checksum": digest}
        )
        report.created.append(label)
    return report


# ---- certification (stand-in for the workforce registry) ---------------------------------------
@transaction.atomic
def certification_grant(
    *,
    user: User,
    certificate_no: str,
    valid_from: date,
    valid_to: date | None = None,
    issued_by: str = "",
    actor: Any,
) -> AssessorCertification:
    if user.role != "assessor":
        raise DomainError("not_an_assessor", f"{user} does not hold the assessor role.", status=422)
    if valid_to is not None and valid_to < valid_from:
        raise DomainError("certification_dates", "The certificate ends before it starts.", status=422)
    row = AssessorCertification.objects.create(
        user=user,
        certificate_no=certificate_no,
        valid_from=valid_from,
        valid_to=valid_to,
        issued_by=issued_by,
    )
    audit_record(
        actor=actor,
        action="assessment.certification_granted",
        target=row,
        changes={"certificate_no": certificate_no, "valid_from": str(valid_from), "valid_to": str(valid_to)},
        division_code=user.division_id or "",
    )
    return row


@transaction.atomic
def certification_revoke(
    *, certification: AssessorCertification, actor: Any, reason: str = ""
) -> AssessorCertification:
    if certification.revoked_at is None:
        certification.revoked_at = timezone.now()
        certification.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="assessment.certification_revoked",
            target=certification,
            changes={"reason": reason},
            division_code=certification.user.division_id or "",
        )
    return certification


# ---- requests ----------------------------------------------------------------------------------
def _open_request(elder: Elder, purpose: str) -> AssessmentRequest | None:
    return (
        AssessmentRequest.objects.select_for_update()
        .filter(elder=elder, purpose=purpose, status__in=[RequestStatus.OPEN, RequestStatus.SCHEDULED])
        .first()
    )


@transaction.atomic
def request_create(
    *,
    elder: Elder,
    reason: str,
    requester: str,
    actor: Any,
    note: str = "",
    trigger: str = Trigger.MANUAL,
    purpose: str = Purpose.STANDARD,
    related_assessment: Assessment | None = None,
) -> AssessmentRequest:
    """Open a request. Automatic triggers reuse an open request of the same purpose (idempotent)."""
    if reason not in AssessmentReason.values or requester not in Requester.values:
        raise DomainError("request_invalid", "Unknown reason or requester.", status=422)
    open_request = _open_request(elder, purpose)
    if open_request is not None:
        if trigger != Trigger.MANUAL:
            return open_request
        raise ConflictError(
            "request_open",
            "This elder already has an open assessment request.",
            {"request_id": open_request.pk},
        )
    row = AssessmentRequest.objects.create(
        elder=elder,
        purpose=purpose,
        reason=reason,
        requester=requester,
        trigger=trigger,
        note=note[:500],
        related_assessment=related_assessment,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="assessment.request_created",
        target=row,
        changes={"reason": reason, "requester": requester, "trigger": trigger, "purpose": purpose},
    )
    return row


@dataclass(frozen=True, slots=True)
class AssessorDeclaration:
    assessor: User
    relation: str = Relation.NONE


@transaction.atomic
def request_schedule(
    *, request: AssessmentRequest, visit_at: datetime, assessors: Sequence[AssessorDeclaration], actor: Any
) -> AssessmentRequest:
    """Send two certified assessors; each declares their relation to the elder and a relative is refused."""
    request = (
        AssessmentRequest.objects.select_for_update(of=("self",))
        .select_related("elder", "related_assessment")
        .get(pk=request.pk)
    )
    if not request.is_open:
        raise ConflictError("request_closed", "This request is closed.")
    if Assessment.objects.filter(request=request, status=AssessmentStatus.SUBMITTED).exists():
        raise ConflictError("request_in_review", "An assessment of this request is waiting for review.")
    ids = {d.assessor.pk for d in assessors}
    if len(assessors) != 2 or len(ids) != 2:
        raise DomainError("two_assessors", "An assessment needs two different assessors.", status=422)
    on = timezone.localtime(visit_at).date()
    problems = []
    for declaration in assessors:
        if not assessor_is_certified(declaration.assessor, on=on):
            problems.append({"assessor": declaration.assessor.pk, "problem": "not_certified"})
        conflict = relation_conflict(
            assessor=declaration.assessor, elder=request.elder, declared_relation=declaration.relation
        )
        if conflict:
            problems.append({"assessor": declaration.assessor.pk, "problem": "relative", "message": conflict})
    if request.related_assessment is not None and ids & request.related_assessment.team():
        problems.append(
            {"assessors": sorted(ids & request.related_assessment.team()), "problem": "same_team"}
        )
    if problems:
        raise DomainError(
            "assessors_refused", "These assessors may not assess this elder.", problems, status=422
        )
    request.assignments.all().delete()
    AssessorAssignment.objects.bulk_create(
        [
            AssessorAssignment(request=request, assessor=d.assessor, declared_relation=d.relation)
            for d in assessors
        ]
    )
    before = request.status
    request.visit_at = visit_at
    request.status = RequestStatus.SCHEDULED
    request.save(update_fields=["visit_at", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="assessment.request_scheduled",
        target=request,
        changes={
            "status": [before, request.status],
            "visit_at": visit_at.isoformat(),
            "assessors": [{"id": d.assessor.pk, "declared_relation": d.relation} for d in assessors],
        },
    )
    return request


@transaction.atomic
def request_cancel(*, request: AssessmentRequest, actor: Any, reason: str) -> AssessmentRequest:
    if not request.is_open:
        raise ConflictError("request_closed", "This request is closed.")
    if Assessment.objects.filter(request=request, status=AssessmentStatus.SUBMITTED).exists():
        raise ConflictError("request_in_review", "An assessment of this request is waiting for review.")
    Assessment.objects.filter(request=request, status=AssessmentStatus.DRAFT).delete()
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="assessment.request_cancelled", target=request, changes={"reason": reason}
    )
    return request


# ---- drafts, submission, review ----------------------------------------------------------------
def _require_team_member(assessment: Assessment, actor: Any) -> None:
    if getattr(actor, "pk", None) not in assessment.team():
        raise DomainError(
            "not_on_team", "Only the two assigned assessors may fill this assessment.", status=403
        )


def _require_draft(assessment: Assessment) -> None:
    if not assessment.is_editable:
        raise ConflictError(
            "assessment_frozen",
            "A submitted assessment cannot be edited; request a reassessment to supersede it.",
            {"status": assessment.status},
        )


@transaction.atomic
def assessment_start(
    *, request: AssessmentRequest, actor: Any, instrument_code: str | None = None, on: date | None = None
) -> Assessment:
    """The draft of a scheduled request (created on first call; the same draft afterwards)."""
    request = AssessmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.SCHEDULED:
        raise ConflictError("request_not_scheduled", "Schedule the visit and the assessors first.")
    team = list(request.assignments.order_by("id").values_list("assessor_id", flat=True))
    if getattr(actor, "pk", None) not in team:
        raise DomainError(
            "not_on_team", "Only the two assigned assessors may start this assessment.", status=403
        )
    existing = Assessment.objects.filter(
        request=request, status__in=[AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED]
    ).first()
    if existing is not None:
        return existing
    draft = Assessment.objects.create(
        elder_id=request.elder_id,
        request=request,
        instrument=instrument_row(instrument_code),
        purpose=request.purpose,
        assessor_1_id=team[0],
        assessor_2_id=team[1],
        assessed_on=on or timezone.localdate(),
    )
    audit_record(actor=actor, action="assessment.started", target=draft, changes={"request": request.pk})
    return draft


def _item_errors(problems: Sequence[rules.ItemProblem]) -> list[dict[str, Any]]:
    return [{"item": p.item, "problem": p.problem, "allowed": list(p.allowed)} for p in problems]


def _normalise_events(events: Mapping[str, Any], inst: rules.Instrument) -> dict[str, int]:
    known = {t.code for t in inst.adjustments.risk_event_types}
    bad = [
        k
        for k, v in events.items()
        if k not in known or isinstance(v, bool) or not isinstance(v, int) or v < 0
    ]
    if bad:
        raise DomainError(
            "risk_events_invalid",
            "Risk events must be counts (0–3, 3 meaning three or more) of known event types.",
            {"bad": sorted(bad), "types": sorted(known)},
            status=422,
        )
    return {k: min(3, v) for k, v in events.items() if v}


def _normalise_diagnoses(codes: Sequence[str]) -> list[str]:
    bad = [c for c in codes if rules.icd10_category(str(c)) is None]
    if bad:
        raise DomainError(
            "diagnoses_invalid", "Diagnoses must be ICD-10 codes such as F03 or F20.0.", bad, status=422
        )
    return sorted({str(c).strip().upper() for c in codes})


@transaction.atomic
def assessment_save(
    *,
    assessment: Assessment,
    actor: Any,
    answers: Mapping[str, Any] | None = None,
    coma: bool | None = None,
    diagnoses: Sequence[str] | None = None,
    psychiatrist_diagnosed: bool | None = None,
    risk_events: Mapping[str, Any] | None = None,
    assessed_on: date | None = None,
) -> Assessment:
    """Save part of a draft (the tablet saves after each screen); each bad item is named (422)."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",)).select_related("instrument").get(pk=assessment.pk)
    )
    _require_draft(assessment)
    _require_team_member(assessment, actor)
    inst = instrument_definition(assessment.instrument)
    changes: dict[str, Any] = {}
    if answers:
        problems = rules.check_answers(inst, answers, partial=True)
        if problems:
            raise DomainError(
                "items_invalid", "Some item scores are not valid.", _item_errors(problems), status=422
            )
        assessment.answers = {**assessment.answers, **answers}
        changes["answers"] = dict(answers)
    if coma is not None:
        assessment.coma = coma
        changes["coma"] = coma
    if diagnoses is not None:
        assessment.diagnoses = _normalise_diagnoses(diagnoses)
        changes["diagnoses"] = assessment.diagnoses
    if psychiatrist_diagnosed is not None:
        assessment.psychiatrist_diagnosed = psychiatrist_diagnosed
        changes["psychiatrist_diagnosed"] = psychiatrist_diagnosed
    if risk_events is not None:
        assessment.risk_events = _normalise_events(risk_events, inst)
        changes["risk_events"] = assessment.risk_events
    if assessed_on is not None:
        assessment.assessed_on = assessed_on
        changes["assessed_on"] = str(assessed_on)
    assessment.save()
    audit_record(actor=actor, action="assessment.draft_saved", target=assessment, changes=changes)
    return assessment


def facts_of(assessment: Assessment) -> rules.HealthFacts:
    return rules.HealthFacts(
        coma=assessment.coma,
        diagnoses=tuple(assessment.diagnoses),
        psychiatrist_diagnosed=assessment.psychiatrist_diagnosed,
        risk_events=dict(assessment.risk_events),
    )


def result_fields(result: rules.Result) -> dict[str, Any]:
    """A scoring result as the columns of an assessment row."""
    return {
        "total": result.total,
        "dimension_scores": {
            d.code: {"name": d.name, "score": d.score, "max": d.max_score, "grade": d.grade}
            for d in result.dimensions
        },
        "preliminary_level": result.preliminary_level,
        "level": result.level,
        "level_name": result.level_name,
        "adjustments": [
            {
                "rule": a.rule,
                "reason": a.reason,
                "from_level": a.from_level,
                "to_level": a.to_level,
                "applied": a.applied,
            }
            for a in result.adjustments
        ],
    }


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor: Any) -> Assessment:
    """Score the complete answers under the policy in force on the assessment date, and freeze the row."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",)).select_related("instrument").get(pk=assessment.pk)
    )
    _require_draft(assessment)
    _require_team_member(assessment, actor)
    on = assessment.assessed_on or timezone.localdate()
    policies = assessment_policies(on)
    try:
        result = rules.score(
            instrument_definition(assessment.instrument),
            assessment.answers,
            facts_of(assessment),
            policies.adjustments,
        )
    except rules.InvalidAnswersError as exc:
        raise DomainError(
            "items_invalid", "Some items are missing or not valid.", _item_errors(exc.problems), status=422
        ) from exc
    for name, value in result_fields(result).items():
        setattr(assessment, name, value)
    assessment.policy_versions = policies.version_ids
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save()
    audit_record(
        actor=actor,
        action="assessment.submitted",
        target=assessment,
        changes={"status": [AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED], "level": result.level},
    )
    return assessment


@transaction.atomic
def assessment_review(*, assessment: Assessment, actor: Any, approve: bool, note: str = "") -> Assessment:
    """A supervisor approves (publishes) or returns a submitted assessment; never one of the assessors."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("request", "request__related_assessment")
        .get(pk=assessment.pk)
    )
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ConflictError("not_submitted", "Only a submitted assessment can be reviewed.")
    if getattr(actor, "pk", None) in assessment.team():
        raise DomainError("reviewer_on_team", "An assessor cannot review their own assessment.", status=403)
    related = assessment.request.related_assessment if assessment.request else None
    if (
        assessment.purpose == Purpose.APPEAL
        and related is not None
        and related.reviewed_by_id == getattr(actor, "pk", None)
    ):
        raise DomainError(
            "reviewer_decided_before", "The appeal must be decided by a different reviewer.", status=403
        )
    if not approve and not note.strip():
        raise DomainError("note_required", "Say why the assessment is returned.", status=422)
    assessment.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    assessment.reviewed_at = timezone.now()
    assessment.review_note = note[:500]
    if approve:
        _publish(assessment, actor)
    else:
        assessment.status = AssessmentStatus.RETURNED
        assessment.save()
        audit_record(
            actor=actor,
            action="assessment.returned",
            target=assessment,
            changes={"status": [AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED], "note": note},
        )
    return assessment


def _publish(assessment: Assessment, actor: Any) -> None:
    now = timezone.now()
    assessed_on = assessment.assessed_on or timezone.localdate()
    request = assessment.request
    previous: Assessment | None = None
    if assessment.purpose in (Purpose.STANDARD, Purpose.APPEAL):
        validity = assessment_policies(assessed_on).validity
        assessment.valid_until = rules.add_months(assessed_on, validity.months) - timedelta(days=1)
        previous = (
            Assessment.objects.select_for_update()
            .filter(
                elder_id=assessment.elder_id,
                status=AssessmentStatus.PUBLISHED,
                purpose__in=[Purpose.STANDARD, Purpose.APPEAL],
            )
            .first()
        )
        if previous is not None:
            reason = f"{request.get_reason_display()}: {request.note}" if request else "reassessment"
            assessment.supersede_reason = reason[:500]
            _retire(previous)
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.published_at = now
    assessment.save()
    if previous is not None:
        _link_superseded(previous, by=assessment, actor=actor)
    if request is not None:
        request.status = RequestStatus.COMPLETED
        request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="assessment.published",
        target=assessment,
        changes={
            "status": [AssessmentStatus.SUBMITTED, AssessmentStatus.PUBLISHED],
            "level": assessment.level,
            "valid_until": str(assessment.valid_until),
        },
    )


def _retire(current: Assessment) -> None:
    """The elder's current result stops being current (before its successor is saved: one current each)."""
    current.status = AssessmentStatus.SUPERSEDED
    current.save(update_fields=["status", "updated_at"])
    AssessmentReminder.objects.filter(assessment=current, done_at__isnull=True).update(done_at=timezone.now())


def _link_superseded(previous: Assessment, *, by: Assessment, actor: Any) -> None:
    """Point the retired result at its successor, with the reason, in the history and the audit trail."""
    previous.superseded_by = by
    previous.save(update_fields=["superseded_by", "updated_at"])
    audit_record(
        actor=actor,
        action="assessment.superseded",
        target=previous,
        changes={
            "status": [AssessmentStatus.PUBLISHED, AssessmentStatus.SUPERSEDED],
            "by": by.pk,
            "reason": by.supersede_reason,
        },
    )


# ---- one-call recording (API clients that collect the form offline) ----------------------------
@transaction.atomic
def assessment_record(
    *,
    elder: Elder,
    assessors: Sequence[AssessorDeclaration],
    answers: Mapping[str, Any],
    actor: Any,
    instrument_code: str | None = None,
    assessed_on: date | None = None,
    coma: bool = False,
    diagnoses: Sequence[str] = (),
    psychiatrist_diagnosed: bool = False,
    risk_events: Mapping[str, Any] | None = None,
    reason: str = AssessmentReason.FIRST,
    requester: str = Requester.COMMUNITY_WORKER,
    submit: bool = True,
) -> Assessment:
    """Request, schedule, fill and (optionally) submit in one go: the path of a mobile assessment app.

    The caller must be one of the two assessors; the same checks as the step-by-step pages apply.
    """
    request = _open_request(elder, Purpose.STANDARD) or request_create(
        elder=elder, reason=reason, requester=requester, actor=actor
    )
    if request.status == RequestStatus.OPEN or set(
        request.assignments.values_list("assessor_id", flat=True)
    ) != {d.assessor.pk for d in assessors}:
        request = request_schedule(
            request=request,
            visit_at=timezone.now(),
            assessors=assessors,
            actor=actor,
        )
    draft = assessment_start(request=request, actor=actor, instrument_code=instrument_code, on=assessed_on)
    draft = assessment_save(
        assessment=draft,
        actor=actor,
        answers=answers,
        coma=coma,
        diagnoses=diagnoses,
        psychiatrist_diagnosed=psychiatrist_diagnosed,
        risk_events=risk_events or {},
        assessed_on=assessed_on,
    )
    return assessment_submit(assessment=draft, actor=actor) if submit else draft


# ---- results taken over from the city's previous assessment system (onboarding) -------------------


def _migrate_instrument(code: str) -> Instrument:
    row = Instrument.objects.filter(code=code.strip(), is_current=True).first()
    if row is None:
        known = sorted(set(Instrument.objects.values_list("code", flat=True)))
        raise DomainError(
            "instrument_unknown",
            f"Unknown instrument {code!r}; expected one of {', '.join(known)}.",
            {"field": "instrument", "known": known},
            status=422,
        )
    return row


def _migrated_result(
    inst: rules.Instrument,
    *,
    level: int,
    total: int | None,
    answers: Mapping[str, Any],
    policies: Any,
) -> tuple[dict[str, Any], bool]:
    """The result columns of a migrated row and whether they were re-derived from the item scores."""
    if level not in {lv.level for lv in inst.levels}:
        raise DomainError(
            "level_invalid",
            f"{inst.code} has levels 0–{inst.max_level}; {level} is not one of them.",
            {"field": "level"},
            status=422,
        )
    if not answers:
        if total is not None and not 0 <= total <= rules.max_total(inst):
            raise DomainError(
                "total_invalid",
                f"A total of {inst.code} lies between 0 and {rules.max_total(inst)}.",
                {"field": "total"},
                status=422,
            )
        return {
            "total": total,
            "dimension_scores": {},
            "preliminary_level": None,
            "level": level,
            "level_name": inst.level(level).name,
            "adjustments": [],
        }, False
    problems = rules.check_answers(inst, answers)
    if problems:
        missing = [p.item for p in problems if p.problem == "missing"]
        other = [p for p in problems if p.problem != "missing"]
        if other:
            first = other[0]
            text = (
                f"item {first.item!r} is not part of {inst.code}"
                if first.problem == "unknown_item"
                else f"score of item {first.item!r} must be one of {', '.join(map(str, first.allowed))}"
            )
        else:
            text = f"give the scores of all {len(inst.items)} items of {inst.code} or none; missing: " + (
                ", ".join(missing)
            )
        raise DomainError(
            "items_invalid",
            text[:1].upper() + text[1:] + ".",
            {"field": (other or problems)[0].item, "items": _item_errors(problems)},
            status=422,
        )
    result = rules.score(inst, answers, rules.HealthFacts(), policies.adjustments)
    if result.level != level:
        raise DomainError(
            "level_disagrees",
            f"The stated level {level} disagrees with level {result.level} ({result.level_name}) computed "
            f"from the item scores (total {result.total}).",
            {"field": "level", "computed": result.level, "total": result.total},
            status=422,
        )
    if total is not None and total != result.total:
        raise DomainError(
            "total_disagrees",
            f"The stated total {total} disagrees with the sum of the item scores ({result.total}).",
            {"field": "total", "computed": result.total},
            status=422,
        )
    return result_fields(result), True


@transaction.atomic
def assessment_migrate(
    *,
    elder: Elder,
    instrument_code: str,
    assessed_on: date,
    level: int,
    actor: Any,
    total: int | None = None,
    answers: Mapping[str, Any] | None = None,
    valid_until: date | None = None,
    assessor_names: str = "",
    organisation_name: str = "",
    today: date | None = None,
) -> Assessment:
    """Take over a published result of the city's previous assessment system (onboarding).

    With the scores of every item the result is re-scored (`rules.score`, no health facts travel with a
    migrated row) and a stated level or total that disagrees is refused; with the level only, the level is
    stored as given and `rescored` is False. No platform assessors took part: the old system's assessor
    names and organisation are kept as text. A result newer than the elder's current one becomes current
    (the old one is superseded, with the reason); an older one is stored as history (superseded by the next
    newer result). Validity defaults to the city's validity policy in force on the assessment date.
    """
    today = today or timezone.localdate()
    row = _migrate_instrument(instrument_code)
    inst = instrument_definition(row)
    if assessed_on > today:
        raise DomainError(
            "assessed_in_future",
            "The assessment date lies in the future.",
            {"field": "assessed_on"},
            status=422,
        )
    if valid_until is not None and valid_until < assessed_on:
        raise DomainError(
            "validity_invalid",
            "The result is valid until a day before it was assessed.",
            {"field": "valid_until"},
            status=422,
        )
    policies = assessment_policies(assessed_on)
    fields, rescored = _migrated_result(
        inst, level=level, total=total, answers=dict(answers or {}), policies=policies
    )
    if valid_until is None:
        valid_until = rules.add_months(assessed_on, policies.validity.months) - timedelta(days=1)
    history = Assessment.objects.select_for_update().filter(
        elder_id=elder.pk,
        status__in=[AssessmentStatus.PUBLISHED, AssessmentStatus.SUPERSEDED],
        purpose__in=list(CURRENT_PURPOSES),
    )
    if history.filter(instrument__code=row.code, assessed_on=assessed_on).exists():
        raise ConflictError(
            "assessment_exists",
            "This elder already has a result of this instrument on this day.",
            {"field": "assessed_on"},
        )
    current = history.filter(status=AssessmentStatus.PUBLISHED).first()
    becomes_current = current is None or (current.assessed_on or date.min) < assessed_on
    newer = None
    if not becomes_current:
        newer = history.filter(assessed_on__gt=assessed_on).order_by("assessed_on", "id").first() or current
    tz = timezone.get_current_timezone()
    migrated = Assessment(
        elder=elder,
        instrument=row,
        purpose=Purpose.STANDARD,
        status=AssessmentStatus.PUBLISHED if becomes_current else AssessmentStatus.SUPERSEDED,
        source=AssessmentSource.MIGRATED,
        rescored=rescored,
        answers=dict(answers or {}),
        assessed_on=assessed_on,
        published_at=datetime.combine(assessed_on, datetime.min.time().replace(hour=12), tzinfo=tz),
        valid_until=valid_until,
        superseded_by=newer,
        legacy_assessors=assessor_names.strip()[:200],
        legacy_organisation=organisation_name.strip()[:200],
        policy_versions=policies.version_ids,
        **fields,
    )
    if becomes_current and current is not None:
        migrated.supersede_reason = _(
            "Taken over from the previous assessment system; newer than the result of %(date)s"
        ) % {"date": current.assessed_on}
        _retire(current)
    migrated.save()
    if becomes_current and current is not None:
        _link_superseded(current, by=migrated, actor=actor)
    audit_record(
        actor=actor,
        action="assessment.migrated",
        target=migrated,
        changes={
            "instrument": row.code,
            "assessed_on": assessed_on.isoformat(),
            "level": level,
            "rescored": rescored,
            "current": becomes_current,
            "valid_until": valid_until.isoformat(),
        },
    )
    return migrated


# ---- appeals, quality control, reassessment ----------------------------------------------------
@transaction.atomic
def appeal_create(*, assessment: Assessment, requester: str, note: str, actor: Any) -> AssessmentRequest:
    """复评: the elder or family disputes a published result; a different team decides it."""
    if assessment.status != AssessmentStatus.PUBLISHED or assessment.purpose == Purpose.QUALITY_CHECK:
        raise ConflictError(
            "appeal_not_allowed", "Only the elder's current published result can be appealed."
        )
    if not note.strip():
        raise DomainError("note_required", "Say what is disputed.", status=422)
    return request_create(
        elder=assessment.elder,
        reason=AssessmentReason.APPEAL,
        requester=requester,
        note=note,
        purpose=Purpose.APPEAL,
        related_assessment=assessment,
        actor=actor,
    )


@transaction.atomic
def quality_sample_draw(
    *, scope: DataScope, on: date, actor: Any, seed: int | str | None = None
) -> list[AssessmentRequest]:
    """Draw the policy's share of recently published assessments for a recheck by a second team.

    Reproducible for the same day, scope and seed; an assessment is drawn at most once.
    """
    policy = assessment_policies(on).quality
    since = on - timedelta(days=policy.recheck_window_days)
    candidates = list(
        Assessment.objects.for_scope(scope)
        .filter(
            status=AssessmentStatus.PUBLISHED,
            purpose=Purpose.STANDARD,
            published_at__date__gte=since,
            published_at__date__lte=on,
        )
        .exclude(follow_up_requests__purpose=Purpose.QUALITY_CHECK)
        .exclude(source=AssessmentSource.MIGRATED)  # the previous system's results are not re-done
        .select_related("elder")
        .order_by("id")
    )
    if not candidates or policy.recheck_share <= 0:
        return []
    wanted = max(1, round(len(candidates) * policy.recheck_share))
    rng = random.Random(f"{seed if seed is not None else ''}:{on.isoformat()}:{scope}")  # noqa: S311 - sampling, not security
    drawn = rng.sample(candidates, min(wanted, len(candidates)))
    return [
        request_create(
            elder=a.elder,
            reason=AssessmentReason.OTHER,
            requester=Requester.SYSTEM,
            note=f"Quality-control recheck of assessment #{a.pk}",
            trigger=Trigger.QUALITY_CHECK,
            purpose=Purpose.QUALITY_CHECK,
            related_assessment=a,
            actor=actor,
        )
        for a in sorted(drawn, key=lambda a: a.pk)
    ]


@transaction.atomic
def reassessment_on_change(
    *, elder_id: int, trigger: str, note: str = "", actor: Any = None
) -> AssessmentRequest | None:
    """即时评估: a change of condition (hospital discharge, fall alarm …) opens a request (idempotent).

    Elders who were never assessed or who died are left alone.
    """
    elder = Elder.objects.filter(pk=elder_id, status="active").first()
    if (
        elder is None
        or not Assessment.objects.filter(elder=elder, status=AssessmentStatus.PUBLISHED).exists()
    ):
        return None
    return request_create(
        elder=elder,
        reason=AssessmentReason.IMMEDIATE,
        requester=Requester.SYSTEM,
        trigger=trigger,
        note=note,
        actor=actor,
    )


@dataclass
class ExpirySweepReport:
    reminded: int = 0
    expired: int = 0
    requested: int = 0


@transaction.atomic
def expiry_sweep(*, on: date, actor: Any = None) -> ExpirySweepReport:
    """Remind before expiry, mark expiry and open a reassessment request (idempotent per result and kind)."""
    policies = assessment_policies(on)
    report = ExpirySweepReport()
    current = Assessment.objects.filter(
        status=AssessmentStatus.PUBLISHED, purpose__in=[Purpose.STANDARD, Purpose.APPEAL]
    )
    horizon = on + timedelta(days=policies.validity.remind_days_before)
    expiring = current.filter(valid_until__gte=on, valid_until__lte=horizon).exclude(
        reminders__kind=ReminderKind.EXPIRING
    )
    new = [
        AssessmentReminder(assessment_id=pk, kind=ReminderKind.EXPIRING, due_on=until)
        for pk, until in expiring.values_list("pk", "valid_until")
        if until is not None
    ]
    AssessmentReminder.objects.bulk_create(new, ignore_conflicts=True)
    report.reminded = len(new)
    expired = list(
        current.filter(valid_until__lt=on)
        .exclude(reminders__kind=ReminderKind.EXPIRED)
        .values_list("pk", "elder_id", "valid_until")
    )
    AssessmentReminder.objects.bulk_create(
        [
            AssessmentReminder(assessment_id=pk, kind=ReminderKind.EXPIRED, due_on=until)
            for pk, _e, until in expired
            if until is not None
        ],
        ignore_conflicts=True,
    )
    report.expired = len(expired)
    if policies.validity.request_on_expiry:
        elders = {
            e.pk: e for e in Elder.objects.filter(pk__in=[e for _pk, e, _u in expired], status="active")
        }
        for _pk, elder_id, until in expired:
            if elder_id in elders:
                request_create(
                    elder=elders[elder_id],
                    reason=AssessmentReason.REGULAR,
                    requester=Requester.SYSTEM,
                    trigger=Trigger.EXPIRY,
                    note=f"Result expired on {until}",
                    actor=actor,
                )
                report.requested += 1
    if report.reminded or report.expired:
        audit_record(
            actor=actor,
            action="assessment.expiry_sweep",
            changes={
                "on": str(on),
                "reminded": report.reminded,
                "expired": report.expired,
                "requested": report.requested,
            },
            division_code="",
        )
    return report
