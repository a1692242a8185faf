"""Writes of the double-entry time ledger (复式记账). The only code that creates postings.

Every movement is `_post`: lock the accounts it touches in primary-key order (`SELECT … FOR UPDATE`,
style.md §7, so two movements over the same accounts cannot deadlock), check that no holder account
goes below zero, write one transaction and its postings (which must sum to zero), update the cached
balances from those postings, and audit, all in one database transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eldercare.core.audit import audit_record
from eldercare.core.exceptions import ConflictError, DomainError
from eldercare.core.models import Division
from eldercare.core.selectors import policy_value
from eldercare.registry.models import Elder
from eldercare.timebank import rules
from eldercare.timebank.choices import HOLDER_KINDS, AccountKind, ReservationStatus, TransactionKind
from eldercare.timebank.models import Account, Posting, Reservation, ServiceRequest, Transaction, Volunteer
from eldercare.timebank.rules import Decision, TimebankPolicy

POLICY_KEYS = {
    "units_per_hour": "timebank.units_per_hour",
    "min_redeeming_age": "timebank.min_redeeming_age",
    "cap_minutes": "timebank.cap_minutes",
    "expiry_months": "timebank.expiry_months",
    "transfer_relations": "timebank.transfer_relations",
}
NOT_REVERSIBLE = frozenset({TransactionKind.RESERVE, TransactionKind.SETTLE, TransactionKind.RELEASE})


def load_policy(on: date | None = None) -> tuple[TimebankPolicy, dict[str, int]]:
    """The policy in force and the version ids to store on the transaction (0: built-in default)."""
    defaults = TimebankPolicy()
    default_values: dict[str, Any] = {
        "units_per_hour": dict(defaults.units_per_hour),
        "min_redeeming_age": defaults.min_redeeming_age,
        "cap_minutes": defaults.cap_minutes,
        "expiry_months": defaults.expiry_months or 0,
        "transfer_relations": sorted(defaults.transfer_relations),
    }
    values: dict[str, Any] = {}
    versions: dict[str, int] = {}
    for name, key in POLICY_KEYS.items():
        found = policy_value(key, on=on, default=default_values[name])
        values[name] = found.value
        versions[key] = found.version_id
    return TimebankPolicy.from_values(values), versions


def refuse(decision: Decision, *, status: int = 409, details: Any = None) -> None:
    if not decision.allowed:
        raise DomainError(decision.code, decision.reason, details, status=status)


# --- accounts ------------------------------------------------------------------------------------------


def city_code_of(division_id: str) -> str:
    return division_id[:4]


def _system_account(kind: str, division_id: str, name: str) -> Account:
    account, _ = Account.objects.get_or_create(kind=kind, division_id=division_id, defaults={"name": name})
    return account


def issuance_account(city_code: str) -> Account:
    return _system_account(AccountKind.ISSUANCE, city_code, f"{city_code} 时间银行清算")


def hold_account(city_code: str) -> Account:
    return _system_account(AccountKind.HOLD, city_code, f"{city_code} 预扣")


def city_pool(city_code: str) -> Account:
    return _system_account(AccountKind.CITY_POOL, city_code, f"{city_code} 市级公益池")


def guarantee_pool(city_code: str) -> Account:
    return _system_account(AccountKind.GUARANTEE_POOL, city_code, f"{city_code} 保障池")


def community_pool(division: Division | str) -> Account:
    code = division if isinstance(division, str) else division.code
    return _system_account(AccountKind.COMMUNITY_POOL, code, f"{code} 社区公益池")


def volunteer_account(volunteer: Volunteer) -> Account:
    account, _ = Account.objects.get_or_create(
        volunteer=volunteer,
        defaults={
            "kind": AccountKind.VOLUNTEER,
            "division_id": volunteer.division_id,
            "name": volunteer.masked_name,
        },
    )
    return account


def elder_account(elder: Elder) -> Account:
    account, _ = Account.objects.get_or_create(
        elder=elder,
        defaults={
            "kind": AccountKind.ELDER,
            "division_id": elder.residence_division_id,
            "name": elder.masked_name,
        },
    )
    return account


# --- the one posting primitive ---------------------------------------------------------------------------


def lock_accounts(ids: Iterable[int]) -> dict[int, Account]:
    """Lock the accounts' rows in primary-key order; must run inside `transaction.atomic`."""
    ordered = sorted(set(ids))
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ordered).order_by("pk")}
    if len(locked) != len(ordered):
        raise DomainError(
            "timebank_account_missing", "An account of this movement does not exist.", status=404
        )
    return locked


