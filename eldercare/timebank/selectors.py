"""Reads of the time bank: scoped lists, statements, totals and the ledger invariant check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from eldercare.core.scope import DataScope
from eldercare.registry.models import Elder
from eldercare.timebank import rules
from eldercare.timebank.choices import (
    HOLDER_KINDS,
    AccountKind,
    RequestStatus,
    ReservationStatus,
    TransactionKind,
)
from eldercare.timebank.models import (
    Account,
    Posting,
    ProxyLink,
    Reservation,
    ServiceRequest,
    Transaction,
    Volunteer,
    VolunteerRelative,
    VolunteerTeam,
)

# --- relations and proxies ----------------------------------------------------------------------------


def verified_relation(giver: Volunteer, receiver: Elder) -> str | None:
    """The worker-confirmed relation between a volunteer and an elder, or None.

    The one place the time bank learns family relations. Today it reads the time bank's own
    `VolunteerRelative` links; once the registry holds contacts/guardians with verified relations,
    point this function at them (see the README of this app / the merge note) and keep the signature.
    """
    return (
        VolunteerRelative.objects.filter(volunteer=giver, elder=receiver, confirmed_at__isnull=False)
        .values_list("relation", flat=True)
        .first()
    )


def proxy_link_for(*, user: Any, elder: Elder) -> ProxyLink | None:
    """A confirmed, unrevoked link through which `user` acts for `elder`."""
    return ProxyLink.objects.filter(
        user=user, elder=elder, confirmed_at__isnull=False, revoked_at__isnull=True
    ).first()


def linked_elders(*, user: Any) -> QuerySet[Elder]:
    """Elders a personal account (elder or family) may act for: confirmed, unrevoked links."""
    ids = ProxyLink.objects.filter(user=user, confirmed_at__isnull=False, revoked_at__isnull=True).values(
        "elder_id"
    )
    return Elder.objects.filter(pk__in=ids).select_related("residence_division").order_by("id")


# --- volunteers --------------------------------------------------------------------------------------


def volunteer_of(user: Any) -> Volunteer | None:
    """The caller's own volunteer record (a volunteer sees only their own)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user=user).select_related("division", "team").first()


def volunteer_list(*, scope: DataScope, search: str = "") -> QuerySet[Volunteer]:
    qs = Volunteer.objects.for_scope(scope).select_related("division", "team", "account")
    if search:
        qs = qs.filter(name__startswith=search)
    return qs.order_by("id")


def access_volunteer(*, scope: DataScope, volunteer_id: int) -> Volunteer:
    return get_object_or_404(
        Volunteer.objects.for_scope(scope).select_related("division", "team__organisation"), pk=volunteer_id
    )


def team_list(*, scope: DataScope) -> QuerySet[VolunteerTeam]:
    return (
        VolunteerTeam.objects.for_scope(scope)
        .select_related("division", "organisation")
        .annotate(members_count=Count("members"))
        .order_by("division", "name")
    )


# --- accounts and statements ---------------------------------------------------------------------------


def account_list(*, scope: DataScope, kind: str = "") -> QuerySet[Account]:
    qs = Account.objects.for_scope(scope).select_related("division")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("id")


def access_account(*, scope: DataScope, account_id: int) -> Account:
    return get_object_or_404(
        Account.objects.for_scope(scope).select_related("division", "volunteer", "elder"), pk=account_id
    )


def statement(
    *, account: Account, date_from: date | None = None, date_to: date | None = None
) -> QuerySet[Posting]:
    """The account's postings, newest first, with their transactions (one query per page)."""
    qs = Posting.objects.filter(account=account).select_related(
        "transaction", "transaction__actor", "transaction__proxy_for"
    )
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-id")


def available_minutes(account: Account) -> int:
    """What the holder may still spend: the balance (reserved units already sit in the HOLD account)."""
    return account.balance_minutes


def reserved_minutes(account: Account) -> int:
    total = Reservation.objects.filter(account=account, status=ReservationStatus.HELD).aggregate(
        s=Sum("amount_minutes")
    )["s"]
    return int(total or 0)


@dataclass(frozen=True, slots=True)
class CommunityRow:
    code: str
    name: str
    accounts: int
    balance_minutes: int


