"""The shipped indicator definitions (data/indicators.toml) and project tables (data/projects/*.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Definition:
    code: str
    computation: str
    module: str
    scale: float
    definition: str
    numerator: str
    denominator: str
    cumulative: bool = False
    # supplementary indicators only (plan indicators take these from the policy)
    name: str = ""
    name_en: str = ""
    unit: str = ""
    direction: str = ">="


def _definition(code: str, raw: dict[str, Any]) -> Definition:
    return Definition(
        code=code,
        computation=str(raw.get("computation", "")),
        module=str(raw.get("module", "")),
        scale=float(raw.get("scale", 1)),
        definition=str(raw.get("definition", "")).strip(),
        numerator=str(raw.get("numerator", "")),
        denominator=str(raw.get("denominator", "")),
        cumulative=bool(raw.get("cumulative", False)),
        name=str(raw.get("name", "")),
        name_en=str(raw.get("name_en", "")),
        unit=str(raw.get("unit", "")),
        direction=str(raw.get("direction", ">=")),
    )


@cache
def _load() -> tuple[dict[str, Definition], dict[str, Definition]]:
    with (DATA_DIR / "indicators.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    supplementary = {code: _definition(code, row) for code, row in raw.pop("supplementary", {}).items()}
    plan = {code: _definition(code, row) for code, row in raw.items()}
    return plan, supplementary


def plan_definitions() -> dict[str, Definition]:
    return _load()[0]


def supplementary_definitions() -> dict[str, Definition]:
    return _load()[1]


def project_table(profile_code: str) -> tuple[str, list[dict[str, Any]]]:
    """(source, rows) of a city's project table; no file means no projects."""
    path = DATA_DIR / "projects" / f"{profile_code}.toml"
    if not path.is_file():
        return "", []
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return str(raw.get("source", "")), list(raw.get("project", []))
