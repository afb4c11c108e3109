"""Chizhou division codes and jurisdiction checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts import divisions
from contracts.divisions import DivisionLevel, DivisionTable, UnknownDivisionError

pytestmark = pytest.mark.unit


def test_city_and_counties() -> None:
    city = divisions.get("341700")
    assert city is not None
    assert city.name_zh == "池州市"
    assert city.level is DivisionLevel.CITY
    counties = {d.code: d.name_zh for d in divisions.children("341700") if not d.local}
    assert counties == {
        "341702": "贵池区",
        "341721": "东至县",
        "341722": "石台县",
        "341723": "青阳县",
    }


def test_local_management_units_are_marked() -> None:
    local = [d for d in divisions.children("341700") if d.local]
    assert {d.name_zh for d in local} == {"九华山风景区", "池州经济技术开发区"}
    assert all(divisions.level_of(d.code) is DivisionLevel.COUNTY for d in local)


def test_townships_are_real_and_exclude_development_zones() -> None:
    assert divisions.get("341702100").name_zh == "殷汇镇"  # type: ignore[union-attr]
    assert divisions.get("341723203").name_zh == "九华乡"  # type: ignore[union-attr]
    assert divisions.get("341702401") is None  # 池州经济技术开发区 is not a township
    townships = [d for d in divisions.table() if d.level is DivisionLevel.TOWNSHIP and not d.local]
    assert len(townships) == 20 + 15 + 8 + 13


def test_villages_are_demo_and_extend_their_township() -> None:
    villages = divisions.children("341702100")
    assert len(villages) >= 2
    for village in villages:
        assert village.demo
        assert "示例" in village.name_zh
        assert village.code.startswith("341702100")
        assert len(village.code) == 12
        assert divisions.level_of(village.code) is DivisionLevel.VILLAGE


def test_county_and_township_of() -> None:
    assert divisions.county_of("341702100201") == "341702"
    assert divisions.county_of("341702100") == "341702"
    assert divisions.county_of("341702") == "341702"
    assert divisions.county_of("341700") is None
    assert divisions.township_of("341702100201") == "341702100"
    assert divisions.township_of("341702") is None
    assert divisions.county_of("341791001201") == "341791"


@pytest.mark.parametrize(
    ("ancestor", "code", "inside"),
    [
        ("341700", "341723203201", True),
        ("341700", "341792001201", True),
        ("341702", "341702100201", True),
        ("341702", "341702100", True),
        ("341702", "341702", True),
        ("341702100", "341702100202", True),
        ("341702", "341721100201", False),
        ("341702100", "341702101201", False),
        ("341702100201", "341702100", False),
        ("341702", "999999", False),
        ("999999", "341702", False),
    ],
)
def test_contains_is_the_jurisdiction_check(ancestor: str, code: str, inside: bool) -> None:
    assert divisions.contains(ancestor, code) is inside


def test_unknown_codes() -> None:
    assert divisions.get("110105") is None
    assert not divisions.is_chizhou("110105")
    assert divisions.is_chizhou("341722")
    with pytest.raises(UnknownDivisionError):
        divisions.level_of("110105")
    with pytest.raises(UnknownDivisionError):
        divisions.children("110105")


def test_full_name() -> None:
    assert divisions.full_name_zh("341702100201") == "池州市贵池区殷汇镇示例一村"


def test_level_labels() -> None:
    assert DivisionLevel.TOWNSHIP.label_zh == "乡镇(街道)"


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "divisions.json"
    path.write_text(json.dumps({"divisions": rows}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_replacement_file_is_validated(tmp_path: Path) -> None:
    city = {"code": "341700", "name_zh": "池州市", "level": "city", "parent": None}
    county = {"code": "341702", "name_zh": "贵池区", "level": "county", "parent": "341700"}
    good = {"code": "341702100", "name_zh": "殷汇镇", "level": "township", "parent": "341702"}
    table = DivisionTable.from_file(_write(tmp_path, [city, county, good]))
    assert len(table) == 3
    stray = {**good, "code": "341721100"}
    with pytest.raises(ValueError, match="does not extend"):
        DivisionTable.from_file(_write(tmp_path, [city, county, stray]))
    orphan = {**good, "parent": "341799"}
    with pytest.raises(ValueError, match="parent"):
        DivisionTable.from_file(_write(tmp_path, [city, county, orphan]))