def community_statement(*, scope: DataScope) -> list[CommunityRow]:
    """Balances of holder accounts per community (12-digit division) inside the scope: one grouped query."""
    from eldercare.core.models import Division

    rows = (
        Account.objects.for_scope(scope)
        .filter(kind__in=[k.value for k in HOLDER_KINDS])
        .annotate(community=Substr("division_id", 1, 12))
        .values("community")
        .annotate(n=Count("id"), total=Sum("balance_minutes"))
        .order_by("community")
    )
    rows_list = list(rows)
    names = dict(
        Division.objects.filter(code__in=[r["community"] for r in rows_list]).values_list("code", "name")
    )
    return [
        CommunityRow(r["community"], names.get(r["community"], r["community"]), r["n"], int(r["total"] or 0))
        for r in rows_list
    ]


@dataclass(frozen=True, slots=True)
class Totals:
    """Totals without personal data: safe for the public page."""

    volunteers: int
    teams: int
    requests_approved: int
    minutes_served: int
    minutes_in_circulation: int
    minutes_deposited: int
    minutes_spent: int
    minutes_in_pools: int


def totals(*, scope: DataScope) -> Totals:
    accounts = Account.objects.for_scope(scope)
    by_kind = dict(accounts.values("kind").annotate(s=Sum("balance_minutes")).values_list("kind", "s"))
    postings = Posting.objects.filter(account__in=accounts.filter(kind__in=[k.value for k in HOLDER_KINDS]))
    deposited = postings.filter(transaction__kind=TransactionKind.DEPOSIT).aggregate(s=Sum("amount_minutes"))[
        "s"
    ]
    spent = -(
        Posting.objects.filter(
            transaction__kind=TransactionKind.SETTLE,
            account__kind=AccountKind.ISSUANCE,
            transaction__in=Transaction.objects.for_scope(scope),
        ).aggregate(s=Sum("amount_minutes"))["s"]
        or 0
    )
    approved = ServiceRequest.objects.for_scope(scope).filter(status=RequestStatus.APPROVED)
    served = approved.aggregate(s=Sum("served_minutes"))["s"]
    return Totals(
        volunteers=Volunteer.objects.for_scope(scope).count(),
        teams=VolunteerTeam.objects.for_scope(scope).count(),
        requests_approved=approved.count(),
        minutes_served=int(served or 0),
        minutes_in_circulation=sum(int(v or 0) for k, v in by_kind.items() if k in HOLDER_KINDS),
        minutes_deposited=int(deposited or 0),
        minutes_spent=abs(spent),
        minutes_in_pools=sum(
            int(v or 0)
            for k, v in by_kind.items()
            if k in (AccountKind.COMMUNITY_POOL, AccountKind.CITY_POOL, AccountKind.GUARANTEE_POOL)
        ),
    )


# --- the invariant ------------------------------------------------------------------------------------


@dataclass
class InvariantReport:
    """The ledger's health: every list empty and both equalities true means it is sound."""

    unbalanced_transactions: list[int] = field(default_factory=list)
    stale_balances: list[tuple[int, int, int]] = field(default_factory=list)  # (account, cached, postings)
    negative_accounts: list[int] = field(default_factory=list)
    postings_total: int = 0
    balances_in_circulation: int = 0  # all accounts except issuance, from postings
    deposits: int = 0  # units issued (deposits, guarantee funding) net of their reversals
    spends: int = 0  # units redeemed (settled spends)
    checked_at: Any = None

    @property
    def ok(self) -> bool:
        return (
            not self.unbalanced_transactions
            and not self.stale_balances
            and not self.negative_accounts
            and self.postings_total == 0
            and self.balances_in_circulation == self.deposits - self.spends
        )


def ledger_invariant() -> InvariantReport:
    """Recompute the ledger from its postings (city-wide: one ledger for every district).

    Checks: each transaction's postings sum to zero; each cached balance equals its postings; no holder
    account is negative; all postings sum to zero; and the sum of all balances (except the issuance
    counter-account) equals deposits minus spends, where deposits and spends are read from the issuance
    account's postings by transaction kind (a reversal counts against the kind it reverses).
    """
    report = InvariantReport(checked_at=timezone.now())
    report.unbalanced_transactions = list(
        Posting.objects.values("transaction_id")
        .annotate(s=Sum("amount_minutes"))
        .exclude(s=0)
        .values_list("transaction_id", flat=True)[:100]
    )
    sums = dict(
        Posting.objects.values("account_id").annotate(s=Sum("amount_minutes")).values_list("account_id", "s")
    )
    for pk, cached, kind in Account.objects.values_list("id", "balance_minutes", "kind"):
        actual = int(sums.get(pk) or 0)
        if actual != cached:
            report.stale_balances.append((pk, cached, actual))
        if kind in HOLDER_KINDS and actual < 0:
            report.negative_accounts.append(pk)
    report.postings_total = int(sum(int(v or 0) for v in sums.values()))
    issuance_ids = list(Account.objects.filter(kind=AccountKind.ISSUANCE).values_list("id", flat=True))
    report.balances_in_circulation = int(
        sum(int(v or 0) for pk, v in sums.items() if pk not in set(issuance_ids))
    )
    issuance = Posting.objects.filter(account_id__in=issuance_ids)
    deposit_kinds = [TransactionKind.DEPOSIT, TransactionKind.GUARANTEE_FUND]
    issued = -(
        issuance.filter(transaction__kind__in=deposit_kinds).aggregate(s=Sum("amount_minutes"))["s"] or 0
    )
    issued_reversed = (
        issuance.filter(
            transaction__kind=TransactionKind.REVERSAL, transaction__reversal_of__kind__in=deposit_kinds
        ).aggregate(s=Sum("amount_minutes"))["s"]
        or 0
    )
    report.deposits = int(issued - issued_reversed)
    report.spends = int(
        issuance.filter(transaction__kind=TransactionKind.SETTLE).aggregate(s=Sum("amount_minutes"))["s"] or 0
    )
    return report


