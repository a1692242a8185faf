"""Workforce and supervision in the demo city: care workers with skill levels, training, a few on the
joint-punishment list; a published random-inspection campaign with findings and rectification orders;
complaints, some of them overdue and escalated.

Deterministic for a seed. Labelled assumptions (no source gives these for the demo cities):
- workers: 1 per 110 elders of the generated city (Wuhan plan: ≥20,000 care staff for its elders), at
  least 30; categories 70% care workers, 10% social workers, 8% managers, 6% doctors/nurses, rest other;
- skill levels of care workers: 30% uncertified, 35% level 5, 25% level 4, 8% level 3, 2% levels 2/1;
- about 1% of workers on the joint-punishment list (at least 2);
- 3 training providers and 8 courses per city, each worker 0–3 attendances in the last two years;
- one campaign per city, GB 38600 checklist, 1 in 3 inspections with findings, some orders overdue;
- 1 complaint per 400 elders (at least 12), a third still open past their time limits.
Workers, employments, certificates and training records are written in bulk (what the services write,
without an audit row per synthetic row); listings, the draw, inspections and complaints go through the
services so that their audit, seeds and due times are real.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.ids import make_resident_id, mask_id_number
from eldercare.core.models import Division, DivisionLevel, Organisation, OrganisationKind
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.registry.models import Elder
from eldercare.supervision import services as supervision
from eldercare.supervision.choices import ComplaintChannel, ComplaintSubject, Severity
from eldercare.supervision.models import (
    Campaign,
    Complaint,
    ComplaintEvent,
    Finding,
    Inspection,
    InspectorConflict,
    Rectification,
)
from eldercare.workforce import services as workforce
from eldercare.workforce.choices import CertificateKind, CourseKind, StaffCategory
from eldercare.workforce.models import (
    Appeal,
    Certificate,
    CreditRecord,
    Employment,
    PunishmentListing,
    Reward,
    TrainingCourse,
    TrainingProvider,
    TrainingRecord,
    Worker,
)
from eldercare.workforce.selectors import hash_id_number

TZ = ZoneInfo("Asia/Shanghai")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉珍"
CATEGORY_WEIGHTS = {
    StaffCategory.NURSING_WORKER: 70,
    StaffCategory.SOCIAL_WORKER: 10,
    StaffCategory.MANAGER: 8,
    StaffCategory.DOCTOR: 3,
    StaffCategory.NURSE: 3,
    StaffCategory.OTHER: 6,
}
LEVEL_WEIGHTS = {None: 30, 5: 35, 4: 25, 3: 8, 2: 1, 1: 1}


@demo_reset
def reset_workforce_and_supervision(city_code: str) -> None:
    """Delete the city's workforce and supervision rows (demo only)."""
    in_city = Q(division__code__startswith=city_code)
    workers = Worker.objects.filter(in_city)
    for qs in (
        ComplaintEvent.objects.filter(complaint__division__code__startswith=city_code),
        Complaint.objects.filter(in_city),
        Finding.objects.filter(inspection__organisation__division__code__startswith=city_code),
        Inspection.objects.filter(
            organisation__division__code__startswith=city_code, reinspection_of__isnull=False
        ),
        Rectification.objects.filter(organisation__division__code__startswith=city_code),
        Inspection.objects.filter(organisation__division__code__startswith=city_code),
        Campaign.objects.filter(in_city),
        InspectorConflict.objects.filter(organisation__division__code__startswith=city_code),
        Appeal.objects.filter(listing__worker__in=workers),
        PunishmentListing.objects.filter(worker__in=workers),
        CreditRecord.objects.filter(worker__in=workers),
        Reward.objects.filter(worker__in=workers),
        TrainingRecord.objects.filter(worker__in=workers),
        Certificate.objects.filter(worker__in=workers),
        Employment.objects.filter(worker__in=workers),
        TrainingCourse.objects.filter(provider__division__code__startswith=city_code),
        TrainingProvider.objects.filter(in_city),
        workers,
    ):
        qs.delete()


