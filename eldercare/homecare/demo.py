"""Home care's part of the demo city: providers, workers, a year of orders, settlements, call-backs,
canteens with a month of meals and inspections, family care beds and home adaptations.

Deterministic for a seed; scales with `ctx.scale` through the number of elders. Labelled assumptions (no
source gives these for Jiangmen or Wuhan; Wuhan's plan reports "500余万人次" of home-care services in total,
which is not a yearly rate):
- about 2.4 home-care orders per elder per year (≈ 5 % of elders using home care about 4 times a month);
- one provider per district (the first is the demo accounts' provider); one worker per 1,000 orders a
  year, at least 2;
- catalogue prices and durations below; 3 % of orders cancelled or failed; about 2 % suspicious (far check-in,
  short visit, one worker in two places, the same elder twice) and flagged, so the review queue has work;
- canteens: Jiangmen's plan counts 60 长者食堂 (≈ 6.8 per 100,000 elders); the same density is used for
  Wuhan (no figure found); capacity 80–200 meals a day, 60 % used, over the last 30 days;
- family care beds for 0.2 % of elders, home-adaptation applications for 0.5 %.
The historical year is written in bulk with the same amounts the services compute (funding and meal rules with
the seeded policy version); today's orders for the demo worker go through the services.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from eldercare.accounts.models import User
from eldercare.core.bulk import copy_update
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, DivisionLevel, Organisation, OrganisationKind
from eldercare.core.selectors import policy_value
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.homecare import rules, services
from eldercare.homecare.choices import (
    BedStatus,
    ConfirmedBy,
    LineKind,
    MealGroup,
    OrderSource,
    OrderStatus,
)
from eldercare.homecare.models import (
    AdaptationItem,
    Canteen,
    CarePlan,
    CatalogueItem,
    FamilyCareBed,
    FoodSafetyInspection,
    HomeAdaptation,
    MealServed,
    Menu,
    Provider,
    ProviderArea,
    ProviderContract,
    ProviderWorker,
    QualityCallback,
    ServiceOrder,
    Settlement,
    SettlementLine,
)
from eldercare.registry.models import Elder

TZ = ZoneInfo("Asia/Shanghai")
ORDERS_PER_ELDER_YEAR = 2.4
CANTEENS_PER_ELDER = 60 / 876_300  # Jiangmen: 60 长者食堂 for 876,300 elders aged 60+
# (service type, name, price in fen, minutes, skill, weight in the order mix) — assumptions
CATALOGUE = [
    ("meal", "助餐送餐", 1200, 20, "meal", 30),
    ("cleaning", "居家清洁", 6000, 120, "cleaning", 25),
    ("bathing", "助浴", 8000, 60, "bathing", 8),
    ("walking", "助行陪同", 4000, 60, "", 6),
    ("medical", "陪同就医", 6000, 120, "medical_escort", 6),
    ("care", "生活照料", 5000, 60, "nursing", 15),
    ("rehab", "康复训练", 7000, 45, "rehab", 4),
    ("companionship", "精神慰藉", 3000, 60, "", 6),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉珍"
DISHES = [
    "红烧鱼块、清炒时蔬、番茄蛋汤",
    "白切鸡、蒸水蛋、冬瓜汤",
    "豉汁排骨、炒菜心、紫菜汤",
    "肉末豆腐、炒青菜、玉米排骨汤",
]


@demo_reset
def reset_homecare(city_code: str) -> None:
    """Delete the city's home-care rows (demo only: real settlement lines are never deleted)."""
    providers = Provider.objects.filter(division__code__startswith=city_code)
    orders = ServiceOrder.objects.filter(Q(division__code__startswith=city_code) | Q(provider__in=providers))
    canteens = Canteen.objects.filter(division__code__startswith=city_code)
    adaptations = HomeAdaptation.objects.filter(division__code__startswith=city_code)
    beds = FamilyCareBed.objects.filter(division__code__startswith=city_code)
    FamilyCareBed.devices.through.objects.filter(familycarebed__in=beds).delete()
    for qs in (
        SettlementLine.objects.filter(provider__in=providers),
        Settlement.objects.filter(provider__in=providers),
        QualityCallback.objects.filter(order__in=orders),
        orders,
        CarePlan.objects.filter(Q(division__code__startswith=city_code) | Q(provider__in=providers)),
        beds,
        AdaptationItem.objects.filter(adaptation__in=adaptations),
        adaptations,
        MealServed.objects.filter(canteen__in=canteens),
        Menu.objects.filter(canteen__in=canteens),
        FoodSafetyInspection.objects.filter(canteen__in=canteens),
        canteens,
        ProviderWorker.objects.filter(provider__in=providers),
        CatalogueItem.objects.filter(provider__in=providers),
        ProviderContract.objects.filter(provider__in=providers),
        ProviderArea.objects.filter(provider__in=providers),
        providers,
    ):
        qs._raw_delete(qs.db)


