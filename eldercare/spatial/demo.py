"""The demo city's spatial planning: a 配套建设 register of synthetic developments, a city-wide coverage
run and a siting run in the first district.

Developments are labelled demo data (note starts with 演示数据); households and areas are random, not real.
The forecast needs published mortality rates (policy input, a GAP in the profiles): it is not faked here.
"""

from __future__ import annotations

from datetime import timedelta

from eldercare.core.models import Division, DivisionLevel
from eldercare.core.scope import DataScope
from eldercare.core.selectors import city_profile
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.facilities.choices import FacilityKind
from eldercare.spatial import services
from eldercare.spatial.choices import AreaType, DevelopmentState
from eldercare.spatial.models import CoverageRun, Development, SitingRun

DEMO_NOTE = "演示数据（合成，非真实项目）"


@demo_reset
def spatial_demo_reset(city_code: str) -> None:
    Development.objects.filter(division__code__startswith=city_code, note__startswith=DEMO_NOTE).delete()
    CoverageRun.objects.filter(division__code__startswith=city_code).delete()
    SitingRun.objects.filter(division__code__startswith=city_code).delete()


@demo_step(order=85)
def spatial_planning(ctx: DemoContext) -> None:
    installed = city_profile()
    if installed is None or installed.code != ctx.city_key:
        ctx.notes.append("spatial: the installation's profile differs from the demo city; skipped")
        return
    rng = ctx.rng("spatial")
    everything = DataScope.everything()
    streets = list(
        Division.objects.filter(code__startswith=ctx.city_code, level=DivisionLevel.STREET).order_by("code")
    )
    if not streets:
        ctx.notes.append("spatial: no streets in the demo city; skipped")
        return
    states = list(DevelopmentState)
    for n in range(max(6, int(40 * min(ctx.scale * 10, 1)))):
        street = rng.choice(streets)
        households = rng.randint(300, 3000)
        area_type = AreaType.NEW if rng.random() < 0.7 else AreaType.OLD
        state = rng.choice(states)
        dev = services.development_create(
            scope=everything,
            actor="demo",
            name=f"演示小区{n + 1:02d}",
            division_code=street.code,
            households=households,
            area_type=area_type,
            state=state,
            delivered_on=ctx.today - timedelta(days=rng.randint(30, 1500)) if rng.random() < 0.7 else None,
            note=DEMO_NOTE,
        )
        # most provide the required area, some fall short
        services.development_update(
            scope=everything,
            actor="demo",
            development_id=dev.pk,
            provided_m2=round(dev.required_m2 * rng.choice([1.0, 1.0, 1.1, 0.8, 0.5, 0.0]), 1),
        )
    run = services.coverage_run_create(scope=everything, division_code=ctx.city_code, actor="demo")
    services.coverage_run_execute(run_id=run.pk, actor="demo")
    district = (
        Division.objects.filter(parent_id=ctx.city_code, level=DivisionLevel.COUNTY).order_by("code").first()
    )
    if district is not None:
        siting = services.siting_run_create(
            scope=everything,
            division_code=district.code,
            kind=FacilityKind.DAY_CARE,
            k=10,
            require_streets=False,
            actor="demo",
        )
        services.siting_run_execute(run_id=siting.pk, actor="demo", time_limit=30)
    ctx.notes.append("spatial: developments are demo data; the forecast waits for published mortality rates")
