"""API of benefits: programmes, an elder's basic service list, applications and review, settlement, funds."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.benefits import rules, selectors, services
from eldercare.benefits.schemas import (
    ApplicationDetailOut,
    ApplicationFilterIn,
    ApplicationIn,
    ApplicationOut,
    DecisionIn,
    FundsOut,
    LineOut,
    ProgrammeOut,
    ServiceListRowOut,
    SettlementOut,
    SettlementRunOut,
)
from eldercare.core.exceptions import DomainError
from eldercare.core.pagination import PagePagination
from eldercare.registry.selectors import access_elder

router = Router(tags=["benefits"])


def _programme_out(p: rules.Programme) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "name_en": p.name_en,
        "kind": p.kind,
        "payment_form": p.payment_form,
        "grant": p.grant,
        "start_rule": p.start_rule,
        "proration": p.proration,
        "min_age": p.min_age,
        "economic_statuses": sorted(p.economic_statuses),
        "min_level": p.min_level,
        "notice_days": p.notice_days,
        "required_documents": list(p.required_documents),
        "tiers": [{"label": t.label, "amount_fen": t.amount_fen} for t in p.tiers],
        "source": p.source,
        "certainty": p.certainty,
    }


@router.get("/benefits/programmes", response=list[ProgrammeOut])
@api_operation
def benefit_programme_list(request: HttpRequest) -> Any:
    """Programmes in force today, with their amounts (fen) and the source of each number."""
    return [_programme_out(p) for p in selectors.programmes_on().programmes.values()]


@router.get("/elders/{elder_id}/benefits", response=list[ServiceListRowOut])
@api_operation
def elder_benefits(request: HttpRequest, elder_id: int) -> Any:
    """The elder's basic service list: every programme, receiving / eligible / not eligible, and why."""
    elder = access_elder(scope=request.auth.scope, elder_id=elder_id)  # type: ignore[attr-defined]
    return [
        {
            "programme": r.programme.code,
            "name": r.programme.name,
            "state": r.state,
            "eligible": r.decision.eligible,
            "amount_fen": r.decision.amount_fen,
            "reasons": list(r.decision.reasons),
            "entitlement_id": r.entitlement.pk if r.entitlement else None,
            "open_application_id": r.open_application.pk if r.open_application else None,
        }
        for r in selectors.basic_service_list(elder=elder)
    ]


@router.get("/benefits/applications", response=list[ApplicationOut])
@api_operation
@paginate(PagePagination)
def benefit_application_list(request: HttpRequest, filters: Query[ApplicationFilterIn]) -> Any:
    return selectors.application_list(
        scope=request.auth.scope,  # type: ignore[attr-defined]
        status=filters.status,
        programme=filters.programme,
    )


def _detail(application: Any) -> dict[str, Any]:
    return {
        **{f: getattr(application, f) for f in ApplicationOut.model_fields},
        "steps": application.steps,
        "decisions": [
            {
                "step_code": d.step_code,
                "reviewer": d.reviewer.get_username(),
                "decision": d.decision,
                "reason": d.reason,
                "created_at": d.created_at,
            }
            for d in selectors.application_decisions(application)
        ],
    }


@router.get("/benefits/applications/{application_id}", response=ApplicationDetailOut)
@api_operation
def benefit_application_detail(request: HttpRequest, application_id: int) -> Any:
    application = selectors.access_application(scope=request.auth.scope, application_id=application_id)  # type: ignore[attr-defined]
    return _detail(application)


@router.post("/benefits/applications", response={201: ApplicationDetailOut})
@api_operation
def benefit_application_create(request: HttpRequest, payload: ApplicationIn) -> Any:
    """File an application; `channel` "proxy" records 帮办代办 by the calling worker."""
    elder = access_elder(scope=request.auth.scope, elder_id=payload.elder_id)  # type: ignore[attr-defined]
    application = services.application_submit(
        elder=elder,
        programme_code=payload.programme,
        channel=payload.channel,
        actor=request.auth.user,  # type: ignore[attr-defined]
        applicant_name=payload.applicant_name,
        proxy_note=payload.proxy_note,
    )
    return 201, _detail(application)


@router.post("/benefits/applications/{application_id}/decisions", response=ApplicationDetailOut)
@api_operation
def benefit_application_decide(request: HttpRequest, application_id: int, payload: DecisionIn) -> Any:
    application = selectors.access_application(scope=request.auth.scope, application_id=application_id)  # type: ignore[attr-defined]
    application = services.application_decide(
        application=application,
        actor=request.auth.user,  # type: ignore[attr-defined]
        decision=payload.decision,
        reason=payload.reason,
    )
    return _detail(application)


def _settlement_out(s: Any) -> dict[str, Any]:
    return {
        "period": s.label,
        "status": s.status,
        "runs": s.runs,
        "programme_version_id": s.programme_version_id,
        "counts": s.counts,
    }


@router.get("/benefits/settlements", response=list[SettlementOut])
@api_operation
def benefit_settlement_list(request: HttpRequest) -> Any:
    return [_settlement_out(s) for s in selectors.settlement_list()[:60]]


@router.post("/benefits/settlements/{period}/run", response=SettlementRunOut)
@api_operation
def benefit_settlement_run(request: HttpRequest, period: str) -> Any:
    """Run (or re-run) a month's settlement; idempotent while the settlement is a draft."""
    try:
        month = rules.Month.parse(period)
    except ValueError as exc:
        raise DomainError("period_invalid", "Give the month as YYYY-MM.", status=422) from exc
    report = services.settle_month(period=month, actor=request.auth.user)  # type: ignore[attr-defined]
    return report.__dict__


@router.get("/benefits/settlements/{period}/lines", response=list[LineOut])
@api_operation
@paginate(PagePagination)
def benefit_settlement_lines(request: HttpRequest, period: str, kind: str = "") -> Any:
    settlement = selectors.access_settlement(period=period)
    return selectors.settlement_lines(scope=request.auth.scope, settlement=settlement, kind=kind)  # type: ignore[attr-defined]


@router.get("/benefits/funds", response=list[FundsOut])
@api_operation
def benefit_funds(request: HttpRequest, year: int | None = None) -> Any:
    if year is not None and not 2000 <= year <= 2100:
        raise DomainError(
            "year_invalid", "The year must be between 2000 and 2100.", {"field": "year"}, status=422
        )
    rows = selectors.funds_overview(scope=request.auth.scope, year=year or timezone.localdate().year)  # type: ignore[attr-defined]
    return [
        {
            "programme_code": r.programme_code,
            "district_code": r.district_code,
            "budget_fen": r.budget_fen,
            "committed_fen": r.committed_fen,
            "paid_fen": r.paid_fen,
            "remaining_fen": r.remaining_fen,
            "by_month": {m: list(pair) for m, pair in r.by_month.items()},
        }
        for r in rows
    ]
