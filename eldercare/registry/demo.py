"""The registry's part of the demo city: contacts, groups, health facts, consents, and a few
departmental import files (with error rows) to try the import pages with.

The files go to `DEMO_IMPORTS_DIR` (default `var/demo_imports/`, not committed); the command
`manage.py registry_demo_files` writes them again at any time.
"""

from __future__ import annotations

import csv
import random
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from eldercare.core.bulk import copy_insert, copy_update
from eldercare.core.ids import make_resident_id, mask_phone
from eldercare.demo.steps import DemoContext, demo_reset, demo_step
from eldercare.registry.choices import ConsentScope
from eldercare.registry.models import (
    DuplicateCandidate,
    Elder,
    ElderChange,
    ElderConsent,
    ElderContact,
    ElderGroupMembership,
    LifeEvent,
    ReviewItem,
)
from eldercare.registry.services import refresh_special_difficulty
from eldercare.registry.sources import SOURCES

DATA = Path(__file__).resolve().parent / "data" / "demo.toml"
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超"
CHUNK = 20_000  # elders per write: bounded memory at 2.3 million


def demo_imports_dir() -> Path:
    return Path(getattr(settings, "DEMO_IMPORTS_DIR", settings.BASE_DIR / "var" / "demo_imports"))


@demo_reset
def demo_rows_delete(city_code: str) -> None:
    """Delete the registry's rows about the city's elders (before the demo rebuilds them)."""
    elders = Elder.objects.filter(residence_division__code__startswith=city_code)
    for model in (ElderChange, ElderContact, ElderConsent, ElderGroupMembership, LifeEvent, ReviewItem):
        model.objects.filter(elder__in=elders).delete()
    DuplicateCandidate.objects.filter(elder__in=elders).delete()
    elders.update(merged_into=None)


def _phone(rng: random.Random) -> str:
    return f"13{rng.randint(0, 999_999_999):09d}"


@demo_step(order=20)
def registry_details(ctx: DemoContext) -> None:
    """Contacts, groups, health facts and consents, written a chunk of elders at a time (bounded memory at
    city scale; COPY and one UPDATE … FROM per chunk on PostgreSQL)."""
    with DATA.open("rb") as handle:
        data = tomllib.load(handle)
    shares, lists = data["shares"], data["lists"]
    rng = ctx.rng("registry")
    ids = list(
        Elder.objects.filter(residence_division__code__startswith=ctx.city_code)
        .order_by("id")
        .values_list("id", flat=True)
    )
    totals = {"contacts": 0, "groups": 0, "consents": 0}
    for start in range(0, len(ids), CHUNK):
        contacts, groups, consents = [], [], []
        health: list[Elder] = []
        for elder_id in ids[start : start + CHUNK]:
            if rng.random() < shares["contacts"]:
                phone = _phone(rng)
                contacts.append(
                    ElderContact(
                        elder_id=elder_id,
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                        relation=rng.choice(lists["relations"]),
                        phone=phone,
                        phone_masked=mask_phone(phone),
                        is_guardian=rng.random() < shares["guardian"],
                        is_emergency=True,
                    )
                )
            for group in ("fp_special", "youfu", "veteran", "major_contribution", "disability"):
                if rng.random() < shares[group]:
                    grade = rng.randint(1, 4) if group == "disability" else None
                    groups.append(
                        ElderGroupMembership(
                            elder_id=elder_id, group=group, disability_grade=grade, source="demo"
                        )
                    )
            chronic = rng.random() < shares["chronic"]
            dementia = rng.random() < shares["dementia"]
            doctor = rng.random() < shares["family_doctor"]
            if chronic or dementia or doctor:
                conditions = sorted(rng.sample(lists["conditions"], rng.randint(1, 3))) if chronic else []
                health.append(
                    Elder(
                        id=elder_id,
                        chronic_conditions=conditions,
                        dementia_diagnosed=dementia,
                        family_doctor_signed=doctor,
                    )
                )
            if rng.random() < shares["consent_family"]:
                consents.append(
                    ElderConsent(
                        elder_id=elder_id,
                        scope=ConsentScope.FAMILY,
                        granted=True,
                        given_on=ctx.today - timedelta(days=rng.randint(0, 700)),
                        recorded_by="demo",
                    )
                )
        copy_insert(ElderContact, contacts)
        copy_insert(ElderGroupMembership, groups)
        copy_insert(ElderConsent, consents)
        copy_update(Elder, health, ["chronic_conditions", "dementia_diagnosed", "family_doctor_signed"])
        flagged = {g.elder_id for g in groups} | {h.pk for h in health if h.dementia_diagnosed}
        refresh_special_difficulty(elders=list(Elder.objects.filter(pk__in=flagged)), today=ctx.today)
        totals["contacts"] += len(contacts)
        totals["groups"] += len(groups)
        totals["consents"] += len(consents)
    out = write_demo_files(city_code=ctx.city_code, seed=ctx.seed, today=ctx.today)
    ctx.notes.append(
        f"registry: {totals['contacts']} contacts, {totals['groups']} group memberships, "
        f"{totals['consents']} consents; departmental import files with error rows in {out}"
    )


