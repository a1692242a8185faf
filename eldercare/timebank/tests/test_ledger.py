"""The double-entry ledger: balanced postings, derived balances, no negatives, reversals, the invariant."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry, Organisation
from eldercare.core.tests.factories import OrganisationFactory
from eldercare.timebank import services
from eldercare.timebank.choices import ReservationStatus, TransactionKind
from eldercare.timebank.models import Account, Posting, Transaction
from eldercare.timebank.selectors import ledger_invariant, verified_relation
from eldercare.timebank.tests.factories import fund, make_elder, make_request, make_volunteer

pytestmark = pytest.mark.django_db


def balance(account: Account) -> int:
    account.refresh_from_db()
    return account.balance_minutes


def assert_sound() -> None:
    report = ledger_invariant()
    assert report.ok, report
    for txn in Transaction.objects.prefetch_related("postings"):
        assert sum(p.amount_minutes for p in txn.postings.all()) == 0


def test_a_deposit_creates_units_against_the_city_clearing_account() -> None:
    # given a volunteer
    volunteer = make_volunteer()
    # when approved service is deposited
    account = fund(volunteer, 120)
    # then the volunteer holds the units, the city clearing account the opposite, and it is audited
    assert account.balance_minutes == 120
    assert services.issuance_account("4407").balance_minutes == -120
    assert AuditEntry.objects.filter(action="timebank.deposit").count() == 1
    report = ledger_invariant()
    assert report.ok and report.deposits == 120 and report.balances_in_circulation == 120


def test_units_above_the_cap_go_to_the_community_pool() -> None:
    volunteer = make_volunteer()
    account = fund(volunteer, 89_990)
    services.deposit(volunteer=volunteer, minutes=60, actor=None)
    assert balance(account) == 90_000
    assert services.community_pool(volunteer.division_id).balance_minutes == 50
    assert_sound()


def test_a_transfer_needs_a_verified_direct_relative() -> None:
    # given a funded volunteer and an elder not yet confirmed as a relative
    volunteer = make_volunteer()
    fund(volunteer, 300)
    mother = make_elder(birth_date=date(1950, 1, 1))
    with pytest.raises(DomainError) as refused:
        services.transfer(
            giver=volunteer,
            receiver=mother,
            minutes=60,
            actor=None,
            relation=verified_relation(volunteer, mother),
        )
    assert refused.value.code == "timebank_relation_unverified"
    # when a worker confirms the relation
    services.relative_confirm(
        volunteer=volunteer, elder=mother, relation="parent", actor=None, evidence="户口簿"
    )
    services.transfer(
        giver=volunteer,
        receiver=mother,
        minutes=60,
        actor=None,
        relation=verified_relation(volunteer, mother),
    )
    # then the units moved and nothing was created or lost
    assert balance(services.elder_account(mother)) == 60
    assert balance(services.volunteer_account(volunteer)) == 240
    assert_sound()


def test_a_sibling_is_not_a_direct_relative() -> None:
    volunteer = make_volunteer()
    fund(volunteer, 60)
    brother = make_elder()
    services.relative_confirm(volunteer=volunteer, elder=brother, relation="sibling", actor=None)
    with pytest.raises(DomainError) as refused:
        services.transfer(giver=volunteer, receiver=brother, minutes=60, actor=None, relation="sibling")
    assert refused.value.code == "timebank_relation_not_allowed"


def test_no_spend_takes_an_account_below_zero() -> None:
    volunteer = make_volunteer()
    account = fund(volunteer, 30)
    with pytest.raises(DomainError) as refused:
        services.donate(account=account, minutes=31, actor=None)
    assert refused.value.code == "timebank_insufficient_balance"
    assert balance(account) == 30


def test_reserve_on_take_settle_on_approval() -> None:
    # given an elder holding units and a request paid from them
    elder = make_elder(birth_date=date(1945, 1, 1))
    giver = make_volunteer()
    fund(giver, 200)
    services.relative_confirm(volunteer=giver, elder=elder, relation="parent", actor=None)
    services.transfer(giver=giver, receiver=elder, minutes=200, actor=None, relation="parent")
    payer = services.elder_account(elder)
    request = make_request(elder=elder, payer=payer, minutes=90)
    helper = make_volunteer()
    # when a volunteer takes it, 90 minutes are reserved
    services.request_take(request=request, volunteer=helper, actor=None)
    assert balance(payer) == 110
    assert services.hold_account("4407").balance_minutes == 90
    # and the service is done in 60 minutes, confirmed and approved
    start = timezone.now()
    services.request_check_in(request=request, volunteer=helper, actor=None, at=start)
    services.request_check_out(
        request=request, volunteer=helper, actor=None, at=start + timedelta(minutes=60)
    )
    services.request_confirm(request=request, actor=None, as_proxy=True)
    services.request_approve(request=request, actor=None)
    # then 60 are spent, 30 come back, and the helper earned 60
    assert balance(payer) == 140
    assert balance(services.volunteer_account(helper)) == 60
    assert services.hold_account("4407").balance_minutes == 0
    request.reservation.refresh_from_db()
    assert request.reservation.status == ReservationStatus.SETTLED
    report = ledger_invariant()
    assert report.ok and report.spends == 60


def test_release_on_cancel() -> None:
    elder = make_elder(birth_date=date(1945, 1, 1))
    pool = services.community_pool(elder.residence_division_id)
    donor = fund(make_volunteer(), 100)
    services.donate(account=donor, minutes=100, actor=None)
    request = make_request(elder=elder, payer=pool, minutes=60)
    services.request_take(request=request, volunteer=make_volunteer(), actor=None)
    assert balance(pool) == 40
    services.request_cancel(request=request, actor=None, reason="elder in hospital")
    assert balance(pool) == 100
    assert_sound()


def test_a_young_volunteer_cannot_redeem_yet() -> None:
    young = make_volunteer(birth_date=date(1980, 1, 1))
    account = fund(young, 120)
    # the same person registered as an elder? no: a younger person is not an elder; try to pay for another
    with pytest.raises(DomainError) as refused:
        make_request(payer=account)
    assert refused.value.code == "timebank_payer_not_allowed"


def test_a_volunteer_who_reached_the_age_redeems_for_themselves() -> None:
    elder = make_elder(birth_date=date(1955, 3, 3))
    volunteer = make_volunteer(birth_date=date(1955, 3, 3))
    volunteer.id_number_hash = elder.id_number_hash  # the same person, recognised by the keyed hash
    volunteer.save()
    account = fund(volunteer, 120)
    request = make_request(elder=elder, payer=account, minutes=60)
    services.request_take(request=request, volunteer=make_volunteer(), actor=None)
    assert balance(account) == 60


def test_a_reversal_mirrors_and_cannot_repeat() -> None:
    volunteer = make_volunteer()
    services.deposit(volunteer=volunteer, minutes=60, actor=None)
    txn = Transaction.objects.get(kind=TransactionKind.DEPOSIT)
    services.reverse(txn=txn, actor=None, reason="entered twice")
    assert balance(services.volunteer_account(volunteer)) == 0
    with pytest.raises(DomainError):
        services.reverse(txn=txn, actor=None, reason="again")
    report = ledger_invariant()
    assert report.ok and report.deposits == 0


def test_a_reversal_is_refused_when_the_units_are_spent() -> None:
    volunteer = make_volunteer()
    account = fund(volunteer, 60)
    services.donate(account=account, minutes=60, actor=None)
    with pytest.raises(DomainError):
        services.reverse(txn=Transaction.objects.get(kind=TransactionKind.DEPOSIT), actor=None, reason="x")


def test_postings_are_append_only() -> None:
    fund(make_volunteer(), 60)
    posting = Posting.objects.first()
    with pytest.raises(PermissionError):
        posting.save()
    with pytest.raises(PermissionError):
        posting.delete()


def test_no_cash_out() -> None:
    with pytest.raises(DomainError) as refused:
        services.cash_out(account=None)
    assert refused.value.code == "timebank_no_cash_out"


def test_the_guarantee_pool_honours_units_of_an_ended_programme() -> None:
    organisation: Organisation = OrganisationFactory(kind="social_organisation")
    team = services.team_create(
        name="夕阳红服务队", division=organisation.division, organisation=organisation, actor=None
    )
    volunteer = make_volunteer(team=team)
    services.guarantee_fund(city_code="4407", minutes=1000, actor=None)
    with pytest.raises(DomainError):
        services.guarantee_honour(volunteer=volunteer, minutes=100, actor=None, memo="paper ledger")
    organisation.is_active = False
    organisation.save()
    volunteer.refresh_from_db()
    services.guarantee_honour(volunteer=volunteer, minutes=100, actor=None, memo="paper ledger 2019")
    assert balance(services.volunteer_account(volunteer)) == 100
    assert services.guarantee_pool("4407").balance_minutes == 900
    assert_sound()


def test_the_invariant_catches_a_tampered_balance() -> None:
    account = fund(make_volunteer(), 60)
    Account.objects.filter(pk=account.pk).update(balance_minutes=600)
    report = ledger_invariant()
    assert not report.ok and report.stale_balances == [(account.pk, 600, 60)]


OPS = st.lists(
    st.tuples(
        st.sampled_from(["deposit", "transfer", "donate", "take", "approve", "cancel", "reverse"]),
        st.integers(min_value=0, max_value=3),
        st.integers(min_value=1, max_value=400),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_sequences_of_operations_always_balance(ops: list[tuple[str, int, int]]) -> None:
    """Property: whatever happens, every transaction balances, balances equal their postings, no holder
    is negative, and units in circulation equal deposits minus spends."""
    volunteers = [make_volunteer() for _ in range(2)]
    elders = [make_elder(birth_date=date(1940, 1, 1)) for _ in range(2)]
    for v in volunteers:
        for e in elders:
            services.relative_confirm(volunteer=v, elder=e, relation="child", actor=None)
    requests = []
    for op, who, amount in ops:
        v, e = volunteers[who % 2], elders[who % 2]
        try:
            if op == "deposit":
                services.deposit(volunteer=v, minutes=amount, actor=None)
            elif op == "transfer":
                services.transfer(giver=v, receiver=e, minutes=amount, actor=None, relation="child")
            elif op == "donate":
                services.donate(account=services.volunteer_account(v), minutes=amount, actor=None)
            elif op == "take":
                request = make_request(elder=e, payer=services.elder_account(e), minutes=amount)
                requests.append(
                    services.request_take(request=request, volunteer=volunteers[(who + 1) % 2], actor=None)
                )
            elif op == "approve" and requests:
                request = requests.pop(who % len(requests))
                start = timezone.now()
                services.request_check_in(request=request, volunteer=request.volunteer, actor=None, at=start)
                services.request_check_out(
                    request=request,
                    volunteer=request.volunteer,
                    actor=None,
                    at=start + timedelta(minutes=amount),
                )
                services.request_confirm(request=request, actor=None, as_proxy=False)
                services.request_approve(request=request, actor=None)
            elif op == "cancel" and requests:
                services.request_cancel(request=requests.pop(who % len(requests)), actor=None, reason="x")
            elif op == "reverse":
                txn = (
                    Transaction.objects.filter(
                        kind__in=[
                            TransactionKind.DEPOSIT,
                            TransactionKind.TRANSFER,
                            TransactionKind.DONATION,
                        ],
                        reversed_by__isnull=True,
                    )
                    .order_by("?")
                    .first()
                )
                if txn is not None:
                    services.reverse(txn=txn, actor=None, reason="property test")
        except DomainError:
            pass  # a refusal is a valid outcome; the ledger must still balance
        assert_sound()
