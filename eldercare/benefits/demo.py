"""Benefits in the demo city: programmes running for the past 12 months, with settlements and payments.

Deterministic for a seed. Shares below are labelled assumptions (no source for take-up rates was found):
- bank accounts on file for 97% of cash recipients; 1% of bank rows fail each month (carried next month);
- of economically disadvantaged elders with a published level ≥ 1, 80% receive the care-service subsidy,
  and of 特困/低保 elders at level ≥ 3, 70% the nursing subsidy; 5% of the disadvantaged a family care bed;
- two allowance recipients die in month 10 but the deaths are recorded only in month 12 (late import), so
  the last settlement shows recovery lines (追回).
The 高龄津贴 is granted by the same daily task as in production, run on the first of each month.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from eldercare.benefits import payment_format as fmt
from eldercare.benefits.choices import EntitlementSource, EntitlementStatus, LineStatus, SuspensionStatus
from eldercare.benefits.models import (
    Absence,
    Application,
    ApplicationDocument,
    BankAccount,
    Budget,
    Entitlement,
    Notification,
    Objection,
    PaymentBatch,
    PaymentLine,
    ReviewDecision,
    Settlement,
    Suspension,
)
from eldercare.benefits.rules import Month
from eldercare.benefits.selectors import level_histories, programmes_on
from eldercare.benefits.services import (
    grant_automatic,
    payments_export,
    payments_import_return,
    settle_month,
    settlement_lock,
)
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder

MONTHS = 12
POOR = ("tekun", "dibao", "dibian")


@demo_reset
def benefits_demo_reset(city_code: str) -> None:
    """Delete the city's benefit rows (raw deletes in dependency order; decision rows are insert-only)."""
    elders = Elder.objects.filter(residence_division__code__startswith=city_code).values("pk")
    applications = Application.objects.filter(elder__in=elders)
    PaymentLine.objects.filter(elder__in=elders)._raw_delete(PaymentLine.objects.db)
    Suspension.objects.filter(entitlement__elder__in=elders).delete()
    Notification.objects.filter(elder__in=elders).delete()
    ReviewDecision.objects.filter(application__in=applications)._raw_delete(ReviewDecision.objects.db)
    Objection.objects.filter(application__in=applications).delete()
    ApplicationDocument.objects.filter(application__in=applications).delete()
    Application.objects.filter(elder__in=elders).update(entitlement=None)
    Entitlement.objects.filter(elder__in=elders).update(application=None)
    applications.delete()
    Entitlement.objects.filter(elder__in=elders).delete()
    BankAccount.objects.filter(elder__in=elders).delete()
    Absence.objects.filter(elder__in=elders).delete()
    Budget.objects.filter(district_code__startswith=city_code).delete()
    empty = Settlement.objects.exclude(pk__in=PaymentLine.objects.values("settlement_id"))
    PaymentBatch.objects.filter(settlement__in=empty).delete()
    empty.delete()


def _programme_entitlements(ctx: DemoContext, first: Month) -> int:
    rng = ctx.rng("benefits.entitlements")
    programmes = programmes_on(first.first)
    rows = list(
        Elder.objects.filter(
            residence_division__code__startswith=ctx.city_code,
            status=ElderStatus.ACTIVE,
            economic_status__in=POOR,
        )
        .order_by("pk")
        .values_list("pk", "economic_status", "residence_division_id")
    )
    levels = level_histories([r[0] for r in rows])
    new: list[Entitlement] = []
    for elder_id, status, division in rows:
        history = levels.get(elder_id)
        level = history[-1].level if history else None
        start = first.add(rng.randrange(0, MONTHS)).first
        wanted = []
        if level is not None and level >= 1 and rng.random() < 0.8:
            wanted.append("care_service_subsidy")
        if level is not None and level >= 3 and status in ("tekun", "dibao") and rng.random() < 0.7:
            wanted.append("nursing_subsidy")
        if level is not None and level >= 2 and rng.random() < 0.05:
            wanted.append("family_care_bed")
        for code in wanted:
            programme = programmes.get(code)
            if programme is None:
                continue
            new.append(
                Entitlement(
                    elder_id=elder_id,
                    programme_code=code,
                    start_on=start,
                    source=EntitlementSource.DEMO,
                    monthly_amount_fen=next(
                        (t.amount_fen for t in programme.tiers if t.levels is None or level in t.levels), 0
                    ),
                    policy_version_id=programmes.version_id,
                    division_code=division,
                )
            )
    Entitlement.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _bank_accounts(ctx: DemoContext) -> None:
    rng = ctx.rng("benefits.accounts")
    have = set(BankAccount.objects.values_list("elder_id", flat=True))
    elders = (
        Elder.objects.filter(residence_division__code__startswith=ctx.city_code)
        .filter(pk__in=Entitlement.objects.values("elder_id"))
        .exclude(pk__in=have)
        .order_by("pk")
        .values_list("pk", "name", "residence_division_id")
    )
    accounts = []
    for elder_id, name, division in elders:
        if rng.random() < 0.97:
            number = "6222" + "".join(str(rng.randrange(10)) for _ in range(15))
            accounts.append(
                BankAccount(
                    elder_id=elder_id,
                    holder_name=name,
                    bank_name=rng.choice(
                        ["中国工商银行", "中国农业银行", "中国建设银行", "中国邮政储蓄银行"]
                    ),
                    account_number=number,
                    account_masked=f"****{number[-4:]}",
                    division_code=division,
                )
            )
    BankAccount.objects.bulk_create(accounts, batch_size=2000)