def _post(
    *,
    kind: str,
    legs: list[tuple[Account, int]],
    actor: Any,
    memo: str = "",
    proxy_for: Elder | None = None,
    reversal_of: Transaction | None = None,
    service_request: ServiceRequest | None = None,
    policy_version_ids: dict[str, int] | None = None,
    locked: dict[int, Account] | None = None,
) -> Transaction:
    """Write one balanced transaction. Precondition: inside `transaction.atomic`; `locked`, if given,
    holds every leg's account already locked (callers that checked a rule on a locked balance)."""
    amounts = [amount for _account, amount in legs if amount != 0]
    legs = [(account, amount) for account, amount in legs if amount != 0]
    if not rules.postings_balance(amounts):
        raise DomainError(
            "timebank_unbalanced", "The postings of a transaction must sum to zero.", status=500
        )
    if locked is None:
        locked = lock_accounts(account.pk for account, _ in legs)
    delta: dict[int, int] = defaultdict(int)
    for account, amount in legs:
        delta[account.pk] += amount
    for pk, change in delta.items():
        account = locked[pk]
        if not account.is_active and change > 0 and account.kind in HOLDER_KINDS:
            raise ConflictError("timebank_account_closed", "The receiving account is closed.")
        if account.kind in HOLDER_KINDS and account.balance_minutes + change < 0:
            refuse(rules.may_spend(account.balance_minutes, -change), details={"account": pk})
    people = [locked[a.pk] for a, _ in legs if a.kind in (AccountKind.VOLUNTEER, AccountKind.ELDER)]
    first = people[0] if people else locked[legs[0][0].pk]
    txn = Transaction.objects.create(
        kind=kind,
        memo=memo[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        proxy_for=proxy_for,
        division_id=first.division_id,
        reversal_of=reversal_of,
        service_request=service_request,
        policy_version_ids=policy_version_ids or {},
    )
    Posting.objects.bulk_create(
        [Posting(transaction=txn, account_id=account.pk, amount_minutes=amount) for account, amount in legs]
    )
    for pk, change in delta.items():
        if change:
            account = locked[pk]
            account.balance_minutes += change
            Account.objects.filter(pk=pk).update(balance_minutes=account.balance_minutes)
    audit_record(
        actor=actor,
        action=f"timebank.{kind}",
        target=txn,
        changes={
            "postings": {str(account.pk): amount for account, amount in legs},
            **({"proxy_for": proxy_for.pk} if proxy_for is not None else {}),
            **({"memo": memo} if memo else {}),
        },
    )
    return txn


# --- use cases ---------------------------------------------------------------------------------------------


@transaction.atomic
def deposit(
    *,
    volunteer: Volunteer,
    minutes: int,
    actor: Any,
    memo: str = "",
    service_request: ServiceRequest | None = None,
    policy: TimebankPolicy | None = None,
    versions: dict[str, int] | None = None,
) -> Transaction:
    """Credit approved service to the volunteer; units above the cap go to the community pool."""
    if policy is None:
        policy, versions = load_policy()
    if minutes <= 0:
        raise DomainError(rules.RuleCode.NOT_POSITIVE, "The amount must be positive.")
    target = volunteer_account(volunteer)
    source = issuance_account(city_code_of(target.division_id))
    pool = community_pool(volunteer.division_id)
    locked = lock_accounts([target.pk, source.pk, pool.pk])
    credited, overflow = rules.split_deposit(locked[target.pk].balance_minutes, minutes, policy)
    memo = memo or "deposit"
    if overflow:
        memo += f" (overflow {overflow} min donated: cap)"
    return _post(
        kind=TransactionKind.DEPOSIT,
        legs=[(source, -minutes), (target, credited), (pool, overflow)],
        actor=actor,
        memo=memo,
        service_request=service_request,
        policy_version_ids=versions,
        locked=locked,
    )


def _lock_giver_and_receiver(
    giver: Volunteer, receiver: Elder
) -> tuple[Account, Account, dict[int, Account]]:
    """Find and lock both accounts in one query (primary-key order); open a missing one first."""
    found = list(
        Account.objects.select_for_update().filter(Q(volunteer=giver) | Q(elder=receiver)).order_by("pk")
    )
    if len(found) < 2:
        locked = lock_accounts([volunteer_account(giver).pk, elder_account(receiver).pk])
        found = list(locked.values())
    locked = {a.pk: a for a in found}
    source = next(a for a in found if a.volunteer_id == giver.pk)
    target = next(a for a in found if a.elder_id == receiver.pk)
    return source, target, locked


@transaction.atomic
def transfer(
    *, giver: Volunteer, receiver: Elder, minutes: int, actor: Any, memo: str = "", relation: str | None
) -> Transaction:
    """Transfer units to a direct relative. `relation` comes from `selectors.verified_relation` (the
    caller reads it, so this module stays independent of where relations are kept)."""
    policy, versions = load_policy()
    refuse(rules.may_transfer(relation, policy), status=422)
    source, target, locked = _lock_giver_and_receiver(giver, receiver)
    refuse(rules.may_spend(locked[source.pk].balance_minutes, minutes))
    refuse(rules.may_receive(locked[target.pk].balance_minutes, minutes, policy))
    return _post(
        kind=TransactionKind.TRANSFER,
        legs=[(source, -minutes), (target, minutes)],
        actor=actor,
        memo=memo or f"transfer to {relation}",
        policy_version_ids=versions,
        locked=locked,
    )


@transaction.atomic
def donate(
    *, account: Account, minutes: int, actor: Any, to_city: bool = False, proxy_for: Elder | None = None
) -> Transaction:
    """Donate units to the community pool of the holder's community, or to the city pool."""
    pool = city_pool(city_code_of(account.division_id)) if to_city else community_pool(account.division_id)
    refuse(rules.may_spend(account.balance_minutes, minutes))  # early answer; re-checked under the lock
    return _post(
        kind=TransactionKind.DONATION,
        legs=[(account, -minutes), (pool, minutes)],
        actor=actor,
        memo="donation",
        proxy_for=proxy_for,
    )


def holder_birth_date(account: Account) -> date | None:
    if account.kind == AccountKind.VOLUNTEER and account.volunteer is not None:
        return account.volunteer.birth_date
    if account.kind == AccountKind.ELDER and account.elder is not None:
        return account.elder.birth_date
    return None


@transaction.atomic
def reserve(
    *, request: ServiceRequest, minutes: int, actor: Any, proxy_for: Elder | None = None
) -> Reservation:
    """Reserve the spend of a redeemed service when a volunteer accepts it: payer → HOLD."""
    payer = request.payer_account
    if payer is None:
        raise DomainError("timebank_no_payer", "This request is not paid with time units.")
    policy, versions = load_policy()
    refuse(rules.may_redeem(holder_birth_date(payer), timezone.localdate(), policy), status=422)
    hold = hold_account(city_code_of(payer.division_id))
    txn = _post(
        kind=TransactionKind.RESERVE,
        legs=[(payer, -minutes), (hold, minutes)],
        actor=actor,
        memo=f"reserve for request #{request.pk}",
        service_request=request,
        proxy_for=proxy_for,
        policy_version_ids=versions,
    )
    del txn
    return Reservation.objects.create(service_request=request, account=payer, amount_minutes=minutes)


def _held(request: ServiceRequest) -> Reservation | None:
    """The request's reservation if still held. Locks only the reservation row (`of=self`): the account
    is locked later with the others, in primary-key order, so the lock order stays global."""
    reservation = (
        Reservation.objects.select_for_update(of=("self",))
        .filter(service_request=request)
        .select_related("account")
        .first()
    )
    if reservation is None or reservation.status != ReservationStatus.HELD:
        return None
    return reservation


@transaction.atomic
def settle(*, request: ServiceRequest, cost_minutes: int, actor: Any) -> Transaction | None:
    """Settle on completion: spend min(cost, reserved) (HOLD → issuance); the rest goes back to the payer."""
    reservation = _held(request)
    if reservation is None:
        return None
    spent = min(max(cost_minutes, 0), reservation.amount_minutes)
    hold = hold_account(city_code_of(reservation.account.division_id))
    issuance = issuance_account(city_code_of(reservation.account.division_id))
    txn = _post(
        kind=TransactionKind.SETTLE,
        legs=[
            (hold, -reservation.amount_minutes),
            (issuance, spent),
            (reservation.account, reservation.amount_minutes - spent),
        ],
        actor=actor,
        memo=f"settle request #{request.pk}",
        service_request=request,
    )
    reservation.status = ReservationStatus.SETTLED
    reservation.save(update_fields=["status", "updated_at"])
    return txn


@transaction.atomic
def release(*, request: ServiceRequest, actor: Any) -> Transaction | None:
    """Release on cancel: HOLD → payer, in full."""
    reservation = _held(request)
    if reservation is None:
        return None
    hold = hold_account(city_code_of(reservation.account.division_id))
    txn = _post(
        kind=TransactionKind.RELEASE,
        legs=[(hold, -reservation.amount_minutes), (reservation.account, reservation.amount_minutes)],
        actor=actor,
        memo=f"release request #{request.pk}",
        service_request=request,
    )
    reservation.status = ReservationStatus.RELEASED
    reservation.save(update_fields=["status", "updated_at"])
    return txn


@transaction.atomic
def guarantee_fund(*, city_code: str, minutes: int, actor: Any, memo: str = "") -> Transaction:
    """The city funds the guarantee pool (保障池) that honours units of ended community programmes."""
    if minutes <= 0:
        raise DomainError(rules.RuleCode.NOT_POSITIVE, "The amount must be positive.")
    return _post(
        kind=TransactionKind.GUARANTEE_FUND,
        legs=[(issuance_account(city_code), -minutes), (guarantee_pool(city_code), minutes)],
        actor=actor,
        memo=memo or "guarantee pool funding",
    )


@transaction.atomic
def guarantee_honour(*, volunteer: Volunteer, minutes: int, actor: Any, memo: str) -> Transaction:
    """Honour units a volunteer saved for their own old age in a community programme that has ended:
    the guarantee pool credits them (only when the volunteer's team or its organisation has ended)."""
    team = volunteer.team
    ended = team is not None and (
        not team.is_active or (team.organisation is not None and not team.organisation.is_active)
    )
    if not ended:
        raise ConflictError("timebank_programme_active", "The volunteer's programme has not ended.")
    target = volunteer_account(volunteer)
    policy, versions = load_policy()
    pool = guarantee_pool(city_code_of(target.division_id))
    locked = lock_accounts([target.pk, pool.pk])
    refuse(rules.may_receive(locked[target.pk].balance_minutes, minutes, policy))
    return _post(
        kind=TransactionKind.GUARANTEE_HONOUR,
        legs=[(pool, -minutes), (target, minutes)],
        actor=actor,
        memo=memo,
        policy_version_ids=versions,
        locked=locked,
    )


@transaction.atomic
def reverse(*, txn: Transaction, actor: Any, reason: str) -> Transaction:
    """Undo a transaction with its mirror image; postings are never edited. Refused if a holder has
    already spent the units (its balance would go negative) or the transaction was already reversed."""
    if txn.kind in NOT_REVERSIBLE:
        raise ConflictError("timebank_not_reversible", "Reservations are undone by releasing or settling.")
    if txn.kind == TransactionKind.REVERSAL:
        raise ConflictError("timebank_not_reversible", "A reversal is not reversed; post a new movement.")
    if Transaction.objects.filter(reversal_of=txn).exists():
        raise ConflictError("timebank_already_reversed", "This transaction was already reversed.")
    if not reason.strip():
        raise DomainError("timebank_reason_required", "Give the reason for the reversal.", status=422)
    legs = [(p.account, -p.amount_minutes) for p in txn.postings.select_related("account")]
    return _post(
        kind=TransactionKind.REVERSAL,
        legs=legs,
        actor=actor,
        memo=f"reversal of #{txn.pk}: {reason}",
        reversal_of=txn,
        proxy_for=txn.proxy_for,
    )


def cash_out(**_: Any) -> None:
    """Units are never paid out in money: the only answer is a refusal that cites the rule."""
    policy, _versions = load_policy()
    refuse(rules.may_cash_out(policy), status=422)