def write_demo_files(
    *, city_code: str, seed: int, today: date | None = None, out: Path | None = None
) -> Path:
    """A few departmental files (CSV and one XLSX), each with a few rows that the import must refuse."""
    today = today or timezone.localdate()
    out = out or demo_imports_dir()
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:{city_code}:registry-files")  # noqa: S311 - synthetic demo data
    sample = list(
        Elder.objects.filter(residence_division__code__startswith=city_code, status="active")
        .order_by("id")
        .only("id", "id_number", "name", "residence_division_id")[:200]
    )
    communities = sorted({e.residence_division_id for e in sample}) or [city_code]

    def write(name: str, source: str, rows: list[list[Any]]) -> None:
        header = SOURCES[source].headers()
        with (out / name).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    # 户籍: 50 new elders, 3 bad rows (check digit, unknown community, bad phone)
    hukou = []
    for i in range(50):
        birth = date(rng.randint(1930, 1964), rng.randint(1, 12), rng.randint(1, 28))
        community = rng.choice(communities)
        number = make_resident_id(community[:6], birth, 900 + i % 99)
        hukou.append(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                number,
                birth.isoformat(),
                "汉",
                community[:6],
                community,
                f"幸福路{i + 1}号",
                _phone(rng),
                rng.choice(["独居", "空巢", "与子女同住"]),
            ]
        )
    hukou[5][1] = hukou[5][1][:-1] + ("0" if hukou[5][1][-1] != "0" else "1")
    hukou[17][5] = city_code + "9" * (12 - len(city_code))
    hukou[33][7] = "12345"
    write("hukou_new_elders.csv", "hukou", hukou)
    # 卫健 deaths: 5 of the sample, one with a date in the future, one unknown ID
    deaths = [
        [e.id_number, e.name, (today - timedelta(days=rng.randint(20, 200))).isoformat()] for e in sample[:5]
    ]
    deaths.append(
        [sample[5].id_number if len(sample) > 5 else "", "某某", (today + timedelta(days=30)).isoformat()]
    )
    stranger = make_resident_id(communities[0][:6].ljust(6, "0"), date(1940, 1, 1), 998)
    deaths.append([stranger, "外地", today.isoformat()])
    write("health_deaths.csv", "health_deaths", deaths)
    # 救助: 低保 / 特困 for 20, one unknown category
    assistance = [
        [e.id_number, e.name, rng.choice(["低保", "特困", "低边"]), "2024-01-01", "2026-12-31"]
        for e in sample[10:30]
    ]
    assistance.append([sample[30].id_number if len(sample) > 30 else "", "某某", "五保", "2024-01-01", ""])
    write("assistance.csv", "assistance", assistance)
    # 残联 as XLSX: grades, one bad grade
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(SOURCES["disability"].headers())
    for e in sample[40:55]:
        sheet.append(
            [e.id_number, e.name, rng.choice(["肢体", "视力", "听力"]), rng.choice(["一级", "二级", "三级"])]
        )
    sheet.append([sample[55].id_number if len(sample) > 55 else "", "某某", "肢体", "五级"])
    workbook.save(out / "disability.xlsx")
    return out