def _bank_return(ctx: DemoContext, batch: PaymentBatch, month: Month) -> None:
    rng = ctx.rng(f"benefits.return.{month}")
    read = fmt.read_csv(fmt.BANK_BATCH, bytes(batch.csv_content))
    rows: list[dict[str, object]] = [
        {
            "reference": r["reference"],
            "result": "失败" if rng.random() < 0.01 else "成功",
            "message": "",
        }
        for r in read.records(fmt.BANK_BATCH)
    ]
    content = fmt.to_csv(fmt.BANK_RETURN, rows)
    payments_import_return(batch=batch, content=content, file_name="return.csv", actor=ctx.actor or "demo")


def _budgets(ctx: DemoContext, year: int) -> None:
    booked: dict[tuple[str, str], int] = defaultdict(int)
    for row in (
        PaymentLine.objects.filter(district_code__startswith=ctx.city_code, settlement__period__year=year)
        .values("programme_code", "district_code")
        .annotate(total=Sum("amount_fen"))
    ):
        booked[(row["programme_code"], row["district_code"])] = row["total"] or 0
    budgets = [
        Budget(
            programme_code=programme,
            district_code=district,
            year=year,
            amount_fen=max(total * 11 // 10 // 100 * 100, 100000),
            note="demo: 110% of the year's booked amount",
        )
        for (programme, district), total in booked.items()
    ]
    Budget.objects.bulk_create(budgets, ignore_conflicts=True)


@demo_step(order=40)
def benefits_demo(ctx: DemoContext) -> None:
    """Grants, subsidies, and 12 monthly settlements with bank files and returns, up to last month."""
    from eldercare.registry.services.life_events import EventInput, life_events_record

    actor = ctx.actor or "demo"
    current = Month.of(ctx.today)
    first = current.add(-MONTHS)
    subsidies = _programme_entitlements(ctx, first)
    rng = ctx.rng("benefits.deaths")
    late_deaths: list[EventInput] = []
    for index in range(MONTHS):
        month = first.add(index)
        grant_automatic(on=month.first, actor=actor)
        _bank_accounts(ctx)
        if index == MONTHS - 1 and late_deaths:
            life_events_record(events=late_deaths, actor=actor, source="demo_late_import")
        settle_month(period=month, actor=actor)
        settlement = Settlement.objects.get(period=month.first)
        if settlement.status != "draft":
            continue
        Suspension.objects.filter(settlement=settlement, status=SuspensionStatus.OPEN).update(
            status=SuspensionStatus.CONFIRMED, decided_by="demo"
        )
        settlement_lock(settlement=settlement, actor=actor, note="demo review")
        batch = payments_export(settlement=settlement, actor=actor)
        _bank_return(ctx, batch, month)
        if index == MONTHS - 4:
            recipients = list(
                Entitlement.objects.filter(
                    programme_code="old_age_allowance",
                    status=EntitlementStatus.ACTIVE,
                    division_code__startswith=ctx.city_code,
                )
                .select_related("elder")
                .order_by("pk")[:50]
            )
            for ent in rng.sample(recipients, min(2, len(recipients))):
                late_deaths.append(
                    EventInput(
                        elder=ent.elder, kind="death", occurred_on=month.first.replace(day=rng.randint(1, 28))
                    )
                )
    _budgets(ctx, current.year)
    if current.previous().year != current.year:
        _budgets(ctx, current.previous().year)
    lines = PaymentLine.objects.filter(district_code__startswith=ctx.city_code)
    ctx.notes.append(
        f"benefits: {subsidies} subsidy entitlements, "
        f"{Entitlement.objects.filter(division_code__startswith=ctx.city_code).count()} entitlements in all, "
        f"{lines.count()} payment lines over {MONTHS} months, "
        f"{lines.filter(status=LineStatus.PAID).count()} paid, "
        f"{lines.filter(kind='recovery').count()} recovery lines"
    )
