"""The demo city's plan monitoring: the plan's projects with some progress, demo manual entries for the
indicators whose modules are not switched on, funding figures, and a year of refreshed aggregates.

Every manual value here is a labelled demo assumption (evidence starts with 演示数据), not a real figure.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from eldercare.core.models import Division
from eldercare.core.selectors import city_profile
from eldercare.demo.steps import DemoContext, demo_step
from eldercare.planning import rules, services
from eldercare.planning.choices import ProjectStage, QualitativeState
from eldercare.planning.models import FundingEntry, Indicator, ManualEntry, Project, ProjectUpdate

DEMO_EVIDENCE = "演示数据（合成，非真实统计）"


@demo_step(order=90)
def plan_monitoring(ctx: DemoContext) -> None:
    profile = city_profile(ctx.city_key)
    if profile is None or city_profile() is None or city_profile().code != ctx.city_key:  # type: ignore[union-attr]
        ctx.notes.append("planning: the installation's profile differs from the demo city; skipped")
        return
    rng = ctx.rng("planning")
    with transaction.atomic():
        services.projects_seed(profile_code=ctx.city_key)
        ManualEntry.objects.filter(evidence__startswith=DEMO_EVIDENCE).delete()
        ProjectUpdate.objects.filter(note__startswith=DEMO_EVIDENCE).delete()
        FundingEntry.objects.filter(evidence__startswith=DEMO_EVIDENCE).delete()
        indicators = services.indicators_sync(profile_code=ctx.city_key)
        city = Division.objects.get(code=profile.division_id)
        year_ago = ctx.today.replace(day=1, year=ctx.today.year - 1)
        for indicator in indicators:
            if indicator.kind != "plan" or services.is_computed(indicator):
                continue
            _demo_entries(indicator, city, year_ago, ctx.today, rng.random())
        for project in Project.objects.filter(profile_code=ctx.city_key).order_by("seq"):
            stage = rng.choice(list(ProjectStage))
            beds = (
                int((project.planned_beds or 0) * rng.uniform(0.3, 0.9))
                if stage == ProjectStage.OPENED
                else 0
            )
            done = int((project.planned_units or 0) * rng.uniform(0.2, 0.9))
            services.project_update_add(
                project=project,
                reported_on=ctx.today.replace(day=1),
                stage=stage,
                beds_in_use=beds,
                units_done=done,
                note=DEMO_EVIDENCE,
                actor="demo",
            )
        minimum = 60 if ctx.city_key == "wuhan" else 55
        for year in range(2021, ctx.today.year):
            total = rng.randint(80, 120) * 1_000_000_00
            share = rng.uniform(minimum - 5, minimum + 10) / 100
            services.funding_entry_create(
                division=city,
                year=year,
                lottery_fund_fen=total,
                elderly_care_fen=int(total * share),
                evidence=DEMO_EVIDENCE,
                actor="demo",
            )
    services.refresh(months=rules.months_back(ctx.today.replace(day=1), 12), trigger="demo", actor="demo")
    ctx.notes.append("planning: manual indicator values and funding figures are demo assumptions")


def _demo_entries(indicator: Indicator, city: Division, since: date, today: date, jitter: float) -> None:
    """Two entries a year apart for the city: the plan's base (or 60 % of the first target) then halfway."""
    if indicator.direction == "established":
        for on, state in ((since, QualitativeState.IN_PROGRESS), (today, QualitativeState.ESTABLISHED)):
            services.manual_entry_create(
                indicator=indicator,
                division=city,
                period=on,
                value_text=state,
                evidence=DEMO_EVIDENCE,
                actor="demo",
            )
        return
    numeric = [float(v) for v in indicator.targets.values() if isinstance(v, int | float)]
    if not numeric:
        return
    target = numeric[-1]
    base = next((float(v) for v in indicator.base.values() if isinstance(v, int | float)), target * 0.6)
    for on, share in ((since, 0.4 + 0.2 * jitter), (today, 0.7 + 0.35 * jitter)):
        services.manual_entry_create(
            indicator=indicator,
            division=city,
            period=on,
            value=round(base + (target - base) * share, 2),
            evidence=DEMO_EVIDENCE,
            actor="demo",
        )
