"""The demo city's assessments: a realistic share of elders assessed, with a realistic level distribution.

Inputs and their sources (18.3% of 60+ disabled or partly disabled, V; the rest labelled assumptions) are in
`assessment/data/demo.toml`. Results are written in bulk as published assessments by two certified demo
assessors; a few open requests give the demo assessor work to do.
"""

from __future__ import annotations

import random
import tomllib
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.accounts.services import user_create
from eldercare.assessment import rules, services
from eldercare.assessment.choices import AssessmentReason, AssessmentStatus, Requester
from eldercare.assessment.instruments import DATA_DIR, GBT_42195
from eldercare.assessment.models import (
    Assessment,
    AssessmentReminder,
    AssessmentRequest,
    AssessorAssignment,
    Instrument,
)
from eldercare.assessment.selectors import assessment_policies, instrument_definition, instrument_row
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.registry.choices import ElderStatus
from eldercare.registry.models import Elder

BATCH = 5000


def load_inputs() -> dict[str, Any]:
    with (DATA_DIR / "demo.toml").open("rb") as handle:
        return tomllib.load(handle)


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _weight(age: int, table: list[list[float]]) -> float:
    weight = table[0][1]
    for start, value in table:
        if age >= start:
            weight = value
    return weight


def _calibrate(weights: list[float], target: float) -> float:
    """The factor k with mean(min(0.95, k·w)) = target (bisection)."""
    low, high = 0.0, 50.0
    for _ in range(60):
        mid = (low + high) / 2
        mean = sum(min(0.95, mid * w) for w in weights) / len(weights)
        low, high = (mid, high) if mean < target else (low, mid)
    return (low + high) / 2


def answers_for_total(rng: random.Random, instrument: rules.Instrument, total: int) -> dict[str, int]:
    """Item scores adding up to `total`, losses spread over the items in a random order."""
    answers = {i.code: i.max_score for i in instrument.items}
    loss = sum(answers.values()) - total
    items = list(instrument.items)
    while loss > 0:
        item = rng.choice(items)
        if answers[item.code] > 0:
            answers[item.code] -= 1
            loss -= 1
    return answers


def _demo_assessors(ctx: DemoContext) -> tuple[User, User, User | None]:
    first = User.objects.filter(username="assessor").first()
    if first is None:
        raise RuntimeError("The demo accounts must exist before the assessment step.")
    second = User.objects.filter(username="assessor2").first() or user_create(
        username="assessor2",
        password="Demo-Eldercare-2025",  # noqa: S106 - the demo password printed for every demo account
        role=Role.ASSESSOR,
        display_name="评估员 周评",
        division=first.division,
        actor=ctx.actor,
    )
    for n, user in enumerate((first, second), start=1):
        if not user.assessor_certifications.exists():
            services.certification_grant(
                user=user,
                certificate_no=f"DEMO-PG-{n:03d}",
                valid_from=ctx.today - timedelta(days=3 * 365),
                issued_by="市民政局（演示）",
                actor=ctx.actor,
            )
    return first, second, User.objects.filter(username="district_officer").first()


@demo_reset
def delete_assessments(city_code: str) -> None:
    """Raw deletes (no cascades to collect) of everything about the city's elders, in dependency order."""
    elders = Elder.objects.filter(residence_division__code__startswith=city_code).values("pk")
    for qs in (
        AssessmentReminder.objects.filter(assessment__elder__in=elders),
        AssessorAssignment.objects.filter(request__elder__in=elders),
        Assessment.objects.filter(elder__in=elders),
        AssessmentRequest.objects.filter(elder__in=elders),
    ):
        qs._raw_delete(qs.db)


@demo_step(order=30)
def assessments(ctx: DemoContext) -> None:
    if not Instrument.objects.exists():
        services.instruments_load(actor=ctx.actor)
    inputs = load_inputs()
    disability, coverage = inputs["disability"], inputs["coverage"]
    row = instrument_row(GBT_42195)
    instrument = instrument_definition(row)
    policies = assessment_policies(ctx.today)
    one, two, reviewer = _demo_assessors(ctx)
    rng = ctx.rng("assessment")
    elders = list(
        Elder.objects.filter(residence_division__code__startswith=ctx.city_code, status=ElderStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "birth_date")
    )
    if not elders:
        return
    table = disability["age_weight"]
    weights = [_weight(_age(birth, ctx.today), table) for _pk, birth in elders]
    k = _calibrate(weights, disability["share_60_plus"])
    split = {int(level): share for level, share in disability["level_split"].items()}
    bands = {lv.level: (lv.min_total, lv.max_total) for lv in instrument.levels}
    days_back = int(coverage["months_back"] * 30.4)
    tz = timezone.get_current_timezone()
    rows: list[Assessment] = []
    levels_made: dict[int, int] = dict.fromkeys(range(5), 0)
    for (elder_id, _birth), weight in zip(elders, weights, strict=True):
        disabled = rng.random() < min(0.95, k * weight)
        level = rng.choices(list(split), weights=list(split.values()))[0] if disabled else 0
        if rng.random() >= (coverage["assessed_if_disabled"] if disabled else coverage["assessed_if_able"]):
            continue
        low, high = bands[level]
        answers = answers_for_total(rng, instrument, rng.randint(int(low or 0), int(high or 0)))
        result = rules.score(instrument, answers, rules.HealthFacts(), policies.adjustments)
        assessed_on = ctx.today - timedelta(days=rng.randrange(0, days_back))
        published = datetime.combine(assessed_on, time(16, 0), tzinfo=tz)
        rows.append(
            Assessment(
                elder_id=elder_id,
                instrument=row,
                status=AssessmentStatus.PUBLISHED,
                assessor_1=one,
                assessor_2=two,
                answers=answers,
                assessed_on=assessed_on,
                submitted_at=published,
                reviewed_by=reviewer,
                reviewed_at=published,
                published_at=published,
                valid_until=rules.add_months(assessed_on, policies.validity.months) - timedelta(days=1),
                policy_versions=policies.version_ids,
                source="demo",
                **services.result_fields(result),
            )
        )
        levels_made[result.level] += 1
        if len(rows) >= BATCH:
            Assessment.objects.bulk_create(rows)
            rows = []
    Assessment.objects.bulk_create(rows)
    _open_requests(ctx, rng, one, two)
    total = sum(levels_made.values())
    ctx.notes.append(
        f"assessments: {total:,} of {len(elders):,} elders assessed "
        f"(levels 0–4: {', '.join(str(levels_made[lv]) for lv in range(5))}); "
        + inputs["disability"]["source"]
        + "; "
        + coverage["source"]
    )


def _open_requests(ctx: DemoContext, rng: random.Random, one: User, two: User) -> None:
    """A few scheduled visits in the demo assessor's district, so the tablet form has work to show."""
    candidates = list(
        Elder.objects.filter(residence_division__code__startswith=one.division_id or ctx.city_code)
        .exclude(assessments__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    for elder_id in sorted(rng.sample(candidates, min(5, len(candidates)))):
        with transaction.atomic():
            request = services.request_create(
                elder=Elder.objects.get(pk=elder_id),
                reason=AssessmentReason.FIRST,
                requester=rng.choice([Requester.ELDER, Requester.FAMILY, Requester.COMMUNITY_WORKER]),
                note="演示：申请居家养老服务补贴前的首次评估",
                actor=ctx.actor,
            )
            services.request_schedule(
                request=request,
                visit_at=timezone.make_aware(datetime.combine(ctx.today + timedelta(days=1), time(9, 30))),
                assessors=[services.AssessorDeclaration(one), services.AssessorDeclaration(two)],
                actor=ctx.actor,
            )