# --- service requests --------------------------------------------------------------------------------


def request_list(*, scope: DataScope, status: str = "") -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.for_scope(scope).select_related("elder", "division", "volunteer")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-scheduled_at", "-id")


def access_request(*, scope: DataScope, request_id: int) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.for_scope(scope).select_related(
            "elder", "division", "volunteer", "payer_account", "approved_by", "confirmed_by"
        ),
        pk=request_id,
    )


def volunteer_area_q(volunteer: Volunteer) -> Q:
    """Requests in the volunteer's service areas (division prefixes), or their own street by default."""
    areas = volunteer.service_areas or [volunteer.division_id[:9]]
    q = Q(pk__in=[])
    for code in areas:
        q |= Q(division__code__startswith=code)
    return q


def requests_open_for(volunteer: Volunteer) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.filter(volunteer_area_q(volunteer), status=RequestStatus.OPEN)
        .exclude(elder__id_number_hash=volunteer.id_number_hash)
        .select_related("division", "elder")
        .order_by("scheduled_at", "id")
    )


def requests_of(volunteer: Volunteer) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.filter(volunteer=volunteer)
        .select_related("division", "elder")
        .order_by("-scheduled_at", "-id")
    )


def access_own_request(*, volunteer: Volunteer, request_id: int, open_ok: bool = False) -> ServiceRequest:
    """A request the volunteer holds (or, with `open_ok`, an open one in their areas); else 404."""
    q = Q(volunteer=volunteer)
    if open_ok:
        q |= volunteer_area_q(volunteer) & Q(status=RequestStatus.OPEN)
    found = ServiceRequest.objects.filter(q, pk=request_id).select_related("elder", "division").first()
    if found is None:
        raise Http404("No such request.")
    return found


def requests_for_elders(*, elders: QuerySet[Elder]) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.filter(elder__in=elders)
        .select_related("elder", "volunteer", "division")
        .order_by("-scheduled_at", "-id")
    )


# --- recognition ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecognitionRow:
    volunteer: Volunteer
    hours_total: int
    hours_year: int
    badges: list[str]
    honour: str


def recognition(*, scope: DataScope, year: int, limit: int = 100) -> list[RecognitionRow]:
    """Hours served (approved), badges and the yearly honour, most hours in the year first."""
    volunteers = (
        Volunteer.objects.for_scope(scope)
        .annotate(
            minutes_total=Sum("requests__served_minutes", filter=Q(requests__status=RequestStatus.APPROVED)),
            minutes_year=Sum(
                "requests__served_minutes",
                filter=Q(requests__status=RequestStatus.APPROVED, requests__scheduled_at__year=year),
            ),
        )
        .filter(minutes_total__gt=0)
        .select_related("division")
        .order_by("-minutes_year", "-minutes_total", "id")[:limit]
    )
    rows = []
    for v in volunteers:
        total = int(v.minutes_total or 0) // rules.MINUTES_PER_HOUR
        year_hours = int(v.minutes_year or 0) // rules.MINUTES_PER_HOUR
        rows.append(
            RecognitionRow(v, total, year_hours, rules.badges_for(total), rules.yearly_honour(year_hours))
        )
    return rows


def volunteer_hours(volunteer: Volunteer) -> int:
    total = volunteer.requests.filter(status=RequestStatus.APPROVED).aggregate(s=Sum("served_minutes"))["s"]
    return int(total or 0) // rules.MINUTES_PER_HOUR
