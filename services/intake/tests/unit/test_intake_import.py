"""Go-live import rules: a row checked into a recipient or its problems; what a known person gets."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from contracts.samples import sample_catalogue
from intake.adapters.import_files import UnreadableFile, read_rows
from intake.adapters.import_template import error_report, template_csv, template_xlsx
from intake.domain.import_cells import COLUMNS
from intake.domain.import_runs import CREATED, UNCHANGED, Standing, verdict
from intake.domain.imports import ImportedRow, RowProblem, check_row
from intake.domain.model import Catalogue, CatalogueEntry

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 6)
_PUBLISHED = sample_catalogue("341702")
CATALOGUE = Catalogue(
    "341702",
    1,
    _PUBLISHED.effective_from,
    {
        i.item_code: CatalogueEntry(i.item_code, i.name_zh, i.service_category)
        for i in _PUBLISHED.items
    },
)


def example(**cells: Any) -> dict[str, Any]:
    return {**{c.key: c.example for c in COLUMNS}, **cells}


def check(raw: dict[str, Any], covers: bool = True) -> ImportedRow | list[RowProblem]:
    return check_row(
        raw,
        2,
        catalogue_on=lambda county, day: (
            CATALOGUE if county == "341702" and day >= CATALOGUE.effective_from else None
        ),
        covers=lambda village: covers,
        today=TODAY,
    )


def codes(found: ImportedRow | list[RowProblem]) -> set[tuple[str, str]]:
    assert isinstance(found, list), found
    return {(p.field, p.code) for p in found}


def test_the_template_example_is_a_tekun_recipient_with_home_care() -> None:
    row = check(example())
    assert isinstance(row, ImportedRow)
    assert row.category.value == "tekun" and row.effective_date == date(2026, 12, 1)
    item = row.items[0]
    assert (item.item_code, item.mode.value, item.funding_source.value) == (
        "LC-01",
        "government_purchase",
        "tekun_care",
    )
    assert (item.frequency.times, item.frequency.per.value) == (4, "month")


def test_codes_or_chinese_labels_and_several_items_are_read() -> None:
    items = (
        "LC-03:government_purchase:1/day:home_elderly_care；CL-01:邻里互助服务:2/周:慈善救助资金"
    )
    row = check(example(category="dibao", special_conditions="", items=items))
    assert isinstance(row, ImportedRow)
    assert [i.item_code for i in row.items] == ["LC-03", "CL-01"]
    assert [c.value for c in row.need_categories] == ["life_care", "cleaning"]


def test_every_problem_of_a_row_is_reported_with_its_column() -> None:
    found = check(
        example(
            name="",
            id_number="341702195003150017",
            township_code="341721100",
            category="低保边缘家庭",
            special_conditions="",
            household_size="0",
            effective_date="2026/12/01",
        ),
        covers=False,
    )
    assert codes(found) == {
        ("name", "required"),
        ("id_number", "bad_check_char"),
        ("village_code", "division_chain"),
        ("village_code", "outside_jurisdiction"),
        ("special_conditions", "special_condition_required"),
        ("household_size", "bad_household_size"),
        ("effective_date", "bad_date"),
    }
    assert all(p.row_number == 2 and p.message_zh for p in found)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ("XX-01:政府购买服务:1/月:charity", "unknown_item"),
        ("LC-01:飞行服务:1/月:charity", "unknown_mode"),
        ("LC-01:政府购买服务:每月一次:charity", "bad_frequency"),
        ("LC-01:政府购买服务:1/月:彩票", "unknown_fund"),
        ("LC-01:政府购买服务:1/月", "bad_item"),
        ("LC-01:政府购买服务:1/月:charity;LC-01:政府购买服务:2/月:charity", "duplicate_item"),
    ],
)
def test_a_bad_item_is_named(items: str, code: str) -> None:
    assert codes(check(example(items=items))) == {("items", code)}


def test_no_catalogue_in_force_and_a_start_too_late_are_refused() -> None:
    assert codes(check(example(effective_date="2020-01-01"))) == {
        ("items", "catalogue_not_in_force")
    }
    assert ("effective_date", "date_too_late") in codes(check(example(effective_date="2028-01-01")))


def test_a_minor_condition_must_agree_with_the_birth_date() -> None:
    assert ("special_conditions", "condition_contradicts_age") in codes(
        check(example(special_conditions="未成年人"))
    )


def test_a_known_person_is_unchanged_refused_or_a_duplicate_of_the_file() -> None:
    row = check(example())
    assert isinstance(row, ImportedRow)
    run, other = uuid.uuid4(), uuid.uuid4()
    assert verdict(row, None, run) == CREATED
    assert verdict(row, Standing(imported_in=other, imported_row=9), run) == UNCHANGED
    assert verdict(row, Standing(imported_in=run, imported_row=2), run) == UNCHANGED  # a retry
    dup = verdict(row, Standing(imported_in=run, imported_row=7), run)
    assert isinstance(dup, RowProblem) and dup.code == "duplicate_in_file"
    for status, code in (("approved", "already_recipient"), ("surveying", "open_application")):
        refused = verdict(row, Standing(application_status=status), run)
        assert isinstance(refused, RowProblem) and refused.code == code


def test_the_templates_read_back_and_the_report_is_chinese(tmp_path: Path) -> None:
    (tmp_path / "t.xlsx").write_bytes(template_xlsx())
    (tmp_path / "t.csv").write_text(template_csv(), encoding="utf-8")
    for name in ("t.xlsx", "t.csv"):
        [(number, cells)] = read_rows(tmp_path / name)
        assert number == 2 and cells["id_number"] == "341702195003150016"
        assert isinstance(check(cells), ImportedRow)
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(UnreadableFile):
        read_rows(tmp_path / "x.txt")
    report = error_report([RowProblem(3, "id_number", "bad_check_char", "身份证号码校验位错误")])
    assert report.lstrip("\ufeff").splitlines() == [
        "行号,列,错误代码,错误说明",
        "3,身份证号码,bad_check_char,身份证号码校验位错误",
    ]
