"""The volunteer app's API: the caller's own balance and statement, requests, take, check-in/out."""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from eldercare.accounts.api_auth import api_operation
from eldercare.core.pagination import PagePagination
from eldercare.timebank import rules, selectors, services
from eldercare.timebank.models import ServiceRequest, Volunteer
from eldercare.timebank.schemas import BalanceOut, PostingOut, RequestOut

router = Router(tags=["timebank"])


def _volunteer(request: HttpRequest) -> Volunteer:
    """The caller's own volunteer record; a token or an unregistered account has none (404)."""
    volunteer = selectors.volunteer_of(request.auth.user)  # type: ignore[attr-defined]
    if volunteer is None:
        raise HttpError(404, "This account is not registered as a volunteer.")
    return volunteer


def _request_out(r: ServiceRequest, volunteer: Volunteer) -> RequestOut:
    return RequestOut(
        id=r.pk,
        service_type=r.service_type,
        description=r.description,
        scheduled_at=r.scheduled_at,
        planned_minutes=r.planned_minutes,
        status=r.status,
        community_code=r.division_id,
        community_name=r.division.name,
        elder_name=r.elder.masked_name,
        mine=r.volunteer_id == volunteer.pk,
        checked_in_at=r.checked_in_at,
        checked_out_at=r.checked_out_at,
        served_minutes=r.served_minutes,
    )


@router.get("/timebank/me", response=BalanceOut)
@api_operation
def timebank_me(request: HttpRequest) -> Any:
    volunteer = _volunteer(request)
    account = services.volunteer_account(volunteer)
    hours = selectors.volunteer_hours(volunteer)
    return BalanceOut(
        volunteer_id=volunteer.pk,
        card_number=volunteer.card_number,
        account_id=account.pk,
        balance_minutes=account.balance_minutes,
        balance_hours=round(account.balance_minutes / 60, 2),
        hours_served=hours,
        badges=rules.badges_for(hours),
    )


@router.get("/timebank/me/statement", response=list[PostingOut])
@api_operation
@paginate(PagePagination)
def timebank_statement(request: HttpRequest) -> Any:
    account = services.volunteer_account(_volunteer(request))
    return selectors.statement(account=account)


@router.get("/timebank/requests", response=list[RequestOut])
@api_operation
def timebank_request_list(request: HttpRequest) -> Any:
    """Open requests in the volunteer's service areas, then the volunteer's own unfinished ones."""
    volunteer = _volunteer(request)
    mine = selectors.requests_of(volunteer).filter(status__in=["taken", "in_progress", "done"])[:50]
    return [_request_out(r, volunteer) for r in [*selectors.requests_open_for(volunteer)[:50], *mine]]


@router.post("/timebank/requests/{request_id}/take", response=RequestOut)
@api_operation
def timebank_request_take(request: HttpRequest, request_id: int) -> Any:
    volunteer = _volunteer(request)
    found = selectors.access_own_request(volunteer=volunteer, request_id=request_id, open_ok=True)
    taken = services.request_take(request=found, volunteer=volunteer, actor=request.auth.user)  # type: ignore[attr-defined]
    return _request_out(taken, volunteer)


@router.post("/timebank/requests/{request_id}/check-in", response=RequestOut)
@api_operation
def timebank_request_check_in(
    request: HttpRequest, request_id: int, lon: float | None = None, lat: float | None = None
) -> Any:
    """Check in on site; the app sends its position as `lon`/`lat` query parameters."""
    volunteer = _volunteer(request)
    found = selectors.access_own_request(volunteer=volunteer, request_id=request_id)
    done = services.request_check_in(
        request=found,
        volunteer=volunteer,
        actor=request.auth.user,  # type: ignore[attr-defined]
        lon=lon,
        lat=lat,
    )
    return _request_out(done, volunteer)


@router.post("/timebank/requests/{request_id}/check-out", response=RequestOut)
@api_operation
def timebank_request_check_out(request: HttpRequest, request_id: int) -> Any:
    volunteer = _volunteer(request)
    found = selectors.access_own_request(volunteer=volunteer, request_id=request_id)
    done = services.request_check_out(request=found, volunteer=volunteer, actor=request.auth.user)  # type: ignore[attr-defined]
    return _request_out(done, volunteer)
