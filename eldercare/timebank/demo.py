"""The time bank's part of the demo city: teams, volunteers and a year of approved service.

Deterministic for a seed. Labelled assumptions (no source gives these for Jiangmen or Wuhan):
- volunteers: 1 per 100 elders of the generated city (at least 5);
- each volunteer serves 1–4 times a month, 30–180 minutes a time, in their own street;
- one volunteer in ten has a confirmed parent among the elders and transfers part of their units;
- one volunteer in five donates some units to their community pool.
The historical year is written in bulk (one deposit transaction per approved service, exactly what
`request_approve` writes, balances set from the postings); today's open and running requests, transfers,
donations, a redeemed service and the demo accounts' links go through the services. The ledger
invariant is checked at the end.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum

from eldercare.accounts.models import User
from eldercare.core.bulk import copy_update
from eldercare.core.exceptions import DomainError
from eldercare.core.ids import make_resident_id
from eldercare.core.models import Division, Organisation, OrganisationKind
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.registry.models import Elder
from eldercare.timebank import rules, services
from eldercare.timebank.choices import AccountKind, RequestStatus, ServiceType, Skill, TransactionKind
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
from eldercare.timebank.selectors import ledger_invariant

TZ = ZoneInfo("Asia/Shanghai")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉珍"


@demo_reset
def reset_timebank(city_code: str) -> None:
    """Delete the city's time-bank rows (demo only: the real ledger is append-only)."""
    accounts = Account.objects.filter(division__code__startswith=city_code)
    for qs in (
        Posting.objects.filter(account__in=accounts),
        Reservation.objects.filter(account__in=accounts),
        Transaction.objects.filter(division__code__startswith=city_code),
        ServiceRequest.objects.filter(division__code__startswith=city_code),
        VolunteerRelative.objects.filter(volunteer__division__code__startswith=city_code),
        ProxyLink.objects.filter(elder__residence_division__code__startswith=city_code),
        accounts,
        Volunteer.objects.filter(division__code__startswith=city_code),
        VolunteerTeam.objects.filter(division__code__startswith=city_code),
    ):
        qs._raw_delete(qs.db)


