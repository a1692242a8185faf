"""Instrument definitions (评估量表) as data: the shipped TOML files, parsed into `rules.Instrument`.

Pure (no Django). The loader service stores each file's parsed definition as an `Instrument` row; scoring
always works from that stored JSON, so a published result can be replayed with the version it used.
`check_definition` refuses a file whose maxima, bands or option scales do not add up.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from eldercare.assessment import rules

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_FILES = ("gbt42195_2022.toml", "mzt039_2013.toml")
GBT_42195 = "GB/T 42195-2022"
MZT_039 = "MZ/T 039-2013"


def read_definition(path: Path) -> dict[str, Any]:
    """The file as plain JSON-able data, with shared scales expanded into each item's options."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    scales = {name: scale["options"] for name, scale in raw.get("scales", {}).items()}
    items = []
    for item in raw["items"]:
        expanded = dict(item)
        if "scale" in expanded:
            expanded["options"] = scales[expanded.pop("scale")]
        expanded["options"] = sorted(expanded["options"], key=lambda o: -o["score"])
        items.append(expanded)
    definition = {k: v for k, v in raw.items() if k != "scales"}
    definition["items"] = items
    return definition


def checksum(definition: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def parse_instrument(definition: dict[str, Any]) -> rules.Instrument:
    meta = definition["instrument"]
    adj = definition["adjustments"]
    low, high = adj["psychiatric_range"]
    return rules.Instrument(
        code=meta["code"],
        version=int(meta["version"]),
        title=meta["title"],
        scoring=meta["scoring"],
        total_of=tuple(meta.get("total_of", ())),
        dimensions=tuple(
            rules.Dimension(
                code=d["code"],
                name=d["name"],
                name_en=d.get("name_en", ""),
                max_score=int(d["max_score"]),
                direction=d.get("direction", "higher_better"),
                grading=d.get("grading", "none"),
                grade_bands=tuple(
                    rules.GradeBand(int(b["grade"]), int(b["min_total"]), int(b["max_total"]))
                    for b in d.get("grade_bands", ())
                ),
            )
            for d in definition["dimensions"]
        ),
        items=tuple(
            rules.Item(
                code=i["code"],
                number=int(i["number"]),
                dimension=i["dimension"],
                name=i["name"],
                definition=i.get("definition", ""),
                options=tuple(rules.Option(int(o["score"]), o["text"]) for o in i["options"]),
            )
            for i in definition["items"]
        ),
        levels=tuple(
            rules.Level(
                level=int(lv["level"]),
                name=lv["name"],
                name_en=lv.get("name_en", ""),
                min_total=lv.get("min_total"),
                max_total=lv.get("max_total"),
            )
            for lv in definition["levels"]
        ),
        adjustments=rules.AdjustmentRules(
            coma_level=int(adj["coma_level"]),
            coma_text=adj["coma_text"],
            dementia_codes=frozenset(adj["dementia_codes"]),
            dementia_text=adj["dementia_text"],
            psychiatric_range=(low, high),
            psychiatric_requires_psychiatrist=bool(adj["psychiatric_requires_psychiatrist"]),
            psychiatric_text=adj["psychiatric_text"],
            risk_events_text=adj["risk_events_text"],
            raise_cap=int(adj["raise_cap"]),
            risk_event_types=tuple(
                rules.RiskEventType(t["code"], t["name"]) for t in definition.get("risk_event_types", ())
            ),
        ),
    )


def check_definition(instrument: rules.Instrument) -> list[str]:
    """Everything inconsistent in a definition; an empty list means it may be loaded."""
    problems: list[str] = []
    codes = [i.code for i in instrument.items]
    if len(set(codes)) != len(codes):
        problems.append("item codes are not unique")
    dims = {d.code: d for d in instrument.dimensions}
    for item in instrument.items:
        if item.dimension not in dims:
            problems.append(f"{item.code}: unknown dimension {item.dimension}")
        if 0 not in item.scores or len(item.scores) != len(item.options):
            problems.append(f"{item.code}: option scores must be distinct and include 0")
        if any(not o.text for o in item.options):
            problems.append(f"{item.code}: an option has no text")
    for dim in instrument.dimensions:
        item_max = sum(i.max_score for i in instrument.items if i.dimension == dim.code)
        if item_max != dim.max_score:
            problems.append(f"{dim.code}: max_score {dim.max_score} but its items add up to {item_max}")
        if dim.grading == "bands":
            covered = sorted(t for b in dim.grade_bands for t in range(b.min_total, b.max_total + 1))
            if covered != list(range(dim.max_score + 1)):
                problems.append(f"{dim.code}: grade bands do not cover 0..{dim.max_score} exactly once")
    if instrument.scoring == "sum_bands":
        top = sum(i.max_score for i in instrument.items)
        covered = sorted(
            t
            for lv in instrument.levels
            if lv.min_total is not None and lv.max_total is not None
            for t in range(lv.min_total, lv.max_total + 1)
        )
        if covered != list(range(top + 1)):
            problems.append(f"level bands do not cover 0..{top} exactly once")
    if instrument.adjustments.raise_cap != instrument.max_level:
        problems.append("raise_cap is not the highest level")
    return problems


def shipped_definitions() -> list[dict[str, Any]]:
    return [read_definition(DATA_DIR / name) for name in SHIPPED_FILES]
