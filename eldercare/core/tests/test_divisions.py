"""Division data: the shipped counts, prefix queries, idempotent and all-or-nothing imports."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eldercare.core.models import Division, DivisionLevel
from eldercare.core.scope import DataScope
from eldercare.core.services import DIVISIONS_DIR, divisions_import, read_division_rows

pytestmark = pytest.mark.django_db


def count(prefix: str, level: DivisionLevel) -> int:
    return Division.objects.filter(code__startswith=prefix, level=level).count()


def test_wuhan_loads_with_its_districts_streets_and_communities() -> None:
    assert count("4201", DivisionLevel.COUNTY) == 13
    assert count("4201", DivisionLevel.STREET) == 193
    assert 3400 <= count("4201", DivisionLevel.COMMUNITY) <= 3600


def test_jiangmen_loads_with_its_county_units_streets_and_communities() -> None:
    assert count("4407", DivisionLevel.COUNTY) == 7
    assert count("4407", DivisionLevel.STREET) == 82
    assert 1300 <= count("4407", DivisionLevel.COMMUNITY) <= 1400


def test_every_community_has_a_centroid_and_says_where_it_comes_from() -> None:
    communities = Division.objects.filter(code__startswith="4407", level=DivisionLevel.COMMUNITY)
    assert not communities.filter(lon__isnull=True).exists()
    assert set(communities.values_list("centroid_source", flat=True)) == {"synthetic_within_district"}


def test_everything_under_a_street_is_one_prefix_query() -> None:
    # given a street of 蓬江区
    street = Division.objects.filter(parent_id="440703").order_by("code").first()
    assert street is not None
    # when its subtree is asked for through the scope filter
    with CaptureQueriesContext(connection) as queries:
        codes = list(
            DataScope(division_codes=(street.code,))
            .apply(Division.objects.all())
            .values_list("code", flat=True)
        )
    # then one query returns exactly the street and its communities
    assert len(queries) == 1
    assert "LIKE" in queries[0]["sql"] and "JOIN" not in queries[0]["sql"]
    expected = {street.code, *Division.objects.filter(parent=street).values_list("code", flat=True)}
    assert set(codes) == expected


def test_the_ancestors_follow_from_the_code() -> None:
    community = Division.objects.filter(code__startswith="440703", level=DivisionLevel.COMMUNITY).first()
    assert community is not None
    assert community.ancestor_codes() == ["44", "4407", "440703", community.code[:9]]
    assert community.parent is not None and community.parent.code == community.code[:9]


def test_loading_the_shipped_data_twice_changes_nothing() -> None:
    report = divisions_import(rows=read_division_rows(DIVISIONS_DIR / "communities_4407.csv.gz"))
    assert (report.created, report.updated, report.errors) == (0, 0, [])
    assert report.unchanged >= 1300


def test_the_whole_country_loads_to_street_level() -> None:
    report = divisions_import(rows=read_division_rows(DIVISIONS_DIR / "national.csv.gz"))
    assert report.errors == []
    assert Division.objects.filter(level=DivisionLevel.PROVINCE).count() == 31
    assert Division.objects.filter(level=DivisionLevel.STREET).count() > 40_000


def _csv(text: str) -> list[dict[str, str]]:
    """CSV rows; S stands for a real street of 蓬江区."""
    street = Division.objects.filter(parent_id="440703").order_by("code").values_list("code", flat=True)[0]
    return list(csv.DictReader(io.StringIO(text.replace("S", street))))


def test_a_bad_import_reports_every_bad_row_and_writes_nothing() -> None:
    # given a file with one good row and three bad ones
    rows = _csv(
        "code,name,parent_code,lon,lat\n"
        "S901,新社区,S,113.1,22.6\n"
        "S902,,S,,\n"
        "440704001903,错位社区,S,,\n"
        "S904,坐标错,S,east,22.6\n"
    )
    # when it is imported
    report = divisions_import(rows=rows)
    # then every bad row is reported with its line and reason, and nothing was written
    assert [(e["line"], e["reason"].split(" ")[-1]) for e in report.errors] == [
        (3, "empty"),
        (4, rows[0]["parent_code"]),  # "code 440704001903 does not nest under parent <S>"
        (5, "number"),
    ]
    assert not Division.objects.filter(code=rows[0]["code"]).exists()


def test_a_partial_import_writes_the_good_rows_when_asked() -> None:
    rows = _csv("code,name,parent_code\nS901,新社区,S\nS902,,S\n")
    report = divisions_import(rows=rows, partial=True)
    assert report.created == 1 and len(report.errors) == 1
    assert Division.objects.get(code=rows[0]["code"]).level == DivisionLevel.COMMUNITY


def test_another_citys_communities_come_from_a_csv_file(tmp_path: Path) -> None:
    # given a CSV of two communities of a street of 黄石市 (Hubei), in the shipped columns
    street = (
        Division.objects.filter(code__startswith="4202", level=DivisionLevel.STREET).order_by("code").first()
    )
    assert street is not None
    path = tmp_path / "huangshi.csv"
    path.write_text(
        "code,name,parent_code,lon,lat,centroid_source\n"
        f"{street.code}001,一社区,{street.code},115.05,30.2,surveyed\n"
        f"{street.code}002,二社区,{street.code},,,\n",
        encoding="utf-8",
    )
    # when the command imports it
    out = io.StringIO()
    call_command("load_divisions", "--csv", str(path), stdout=out)
    # then both communities exist under their street
    assert "2 created" in out.getvalue()
    assert Division.objects.get(code=f"{street.code}001").centroid_source == "surveyed"