@demo_step(order=70)
def timebank_demo(ctx: DemoContext) -> None:
    rng = ctx.rng("timebank")
    elders_by_street: dict[str, list[Elder]] = defaultdict(list)
    for elder in Elder.objects.filter(residence_division__code__startswith=ctx.city_code).only(
        "id", "residence_division_id", "birth_date", "id_number_hash", "name"
    ):
        elders_by_street[elder.residence_division_id[:9]].append(elder)
    total_elders = sum(len(v) for v in elders_by_street.values())
    if not total_elders:
        return
    streets = sorted(elders_by_street, key=lambda s: -len(elders_by_street[s]))
    n_volunteers = max(5, total_elders // 100)

    # teams: one per busy street, managed by the street's community or a social organisation (五社联动)
    teams: dict[str, VolunteerTeam] = {}
    for street_code in streets[: max(1, n_volunteers // 10)]:
        street = Division.objects.get(code=street_code)
        organisation, _ = Organisation.objects.get_or_create(
            name=f"{street.name}志愿服务协会",
            kind=OrganisationKind.SOCIAL_ORGANISATION,
            defaults={"division": street},
        )
        teams[street_code] = services.team_create(
            name=f"{street.name}时间银行志愿服务队",
            division=street,
            organisation=organisation,
            actor=ctx.actor,
        )

    volunteers: list[Volunteer] = []
    attempt = 0
    while len(volunteers) < n_volunteers and attempt < n_volunteers * 3:
        attempt += 1
        street_code = streets[len(volunteers) % len(streets)]
        home = rng.choice(elders_by_street[street_code]).residence_division
        birth = datetime(rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28), tzinfo=TZ).date()
        number = make_resident_id(home.code[:6], birth, rng.randint(0, 999))
        try:
            volunteers.append(
                services.volunteer_register(
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    id_number=number,
                    division=home,
                    team=teams.get(street_code),
                    skills=rng.sample(list(Skill.values), k=rng.randint(1, 3)),
                    availability={
                        day: [rng.choice(["am", "pm"])] for day in rng.sample(["mon", "wed", "sat"], 2)
                    },
                    actor=ctx.actor,
                    today=ctx.today,
                )
            )
        except DomainError:
            continue  # an ID number drawn twice: draw again

    # a year of approved service, in bulk
    policy, versions = services.load_policy(ctx.today)
    issuance = services.issuance_account(ctx.city_code)
    accounts = {v.pk: services.volunteer_account(v) for v in volunteers}
    start = ctx.today - timedelta(days=365)
    requests: list[ServiceRequest] = []
    for volunteer in volunteers:
        street_elders = elders_by_street[volunteer.division_id[:9]]
        for month in range(12):
            for _ in range(rng.randint(1, 4)):
                day = start + timedelta(days=month * 30 + rng.randint(0, 29))
                at = datetime.combine(day, time(rng.randint(8, 16), rng.choice([0, 30])), tzinfo=TZ)
                minutes = rng.choice([30, 60, 60, 90, 120, 180])
                elder = rng.choice(street_elders)
                service_type = rng.choice(list(ServiceType.values))
                requests.append(
                    ServiceRequest(
                        elder=elder,
                        division_id=elder.residence_division_id,
                        service_type=service_type,
                        scheduled_at=at,
                        planned_minutes=minutes,
                        status=RequestStatus.APPROVED,
                        posted_as_proxy=True,
                        volunteer=volunteer,
                        taken_at=at - timedelta(days=1),
                        checked_in_at=at,
                        checked_out_at=at + timedelta(minutes=minutes),
                        served_minutes=minutes,
                        confirmed_at=at + timedelta(hours=2),
                        confirmed_as_proxy=rng.random() < 0.4,
                        approved_at=at + timedelta(days=1),
                        credited_minutes=rules.units_for_service(minutes, service_type, policy),
                    )
                )
    ServiceRequest.objects.bulk_create(requests, batch_size=2000)
    transactions = [
        Transaction(
            kind=TransactionKind.DEPOSIT,
            memo=f"request #{r.pk}",
            division_id=r.volunteer.division_id,  # type: ignore[union-attr]
            service_request=r,
            policy_version_ids=versions,
        )
        for r in requests
    ]
    Transaction.objects.bulk_create(transactions, batch_size=2000)
    postings: list[Posting] = []
    for r, txn in zip(requests, transactions, strict=True):
        units = r.credited_minutes or 0
        postings.append(Posting(transaction=txn, account=issuance, amount_minutes=-units))
        postings.append(Posting(transaction=txn, account=accounts[r.volunteer_id], amount_minutes=units))  # type: ignore[index]
    Posting.objects.bulk_create(postings, batch_size=5000)
    # back-date the year's rows to when they were approved (demo only: bulk_update bypasses save())
    for r, txn in zip(requests, transactions, strict=True):
        txn.created_at = r.approved_at or r.scheduled_at
    copy_update(Transaction, transactions, ["created_at"])
    for p in postings:
        p.created_at = p.transaction.created_at
    copy_update(Posting, postings, ["created_at"])
    sums = dict(
        Posting.objects.filter(account__in=[issuance, *accounts.values()])
        .values("account_id")
        .annotate(s=Sum("amount_minutes"))
        .values_list("account_id", "s")
    )
    for account in [issuance, *accounts.values()]:
        Account.objects.filter(pk=account.pk).update(balance_minutes=sums.get(account.pk) or 0)

    # transfers to relatives and donations, through the services
    for i, volunteer in enumerate(volunteers):
        account = Account.objects.get(pk=accounts[volunteer.pk].pk)
        if i % 10 == 0 and account.balance_minutes >= 120:
            parent = rng.choice(elders_by_street[volunteer.division_id[:9]])
            services.relative_confirm(
                volunteer=volunteer, elder=parent, relation="parent", actor=ctx.actor, evidence="户口簿"
            )
            services.transfer(
                giver=volunteer, receiver=parent, minutes=account.balance_minutes // 2, actor=ctx.actor,
                relation="parent",
            )  # fmt: skip
        elif i % 5 == 1 and account.balance_minutes >= 60:
            services.donate(account=account, minutes=60, actor=ctx.actor)

    _today(ctx, rng, volunteers, elders_by_street)
    report = ledger_invariant()
    ctx.notes.append(
        f"time bank: {len(volunteers)} volunteers, {len(requests)} approved services in a year, "
        f"{report.balances_in_circulation // 60} hours held; ledger invariant "
        f"{'holds' if report.ok else 'FAILS'}"
    )


def _demo_volunteer(
    ctx: DemoContext, rng: Any, volunteers: list[Volunteer], by_street: dict[str, list[Elder]]
) -> Volunteer:
    """The volunteer the demo account becomes: one serving in the demo community worker's street, so
    that the demo coordinators (community worker, street officer) can post requests the volunteer sees;
    registered there if the street has none."""
    worker = User.objects.filter(username="community_worker").first()
    street = (worker.division_id or "")[:9] if worker is not None else ""
    if not street or street not in by_street:
        return volunteers[0]
    found = next((v for v in volunteers if v.division_id.startswith(street)), None)
    if found is not None:
        return found
    home = Division.objects.get(code=worker.division_id) if worker is not None else None
    for _attempt in range(5):
        birth = datetime(rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28), tzinfo=TZ).date()
        try:
            return services.volunteer_register(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                id_number=make_resident_id(street[:6], birth, rng.randint(0, 999)),
                division=home or by_street[street][0].residence_division,
                skills=[Skill.CLEANING],
                availability={"sat": ["am"]},
                actor=ctx.actor,
                today=ctx.today,
            )
        except DomainError:
            continue  # an ID number drawn twice: draw again
    return volunteers[0]


def _today(
    ctx: DemoContext, rng: Any, volunteers: list[Volunteer], by_street: dict[str, list[Elder]]
) -> None:
    """Open requests, one running redeemed service, and the demo accounts' own links."""
    now = datetime.combine(ctx.today, time(9, 0), tzinfo=TZ)
    demo_volunteer = User.objects.filter(username="volunteer").first()
    mine = Volunteer.objects.filter(user=demo_volunteer).first() if demo_volunteer is not None else None
    if demo_volunteer is not None and volunteers and mine is None:
        mine = _demo_volunteer(ctx, rng, volunteers, by_street)
        mine.user = demo_volunteer
        mine.save(update_fields=["user", "updated_at"])
    if volunteers:
        street_elders = by_street[(mine or volunteers[0]).division_id[:9]]
        for k in range(6):
            elder = rng.choice(street_elders)
            services.request_post(
                elder=elder,
                service_type=rng.choice(list(ServiceType.values)),
                scheduled_at=now + timedelta(days=k + 1, hours=k % 3),
                planned_minutes=60,
                actor=ctx.actor,
                description="演示：陪伴聊天、读报",
            )
        # a redeemed service paid by an elder who received units from a relative
        holder = (
            Account.objects.filter(
                kind=AccountKind.ELDER, balance_minutes__gte=60, division__code__startswith=ctx.city_code
            )
            .select_related("elder")
            .first()
        )
        if holder is not None and holder.elder is not None and len(volunteers) > 1:
            request = services.request_post(
                elder=holder.elder,
                service_type=ServiceType.CLEANING,
                scheduled_at=now + timedelta(hours=2),
                planned_minutes=60,
                actor=ctx.actor,
                payer_account=holder,
            )
            services.request_take(request=request, volunteer=volunteers[1], actor=ctx.actor)
    for username, kind in (("elder", "self"), ("family", "family")):
        user = User.objects.filter(username=username).first()
        if user is not None and volunteers:
            elder = by_street[volunteers[0].division_id[:9]][0]
            services.proxy_link_confirm(elder=elder, user=user, kind=kind, actor=ctx.actor)