def _pick(rng: Any, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _organisations(ctx: DemoContext, rng: Any) -> list[Organisation]:
    """Institutions and providers of the city; a few synthetic ones per district if there are too few
    (the facilities app, when merged, supplies the real list)."""
    existing = list(
        Organisation.objects.filter(
            division__code__startswith=ctx.city_code,
            kind__in=[OrganisationKind.INSTITUTION, OrganisationKind.PROVIDER],
            is_active=True,
        ).order_by("id")
    )
    if len(existing) >= 12:
        return existing
    districts = list(
        Division.objects.filter(parent_id=ctx.city_code, level=DivisionLevel.COUNTY).order_by("code")
    )
    for district in districts:
        street = Division.objects.filter(parent=district).order_by("code").first()
        if street is None:
            continue
        for kind, suffix in (
            (OrganisationKind.INSTITUTION, "养老院（示例）"),
            (OrganisationKind.PROVIDER, "居家养老服务站（示例）"),
        ):
            org, _ = Organisation.objects.get_or_create(
                name=f"{street.name}{suffix}", kind=kind, defaults={"division": street}
            )
            existing.append(org)
    return sorted(set(existing), key=lambda o: o.pk)


def _inspectors(ctx: DemoContext) -> list[User]:
    """The demo inspector plus four more city inspectors (no sign-in: unusable passwords)."""
    city = Division.objects.get(code=ctx.city_code)
    for n in range(1, 5):
        username = f"inspector{n}_{ctx.city_code}"
        if not User.objects.filter(username=username).exists():
            user = User(username=username, role=Role.INSPECTOR, division=city, display_name=f"监督员{n}")
            user.set_unusable_password()
            user.save()
    return list(
        User.objects.filter(role=Role.INSPECTOR, division__code__startswith=ctx.city_code[:4]).order_by("id")
    )


@demo_step(order=80)
def workforce_and_supervision_demo(ctx: DemoContext) -> None:
    if Worker.objects.filter(division__code__startswith=ctx.city_code).exists():
        return  # already built for this city (run with --reset to rebuild)
    rng = ctx.rng("workforce")
    elders = Elder.objects.filter(residence_division__code__startswith=ctx.city_code).count()
    organisations = _organisations(ctx, rng)
    if not organisations:
        return
    workers = _workers(ctx, rng, elders, organisations)
    _training(ctx, rng, workers)
    _listings(ctx, rng, workers)
    inspectors = _inspectors(ctx)
    _campaign(ctx, rng, organisations, inspectors)
    _complaints(ctx, rng, elders, organisations)
    ctx.notes.append(f"workforce: {len(workers)} workers; supervision: 1 campaign, complaints")


def _workers(ctx: DemoContext, rng: Any, elders: int, organisations: list[Organisation]) -> list[Worker]:
    n = max(30, elders // 110)
    rows: list[Worker] = []
    seen: set[str] = set()
    for i in range(n):
        employer = organisations[i % len(organisations)]
        birth = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        number = make_resident_id(employer.division_id[:6], birth, rng.randint(0, 999))
        hashed = hash_id_number(number)
        if hashed in seen:
            continue
        seen.add(hashed)
        category = _pick(rng, CATEGORY_WEIGHTS)
        level = _pick(rng, LEVEL_WEIGHTS) if category == StaffCategory.NURSING_WORKER else None
        rows.append(
            Worker(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                id_number=number,  # encrypted by the field
                id_number_hash=hashed,
                id_number_masked=mask_id_number(number),
                birth_date=birth,
                sex="M" if int(number[16]) % 2 else "F",
                category=category,
                skill_level=level,
                division_id=employer.division_id,
                current_employer=employer,
            )
        )
    workers = Worker.objects.bulk_create(rows, batch_size=2000)
    employments, certificates = [], []
    for worker in workers:
        started = ctx.today - timedelta(days=rng.randint(60, 2500))
        if rng.random() < 0.25:  # an earlier job elsewhere: the history follows the worker
            earlier = rng.choice(organisations)
            employments.append(
                Employment(
                    worker=worker,
                    employer=earlier,
                    position=worker.category,
                    started_on=started - timedelta(days=rng.randint(400, 1500)),
                    ended_on=started - timedelta(days=1),
                    end_reason="离职",
                )
            )
        current = worker.current_employer
        if current is None:
            continue
        employments.append(
            Employment(worker=worker, employer=current, position=worker.category, started_on=started)
        )
        if worker.skill_level:
            certificates.append(
                Certificate(
                    worker=worker,
                    kind=CertificateKind.SKILL_LEVEL,
                    level=worker.skill_level,
                    number=f"ZJ{worker.pk:08d}",
                    issuer="人力资源和社会保障局",
                    issued_on=started,
                    expires_on=None,
                )
            )
        if worker.category == StaffCategory.SOCIAL_WORKER:
            certificates.append(
                Certificate(
                    worker=worker,
                    kind=CertificateKind.SOCIAL_WORK,
                    number=f"SG{worker.pk:08d}",
                    issuer="民政部 人力资源和社会保障部",
                    issued_on=started,
                )
            )
    Employment.objects.bulk_create(employments, batch_size=2000)
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    return workers


def _training(ctx: DemoContext, rng: Any, workers: list[Worker]) -> None:
    districts = sorted({w.division_id[:6] for w in workers})
    providers = []
    for i in range(3):
        division = Division.objects.filter(
            code__startswith=districts[i % len(districts)], level=DivisionLevel.STREET
        )
        street = division.order_by("code").first() or Division.objects.get(code=districts[0])
        providers.append(
            TrainingProvider.objects.create(
                name=f"{street.name}养老护理职业技能培训学校（示例）",
                division=street,
                is_vocational=True,
                accredited_on=ctx.today - timedelta(days=365 * (i + 1)),
            )
        )
    kinds = [CourseKind.PRE_JOB, CourseKind.ON_JOB, CourseKind.SKILL_LEVEL, CourseKind.MANAGEMENT]
    courses = []
    for i in range(8):
        starts = ctx.today - timedelta(days=rng.randint(30, 700))
        courses.append(
            TrainingCourse.objects.create(
                provider=providers[i % 3],
                title=f"养老护理员{['岗前', '在岗', '等级', '院长'][i % 4]}培训 第{i + 1}期",
                kind=kinds[i % 4],
                hours=rng.choice([16, 24, 40, 80]),
                starts_on=starts,
                ends_on=starts + timedelta(days=rng.randint(2, 20)),
            )
        )
    records = []
    for worker in workers:
        for course in rng.sample(courses, k=rng.randint(0, 3)):
            score = rng.randint(55, 100)
            records.append(
                TrainingRecord(
                    worker=worker,
                    course=course,
                    completed_on=course.ends_on,
                    hours=course.hours,
                    exam_score=score,
                    passed=score >= 60,
                )
            )
    TrainingRecord.objects.bulk_create(records, batch_size=2000)


def _listings(ctx: DemoContext, rng: Any, workers: list[Worker]) -> None:
    chosen = rng.sample(workers, k=max(2, len(workers) // 100))
    for i, worker in enumerate(chosen):
        listing = workforce.listing_create(
            worker=worker,
            legal_basis="《养老机构管理办法》第四十六条；《关于推进养老服务领域社会信用体系建设的指导意见》",
            reason="虐待、侮辱老年人（示例）" if i % 2 == 0 else "伪造服务记录骗取补贴（示例）",
            starts_on=ctx.today - timedelta(days=rng.randint(10, 300)),
            ends_on=ctx.today + timedelta(days=365 * 3),
            division=Division.objects.get(code=worker.division_id[:6]),
            actor=ctx.actor,
        )
        if i == 0:
            workforce.appeal_submit(listing=listing, grounds="对认定事实有异议（示例）", actor=ctx.actor)


def _campaign(ctx: DemoContext, rng: Any, organisations: list[Organisation], inspectors: list[User]) -> None:
    if len(inspectors) < 2:
        return
    city = Division.objects.get(code=ctx.city_code)
    campaign = supervision.campaign_create(
        title=f"{ctx.today.year}年养老服务机构“双随机、一公开”抽查（示例）",
        division=city,
        target_kinds=[OrganisationKind.INSTITUTION, OrganisationKind.PROVIDER],
        target_count=max(4, len(organisations) // 3),
        inspectors_per_target=2,
        checklist_code="gb38600",
        inspect_by=ctx.today - timedelta(days=40),
        actor=ctx.actor,
    )
    campaign = supervision.campaign_draw(
        campaign=campaign, actor=ctx.actor, seed=f"demo-{ctx.seed}-{ctx.city_code}"
    )
    supervision.campaign_publish(campaign=campaign, actor=ctx.actor)
    for n, inspection in enumerate(Inspection.objects.filter(campaign=campaign).order_by("id")):
        items = inspection.checklist.items
        answers = {item["code"]: "pass" for item in items}
        findings = []
        if n % 3 == 1:
            for item in rng.sample(items, k=rng.randint(1, 3)):
                answers[item["code"]] = "fail"
                findings.append(
                    {
                        "item_code": item["code"],
                        "severity": rng.choice(list(Severity.values)),
                        "description": "（示例）" + item["text"],
                    }
                )
        assigned = inspection.inspectors.order_by("id").first()
        supervision.inspection_record(
            inspection=inspection,
            answers=answers,
            findings=findings,
            conducted_on=ctx.today - timedelta(days=rng.randint(35, 60)),
            actor=assigned,
        )
    # overdue orders escalate as the periodic task would
    supervision.rectifications_escalate_overdue(today=ctx.today)


def _complaints(ctx: DemoContext, rng: Any, elders: int, organisations: list[Organisation]) -> None:
    now = datetime.combine(ctx.today, time(10), tzinfo=TZ)
    communities = list(
        Division.objects.filter(code__startswith=ctx.city_code, level=DivisionLevel.COMMUNITY)
        .order_by("code")
        .values_list("code", flat=True)[:500]
    )
    if not communities:
        return
    subjects = list(ComplaintSubject.values)
    channels = list(ComplaintChannel.values)
    for i in range(max(12, elders // 400)):
        anonymous = rng.random() < 0.3
        received = now - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 12))
        complaint, _code = supervision.complaint_submit(
            channel=rng.choice(channels),
            subject=rng.choice(subjects),
            division=Division.objects.get(code=rng.choice(communities)),
            organisation=rng.choice(organisations) if rng.random() < 0.7 else None,
            content="（示例）服务人员未按约定时间上门，多次联系无果。",
            anonymous=anonymous,
            name="" if anonymous else rng.choice(SURNAMES) + rng.choice(GIVEN),
            phone="" if anonymous else f"139{rng.randint(10_000_000, 99_999_999)}",
            received_at=received,
        )
        if i % 3 == 0:
            continue  # left open: past its limits, it escalates below
        supervision.complaint_answer(
            complaint=complaint,
            answer="已核实并督促整改（示例）",
            substantiated=rng.random() < 0.4,
            actor=ctx.actor,
        )
    supervision.complaints_escalate_overdue(now=now)