def _name(rng: Any) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _providers(ctx: DemoContext, districts: list[Division]) -> list[Provider]:
    """One provider per district; the demo accounts' provider organisation becomes the first district's."""
    rng = ctx.rng("homecare.providers")
    demo_orgs = list(
        Organisation.objects.filter(kind=OrganisationKind.PROVIDER, division__code__startswith=ctx.city_code)
        .exclude(homecare_provider__isnull=False)
        .order_by("pk")
    )
    providers = []
    for district in districts:
        organisation = next((o for o in demo_orgs if o.division_id.startswith(district.code)), None)
        if organisation is not None:
            demo_orgs.remove(organisation)
        seat = Division.objects.filter(parent=district).order_by("code").first() or district
        provider = services.provider_register(
            name=organisation.name if organisation else f"{district.name}康乐居家养老服务有限公司",
            kind=rng.choice(["enterprise", "social_organisation"]),
            division=seat,
            areas=[district],
            organisation=organisation,
            phone="0750-" + str(rng.randint(3000000, 3999999)),
            actor=ctx.actor,
        )
        services.contract_add(
            provider=provider,
            number=f"GM-{district.code}-{ctx.today.year - 1}",
            purchaser=district,
            valid_from=date(ctx.today.year - 1, 1, 1),
            valid_to=date(ctx.today.year + 1, 12, 31),
            ceiling_fen=rng.randint(50, 500) * 1_000_000,
            actor=ctx.actor,
        )
        for service_type, name, price, minutes, skill, _w in CATALOGUE:
            services.catalogue_item_add(
                provider=provider,
                service_type=service_type,
                name=name,
                unit_price_fen=price,
                duration_minutes=minutes,
                required_skill=skill,
                actor=ctx.actor,
            )
        providers.append(provider)
    return providers


@demo_step(order=80)
def homecare_demo(ctx: DemoContext) -> None:
    rng = ctx.rng("homecare")
    elders_by_district: dict[str, list[Elder]] = defaultdict(list)
    for elder in Elder.objects.filter(
        residence_division__code__startswith=ctx.city_code, status="active"
    ).only(
        "id", "residence_division_id", "birth_date", "economic_status", "lon", "lat", "special_difficulty"
    ):
        elders_by_district[elder.residence_division_id[:6]].append(elder)
    total = sum(len(v) for v in elders_by_district.values())
    if not total:
        return
    districts = list(
        Division.objects.filter(code__in=sorted(elders_by_district), level=DivisionLevel.COUNTY).order_by(
            "code"
        )
    )
    providers = _providers(ctx, districts)
    by_district = {p.areas.first().division_id: p for p in providers}  # type: ignore[union-attr]
    items = {p.pk: {i.service_type: i for i in CatalogueItem.objects.filter(provider=p)} for p in providers}
    n_orders = max(50, round(total * ORDERS_PER_ELDER_YEAR))
    workers = _workers(ctx, rng, providers, n_orders, elders_by_district)
    orders = _year_of_orders(ctx, rng, by_district, items, workers, elders_by_district, n_orders)
    settled = _settle_history(ctx, providers)
    _callbacks(ctx, rng)
    canteens, meals = _canteens(ctx, rng, providers, elders_by_district, total)
    beds, adaptations = _programmes(ctx, rng, by_district, items, elders_by_district, total)
    _today(ctx, rng, providers, items, workers, elders_by_district)
    flagged = ServiceOrder.objects.filter(provider__in=providers, flagged=True).count()
    ctx.notes.append(
        f"home care: {len(providers)} providers, {sum(len(w) for w in workers.values())} workers, "
        f"{orders} orders in a year ({flagged} flagged), {settled} settlements, {canteens} canteens serving "
        f"{meals} meals in 30 days, {beds} family care beds, {adaptations} home adaptations"
    )


