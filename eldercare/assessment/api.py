"""API of the ability assessment: the scoring preview, and assessments within the caller's scope."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.accounts.models import User
from eldercare.assessment import rules, selectors, services
from eldercare.assessment.schemas import (
    AssessmentFilterIn,
    AssessmentIn,
    AssessmentOut,
    CurrentLevelOut,
    ScoreIn,
    ScoreOut,
)
from eldercare.core.exceptions import DomainError
from eldercare.core.pagination import PagePagination
from eldercare.registry.selectors import access_elder

router = Router(tags=["assessment"])


def _bad_items(problems: Any) -> DomainError:
    return DomainError(
        "items_invalid",
        "Some items are missing or not valid: " + ", ".join(f"{p.item} ({p.problem})" for p in problems),
        [{"item": p.item, "problem": p.problem, "allowed": list(p.allowed)} for p in problems],
        status=422,
    )


@router.post("/assessments/score", response=ScoreOut)
@api_operation
def assessment_score(request: HttpRequest, payload: ScoreIn) -> Any:
    """Preview the result of a filled form without storing anything (for mobile assessment apps).

    `risk_events` may give counts per A.2.14 event type; with only `risk_events_30d`, that total is compared
    with the threshold whichever counting policy the city uses. Each bad or missing item is named (422).
    """
    return _score(request, payload)


def _score(request: HttpRequest, payload: ScoreIn) -> Any:
    row = selectors.instrument_row(payload.instrument)
    instrument = selectors.instrument_definition(row)
    problems = rules.check_answers(instrument, payload.items)
    if problems:
        raise _bad_items(problems)
    policies = selectors.assessment_policies(timezone.localdate())
    events = services._normalise_events(payload.risk_events, instrument) if payload.risk_events else {}
    if not events and payload.risk_events_30d:
        events = {"total": payload.risk_events_30d}
    facts = rules.HealthFacts(
        coma=payload.coma,
        diagnoses=tuple(services._normalise_diagnoses(payload.diagnoses)),
        psychiatrist_diagnosed=payload.psychiatrist_diagnosed,
        risk_events=events,
    )
    policy = policies.adjustments
    if "total" in events:
        policy = rules.AdjustmentPolicy(
            stack_raises=policy.stack_raises,
            risk_events_counting="sum",
            risk_events_threshold=policy.risk_events_threshold,
        )
    result = rules.score(instrument, payload.items, facts, policy)
    fields = services.result_fields(result)
    return {
        "instrument": result.instrument,
        "version": result.version,
        "total": result.total,
        "dimensions": {code: d["score"] for code, d in fields["dimension_scores"].items()},
        "preliminary_level": result.preliminary_level,
        "level": result.level,
        "level_name": result.level_name,
        "adjustments": fields["adjustments"],
        "policy_versions": {"assessment.adjustments": policies.version_ids["assessment.adjustments"]},
    }


@router.get("/assessments", response=list[AssessmentOut])
@api_operation
@paginate(PagePagination)
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilterIn]) -> Any:
    return selectors.assessment_list(
        scope=request.auth.scope,  # type: ignore[attr-defined]
        filters=selectors.AssessmentFilter(**filters.dict()),
    )


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
@api_operation
def assessment_detail(request: HttpRequest, assessment_id: int) -> Any:
    return selectors.access_assessment(scope=request.auth.scope, assessment_id=assessment_id)  # type: ignore[attr-defined]


@router.post("/assessments", response={201: AssessmentOut})
@api_operation
def assessment_create(request: HttpRequest, payload: AssessmentIn) -> Any:
    """Record an assessment collected by a mobile app: the caller must be one of the two assessors.

    Opens (or reuses) the elder's request, assigns the two assessors with their declared relation, stores
    the answers and, with `submit`, scores and submits it for review.
    """
    principal = request.auth  # type: ignore[attr-defined]
    elder = access_elder(scope=principal.scope, elder_id=payload.elder_id)
    users = {u.pk: u for u in User.objects.filter(pk__in=[a.id for a in payload.assessors])}
    missing = [a.id for a in payload.assessors if a.id not in users]
    if missing:
        raise DomainError("assessor_unknown", "Unknown assessors.", missing, status=422)
    instrument = selectors.instrument_definition(selectors.instrument_row(payload.instrument))
    problems = rules.check_answers(instrument, payload.items, partial=not payload.submit)
    if problems:
        raise _bad_items(problems)
    assessment = services.assessment_record(
        elder=elder,
        assessors=[services.AssessorDeclaration(users[a.id], a.relation) for a in payload.assessors],
        answers=payload.items,
        actor=principal.user,
        instrument_code=payload.instrument,
        assessed_on=payload.assessed_on,
        coma=payload.coma,
        diagnoses=payload.diagnoses,
        psychiatrist_diagnosed=payload.psychiatrist_diagnosed,
        risk_events=payload.risk_events,
        reason=payload.reason,
        requester=payload.requester,
        submit=payload.submit,
    )
    return Status(201, selectors.access_assessment(scope=principal.scope, assessment_id=assessment.pk))


@router.get("/elders/{elder_id}/ability-level", response=CurrentLevelOut)
@api_operation
def elder_ability_level(request: HttpRequest, elder_id: int) -> Any:
    """The elder's published level (what eligibility rules use); `assessed` false if never assessed."""
    elder = access_elder(scope=request.auth.scope, elder_id=elder_id)  # type: ignore[attr-defined]
    current = selectors.current_level(elder)
    if current is None:
        return {"elder_id": elder.pk, "assessed": False}
    return {
        "elder_id": elder.pk,
        "assessed": True,
        **{k: getattr(current, k) for k in CurrentLevelOut.model_fields if hasattr(current, k)},
    }