def _workers(
    ctx: DemoContext, rng: Any, providers: list[Provider], n_orders: int, by_district: dict[str, list[Elder]]
) -> dict[int, list[ProviderWorker]]:
    total = sum(len(v) for v in by_district.values())
    workers: dict[int, list[ProviderWorker]] = {}
    skills = ["meal", "cleaning", "bathing", "nursing", "rehab", "medical_escort", "counselling"]
    for provider in providers:
        district = provider.areas.first().division_id  # type: ignore[union-attr]
        share = len(by_district.get(district, [])) / total
        count = max(2, round(n_orders * share / 1000))
        rows = [
            ProviderWorker(
                provider=provider,
                name=_name(rng),
                phone=f"13{rng.randint(100000000, 999999999)}",
                skills=sorted(set(rng.sample(skills, 3)) | {"meal", "cleaning", "nursing"}),
                schedule={
                    d: [["08:00", "12:00"], ["13:30", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
                },
            )
            for _ in range(count)
        ]
        for w in rows:
            w.phone_masked = w.phone[:3] + "****" + w.phone[-4:]
        workers[provider.pk] = ProviderWorker.objects.bulk_create(rows)
    demo_worker = User.objects.filter(username="provider_worker").first()
    if demo_worker is not None and demo_worker.organisation_id is not None:
        own = next((p for p in providers if p.organisation_id == demo_worker.organisation_id), None)
        if own is not None and not ProviderWorker.objects.filter(user=demo_worker).exists():
            first = workers[own.pk][0]
            first.user = demo_worker
            first.name = "王护"
            first.save(update_fields=["user", "name"])
    return workers


def _funding(
    policy: dict[str, Any], meal: dict[str, Any], elder: Elder, item: CatalogueItem, day: date
) -> tuple[int, int]:
    facts = rules.ElderFacts(age=rules.age_on(elder.birth_date, day), economic_status=elder.economic_status)
    if item.service_type == "meal":
        split = rules.meal_split(price_fen=item.unit_price_fen, facts=facts, policy=meal)
        return split.subsidy_fen, split.elder_fen
    decision = rules.order_funding(
        price_fen=item.unit_price_fen, service_type=item.service_type, facts=facts, policy=policy
    )
    return decision.subsidy_fen, decision.elder_fen


def _year_of_orders(
    ctx: DemoContext,
    rng: Any,
    by_district: dict[str, Provider],
    items: dict[int, dict[str, CatalogueItem]],
    workers: dict[int, list[ProviderWorker]],
    elders_by_district: dict[str, list[Elder]],
    n_orders: int,
) -> int:
    funding = policy_value("homecare.funding", on=ctx.today)
    meal = policy_value("homecare.meal_subsidy", on=ctx.today)
    types = [c[0] for c in CATALOGUE]
    weights = [c[5] for c in CATALOGUE]
    districts = sorted(elders_by_district)
    total = sum(len(v) for v in elders_by_district.values())
    # users: about 5 % of elders in each district order repeatedly
    users = {
        d: rng.sample(elders_by_district[d], max(1, len(elders_by_district[d]) // 20)) for d in districts
    }
    start = ctx.today - timedelta(days=365)
    this_month = ctx.today.replace(day=1)
    rows: list[ServiceOrder] = []
    for d in districts:
        provider = by_district[d]
        crew = workers[provider.pk]
        count = round(n_orders * len(elders_by_district[d]) / total)
        for k in range(count):
            elder = rng.choice(users[d])
            item = items[provider.pk][rng.choices(types, weights)[0]]
            day = start + timedelta(days=rng.randrange(365))
            if day.weekday() >= 5:
                day -= timedelta(days=2)
            at = datetime.combine(
                day, time(rng.choice([8, 9, 10, 14, 15, 16]), rng.choice([0, 30])), tzinfo=TZ
            )
            subsidy, share = _funding(funding.value, meal.value, elder, item, day)
            worker = crew[k % len(crew)]
            home = (elder.lon or 113.08, elder.lat or 22.58)
            served = item.duration_minutes + rng.randint(-5, 15)
            roll = rng.random()
            status = OrderStatus.SETTLED if day < this_month else OrderStatus.VERIFIED
            flags: list[str] = []
            check_in = (home[0] + rng.uniform(-0.0005, 0.0005), home[1] + rng.uniform(-0.0005, 0.0005))
            if roll < 0.02:
                status = OrderStatus.CANCELLED
            elif roll < 0.03:
                status = OrderStatus.FAILED
            elif roll < 0.04:
                flags = ["far_check_in"]
                check_in = (home[0] + rng.uniform(0.01, 0.03), home[1] + rng.uniform(0.01, 0.03))
            elif roll < 0.05:
                flags = ["short_duration"]
                served = max(1, item.duration_minutes // 5)
            order = ServiceOrder(
                provider=provider,
                organisation_id=provider.organisation_id,
                elder=elder,
                division_id=elder.residence_division_id,
                item=item,
                service_type=item.service_type,
                source=rng.choice(
                    [OrderSource.COMMUNITY, OrderSource.PORTAL, OrderSource.CARE_PLAN, OrderSource.CARE_PLAN]
                ),
                worker=None if status == OrderStatus.CANCELLED else worker,
                status=status,
                scheduled_at=at,
                planned_minutes=item.duration_minutes,
                price_fen=item.unit_price_fen,
                subsidy_fen=subsidy,
                elder_fen=share,
                funding_source=f"policy:homecare.funding#{funding.version_id}",
                policy_version_id=funding.version_id if item.service_type != "meal" else meal.version_id,
                reason="老人住院，取消"
                if status == OrderStatus.CANCELLED
                else ("上门未遇" if status == OrderStatus.FAILED else ""),
            )
            if status not in (OrderStatus.CANCELLED, OrderStatus.FAILED):
                order.assigned_at = at - timedelta(days=1)
                order.check_in_at, order.check_out_at = at, at + timedelta(minutes=served)
                order.check_in_lon, order.check_in_lat = check_in
                order.check_out_lon, order.check_out_lat = check_in
                order.check_in_distance_m = rules.distance_to_home(home, check_in)
                order.check_out_distance_m = order.check_in_distance_m
                order.served_minutes = served
                order.confirmed_at = order.check_out_at + timedelta(minutes=1)
                order.confirmed_by = rng.choice([ConfirmedBy.ELDER, ConfirmedBy.FAMILY])
                if flags:
                    order.status, order.flags, order.flagged = OrderStatus.COMPLETED, flags, True
                else:
                    order.verified_at = order.confirmed_at
            else:
                order.closed_at = at
            rows.append(order)
    # two overlap patterns a month: one worker in two places, the same elder twice
    for month in range(12):
        d = districts[month % len(districts)]
        provider = by_district[d]
        worker = workers[provider.pk][0]
        elder_a, elder_b = rng.sample(users[d], 2) if len(users[d]) > 1 else (users[d][0], users[d][0])
        at = datetime.combine(start + timedelta(days=30 * month + 10), time(9), tzinfo=TZ)
        item = items[provider.pk]["cleaning"]
        other = workers[provider.pk][-1]
        pattern = (
            (elder_a, 0, worker, ["worker_overlap", "elder_double"]),  # serving A …
            (elder_b, 20, worker, ["worker_overlap"]),  # … and B at the same time
            (elder_a, 30, other, ["elder_double"]),  # A served twice at once
        )
        for elder, shift, who, flags in pattern:
            home = (elder.lon or 113.08, elder.lat or 22.58)
            begin = at + timedelta(minutes=shift)
            rows.append(
                ServiceOrder(
                    provider=provider,
                    organisation_id=provider.organisation_id,
                    elder=elder,
                    division_id=elder.residence_division_id,
                    item=item,
                    service_type=item.service_type,
                    source=OrderSource.COMMUNITY,
                    worker=who,
                    status=OrderStatus.COMPLETED,
                    scheduled_at=begin,
                    planned_minutes=item.duration_minutes,
                    price_fen=item.unit_price_fen,
                    subsidy_fen=0,
                    elder_fen=item.unit_price_fen,
                    assigned_at=begin - timedelta(days=1),
                    check_in_at=begin,
                    check_out_at=begin + timedelta(minutes=item.duration_minutes),
                    check_in_lon=home[0],
                    check_in_lat=home[1],
                    check_in_distance_m=0,
                    served_minutes=item.duration_minutes,
                    confirmed_at=begin + timedelta(minutes=item.duration_minutes + 1),
                    confirmed_by=ConfirmedBy.ELDER,
                    flags=flags,
                    flagged=True,
                )
            )
    ServiceOrder.objects.bulk_create(rows, batch_size=2000)
    # back-date creation to when the orders were placed (demo only: bulk update bypasses auto_now)
    for o in rows:
        o.created_at = o.scheduled_at - timedelta(days=2)
    copy_update(ServiceOrder, rows, ["created_at"])
    return len(rows)


def _settle_history(ctx: DemoContext, providers: list[Provider]) -> int:
    """Past months' settlements written in bulk: exactly the lines `settlement_run` writes."""
    this_month = ctx.today.replace(day=1)
    count = 0
    for provider in providers:
        months: dict[date, list[ServiceOrder]] = defaultdict(list)
        for o in ServiceOrder.objects.filter(provider=provider, status=OrderStatus.SETTLED).only(
            "id", "scheduled_at", "price_fen", "subsidy_fen", "elder_fen"
        ):
            months[o.scheduled_at.astimezone(TZ).date().replace(day=1)].append(o)
        for period in sorted(months):
            if period >= this_month:
                continue
            orders = months[period]
            settlement = Settlement.objects.create(
                provider=provider,
                period=period,
                order_count=len(orders),
                price_fen=sum(o.price_fen for o in orders),
                subsidy_fen=sum(o.subsidy_fen for o in orders),
                elder_fen=sum(o.elder_fen for o in orders),
            )
            SettlementLine.objects.bulk_create(
                [
                    SettlementLine(
                        settlement=settlement,
                        provider=provider,
                        order=o,
                        kind=LineKind.ORDER,
                        price_fen=o.price_fen,
                        subsidy_fen=o.subsidy_fen,
                        elder_fen=o.elder_fen,
                    )
                    for o in orders
                ],
                batch_size=2000,
            )
            count += 1
    return count


def _callbacks(ctx: DemoContext, rng: Any) -> None:
    """5 % of verified or settled orders got a call-back; most were reached and satisfied."""
    ids = list(
        ServiceOrder.objects.filter(
            division__code__startswith=ctx.city_code, status__in=[OrderStatus.VERIFIED, OrderStatus.SETTLED]
        )
        .order_by("pk")
        .values_list("pk", "division_id", "verified_at")
    )
    rows = []
    for pk, division_id, verified_at in ids:
        if rng.random() >= 0.05:
            continue
        if verified_at is None:
            continue
        due = verified_at.date() >= ctx.today - timedelta(days=7)
        reached = rng.random() < 0.85
        rows.append(
            QualityCallback(
                order_id=pk,
                division_id=division_id,
                called_at=None if due else verified_at + timedelta(days=2),
                reached=None if due else reached,
                service_happened=True if reached and not due else None,
                satisfaction=None if due or not reached else rng.choices([5, 4, 3, 2], [60, 28, 9, 3])[0],
            )
        )
    QualityCallback.objects.bulk_create(rows, batch_size=2000)


def _canteens(
    ctx: DemoContext,
    rng: Any,
    providers: list[Provider],
    elders_by_district: dict[str, list[Elder]],
    total: int,
) -> tuple[int, int]:
    meal_policy = policy_value("homecare.meal_subsidy", on=ctx.today)
    n = max(len(providers), round(total * CANTEENS_PER_ELDER))
    canteens = []
    for k in range(n):
        provider = providers[k % len(providers)]
        district = provider.areas.first().division_id  # type: ignore[union-attr]
        elders = elders_by_district[district]
        community_id = rng.choice(elders).residence_division_id
        community = Division.objects.get(code=community_id)
        canteens.append(
            services.canteen_create(
                name=f"{community.name.removesuffix('居委会').removesuffix('委会')}长者食堂",
                operator=provider.organisation,
                division=community,
                daily_capacity=rng.randint(80, 200),
                delivers=rng.random() < 0.7,
                lon=community.lon,
                lat=community.lat,
                actor=ctx.actor,
            )
        )
    meals: list[MealServed] = []
    menus: list[Menu] = []
    for canteen in canteens:
        nearby = [
            e
            for e in elders_by_district[canteen.division_id[:6]]
            if e.residence_division_id[:9] == canteen.division_id[:9]
        ]
        nearby = nearby or elders_by_district[canteen.division_id[:6]]
        regulars = rng.sample(nearby, min(len(nearby), max(5, round(canteen.daily_capacity * 0.6))))
        for back in range(30):
            day = ctx.today - timedelta(days=back + 1)
            menus.append(
                Menu(canteen=canteen, day=day, meal="lunch", dishes=rng.choice(DISHES), price_fen=1200)
            )
            for elder in regulars:
                if rng.random() > 0.8:
                    continue
                facts = rules.ElderFacts(rules.age_on(elder.birth_date, day), elder.economic_status)
                split = rules.meal_split(price_fen=1200, facts=facts, policy=meal_policy.value)
                meals.append(
                    MealServed(
                        canteen=canteen,
                        elder=elder,
                        division_id=elder.residence_division_id,
                        served_on=day,
                        meal="lunch",
                        mode=rng.choices(
                            ["dine_in", "pick_up", "delivery"], [6, 2, 2 if canteen.delivers else 0]
                        )[0],
                        group=split.group if split.group in MealGroup.values else "none",
                        identified_by=rng.choices(["id_number", "phone", "meal_card"], [5, 3, 2])[0],
                        price_fen=1200,
                        subsidy_fen=split.subsidy_fen,
                        elder_fen=split.elder_fen,
                        policy_version_id=meal_policy.version_id,
                        reasons=list(split.reasons),
                    )
                )
        for quarter in range(4):
            services.inspection_record(
                canteen=canteen,
                inspected_on=ctx.today - timedelta(days=90 * quarter + rng.randint(1, 30)),
                inspector="市场监督管理局",
                result="rectify" if rng.random() < 0.15 else "pass",
                findings="留样记录不全" if quarter == 3 else "",
                rectify_by=ctx.today + timedelta(days=15),
                actor=ctx.actor,
            )
    Menu.objects.bulk_create(menus, batch_size=2000, ignore_conflicts=True)
    # one meal per elder per day and meal city-wide (two canteens may share a regular)
    seen: set[tuple[int, date]] = set()
    unique = []
    for m in meals:
        if (m.elder_id, m.served_on) not in seen:
            seen.add((m.elder_id, m.served_on))
            unique.append(m)
    MealServed.objects.bulk_create(unique, batch_size=5000)
    return len(canteens), len(unique)


def _programmes(
    ctx: DemoContext,
    rng: Any,
    by_district: dict[str, Provider],
    items: dict[int, dict[str, CatalogueItem]],
    elders_by_district: dict[str, list[Elder]],
    total: int,
) -> tuple[int, int]:
    everyone = [e for d in sorted(elders_by_district) for e in elders_by_district[d]]
    bed_count = max(3, round(total * 0.002))
    beds = 0
    for elder in rng.sample(everyone, min(bed_count, len(everyone))):
        provider = by_district[elder.residence_division_id[:6]]
        applied = ctx.today - timedelta(days=rng.randint(20, 300))
        bed = services.bed_apply(elder=elder, provider=provider, actor=ctx.actor, applied_on=applied)
        beds += 1
        if rng.random() < 0.1:
            continue  # still waiting for the home assessment
        bed = services.bed_assess(
            bed=bed,
            findings={"notes": "卧室可放置护理床，卫生间需加装扶手"},
            suitable=rng.random() < 0.95,
            actor=ctx.actor,
        )
        if bed.status != BedStatus.ASSESSED:
            continue
        bed = services.bed_contract(
            bed=bed,
            number=f"JTCW-{bed.pk:06d}",
            contract_from=applied + timedelta(days=10),
            contract_to=applied + timedelta(days=375),
            monthly_fee_fen=rng.choice([20000, 30000, 50000]),
            actor=ctx.actor,
        )
        services.bed_plan_add(
            bed=bed, item=items[provider.pk]["care"], weekdays=[1, 4], start_time=time(9), actor=ctx.actor
        )
    adaptation_count = max(5, round(total * 0.005))
    catalogue = [i["code"] for i in policy_value("homecare.adaptation", on=ctx.today).value["items"]]
    done = 0
    for k, elder in enumerate(rng.sample(everyone, min(adaptation_count, len(everyone)))):
        provider = by_district[elder.residence_division_id[:6]]
        applied = ctx.today - timedelta(days=rng.randint(30, 330))
        a = services.adaptation_apply(
            elder=elder, actor=ctx.actor, applied_on=applied, willing=rng.random() < 0.95
        )
        stage = rng.random()
        if k % 17 == 0:
            services.adaptation_close(
                adaptation=a, withdrawn=True, reason="家属决定暂不改造", actor=ctx.actor
            )
            continue
        if stage < 0.15:
            continue
        a = services.adaptation_survey(
            adaptation=a, notes="卫生间地面湿滑，无扶手", actor=ctx.actor, on=applied + timedelta(days=7)
        )
        if stage < 0.3:
            continue
        chosen = dict.fromkeys(rng.sample(catalogue[:7], 3), 1) | (
            {rng.choice(catalogue[7:]): 1} if rng.random() < 0.3 else {}
        )
        a = services.adaptation_plan(
            adaptation=a, items=chosen, provider=provider, actor=ctx.actor, on=applied + timedelta(days=14)
        )
        if stage < 0.4:
            continue
        a = services.adaptation_start_works(adaptation=a, actor=ctx.actor, on=applied + timedelta(days=21))
        if stage < 0.5:
            continue
        a = services.adaptation_accept(adaptation=a, actor=ctx.actor, on=applied + timedelta(days=28))
        done += 1
        if stage < 0.7:
            continue
        services.adaptation_pay_subsidy(adaptation=a, actor=ctx.actor, on=applied + timedelta(days=29))
    return beds, adaptation_count


def _today(
    ctx: DemoContext,
    rng: Any,
    providers: list[Provider],
    items: dict[int, dict[str, CatalogueItem]],
    workers: dict[int, list[ProviderWorker]],
    elders_by_district: dict[str, list[Elder]],
) -> None:
    """Today's orders of the demo worker (through the services) and a few unassigned requests."""
    demo = ProviderWorker.objects.filter(user__username="provider_worker").select_related("provider").first()
    provider = demo.provider if demo is not None else providers[0]
    district = provider.areas.first().division_id  # type: ignore[union-attr]
    elders = elders_by_district.get(district) or next(iter(elders_by_district.values()))
    for k, hour in enumerate((9, 11, 14, 16)):
        order = services.order_create(
            elder=rng.choice(elders),
            item=items[provider.pk][["cleaning", "care", "bathing", "companionship"][k]],
            scheduled_at=datetime.combine(ctx.today, time(hour), tzinfo=TZ),
            source=OrderSource.COMMUNITY,
            actor=ctx.actor,
        )
        if demo is not None and k < 3:
            with suppress(DomainError):  # outside the worker's hours (a weekend): stays requested
                services.order_assign(order=order, worker=demo, actor=ctx.actor)
