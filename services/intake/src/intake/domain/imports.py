"""Go-live import (存量导入): one row of the city system's roll checked into a recipient.

Pure: no I/O. A bad row gives every problem it has (row number, column, code, Chinese
message) and never stops the other rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from contracts import divisions, resident_id
from contracts.enums import (
    FundingSource,
    PeriodUnit,
    RecipientCategory,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
    is_eligible,
)
from contracts.fields import check_division_chain
from contracts.values import ApprovedItem, Frequency
from intake.domain import import_cells as cells
from intake.domain.model import Catalogue, CatalogueEntry
from intake.domain.rules import NAME_FORBIDDEN, check_conditions_against_age, classify

#: How far ahead a first day may lie (a roll is loaded for the coming months at most).
LATEST_START = timedelta(days=366)
#: Finds the catalogue of a county in force on a day.
CatalogueOn = Callable[[str, date], Catalogue | None]


@dataclass(frozen=True)
class RowProblem:
    """One problem of one row: its number in the file, the column, a code and a message."""

    row_number: int
    field: str
    code: str
    message_zh: str


@dataclass(frozen=True)
class ImportedRow:
    """A row that passed every check: an existing recipient as intake will hold them."""

    row_number: int
    name: str
    id_number: str
    county_code: str
    township_code: str
    village_code: str
    category: RecipientCategory
    special_conditions: tuple[SpecialCondition, ...]
    self_care_level: SelfCareLevel | None
    household_size: int
    items: tuple[ApprovedItem, ...]
    effective_date: date
    entries: tuple[CatalogueEntry, ...]  # the catalogue's entries of the items, for intake

    @property
    def need_categories(self) -> tuple[ServiceCategory, ...]:
        """The categories of the items, in the list's order."""
        return classify(self.entries)


class _Row:
    """Reads one raw row, collecting a problem per bad cell."""

    def __init__(self, raw: Mapping[str, object], row_number: int) -> None:
        self.raw, self.row_number, self.problems = raw, row_number, list[RowProblem]()

    def fail(self, field: str, code: str, message_zh: str) -> None:
        self.problems.append(RowProblem(self.row_number, field, code, message_zh))

    def cell(self, field: str, read: Callable[[str], object], *, optional: bool = False) -> object:
        value = cells.text(self.raw.get(field))
        if not value:
            if not optional:
                self.fail(field, "required", f"“{cells.HEADERS_ZH[field]}”不能为空")
            return None
        try:
            return read(value)
        except cells.CellProblem as problem:
            self.fail(field, problem.code, problem.message_zh)
            return None


def _name(value: str) -> str:
    if not 2 <= len(value) <= 50 or NAME_FORBIDDEN.search(value):
        raise cells.CellProblem("bad_name", "姓名应为2至50个字符，不含数字或特殊符号")
    return value


def _id_number(today: date) -> Callable[[str], str]:
    def read(value: str) -> str:
        if (problem := resident_id.validate(value, today=today)) is not None:
            raise cells.CellProblem(problem.value, problem.label_zh)
        return resident_id.normalize(value)

    return read


def _division(level: divisions.DivisionLevel) -> Callable[[str], str]:
    def read(value: str) -> str:
        found = divisions.get(value)
        if found is None or found.level is not level:
            raise cells.CellProblem("unknown_division", f"不是池州市的{level.label_zh}代码")
        return value

    return read


def _category(value: str) -> RecipientCategory:
    return cells.one_of(RecipientCategory, value, "unknown_category", "救助类别")


def _conditions(value: str) -> tuple[SpecialCondition, ...]:
    return cells.many_of(SpecialCondition, value, "unknown_condition", "特殊情形")


def _self_care(value: str) -> SelfCareLevel:
    return cells.one_of(SelfCareLevel, value, "unknown_self_care_level", "自理能力")


def _household(value: str) -> int:
    return cells.whole_number(value, 1, 50, "bad_household_size", "家庭人口数应为1至50的整数")


def _item(parts: list[str], catalogue: Catalogue) -> ApprovedItem:
    if len(parts) != 4:
        raise cells.CellProblem(
            "bad_item", "每个服务项目应写作“项目代码:服务方式:次数/周期:资金来源”"
        )
    code, mode, often, fund = parts
    entry = catalogue.entries.get(code)
    if entry is None:
        raise cells.CellProblem("unknown_item", f"服务项目 {code[:20]} 不在本县(区)现行服务目录中")
    times, per = cells.frequency(often)
    return ApprovedItem(
        item_code=code,
        service_category=entry.service_category,
        mode=cells.one_of(ServiceMode, mode, "unknown_mode", "服务方式"),
        frequency=Frequency(
            times=times, per=cells.one_of(PeriodUnit, per, "bad_frequency", "周期")
        ),
        funding_source=cells.one_of(FundingSource, fund, "unknown_fund", "资金来源"),
    )


def _items(value: str, catalogue: Catalogue | None) -> tuple[ApprovedItem, ...]:
    if catalogue is None:
        raise cells.CellProblem(
            "catalogue_not_in_force", "服务开始日期本县(区)尚无施行中的服务项目目录"
        )
    items = tuple(_item(parts, catalogue) for parts in cells.item_parts(value))
    if not items:
        raise cells.CellProblem("required", "“服务项目”不能为空")
    if len({i.item_code for i in items}) != len(items):
        raise cells.CellProblem("duplicate_item", "同一服务项目重复填写")
    return items


def _check_places(
    row: _Row, county: object, township: object, village: object, covers: Callable[[str], bool]
) -> None:
    if isinstance(village, str) and not covers(village):
        row.fail("village_code", "outside_jurisdiction", "该村(社区)不在您的管辖范围内")
    if not (isinstance(county, str) and isinstance(township, str) and isinstance(village, str)):
        return  # a missing or unknown code is reported on its own
    try:
        check_division_chain(county, township, village)
    except ValueError:
        row.fail("village_code", "division_chain", "村(社区)、乡镇(街道)与区县代码不相隶属")


def _check_start(row: _Row, start: object, today: date) -> None:
    if isinstance(start, date) and start > today + LATEST_START:
        row.fail("effective_date", "date_too_late", "服务开始日期不能晚于一年之后")


def _check_claim(
    row: _Row,
    category: object,
    conditions: tuple[SpecialCondition, ...],
    id_number: object,
    today: date,
) -> None:
    if isinstance(category, RecipientCategory) and not is_eligible(category, conditions):
        row.fail(
            "special_conditions",
            "special_condition_required",
            f"{category.label_zh}须填写失能半失能老年人、重病患者或重度残疾人等特殊情形",
        )
    if isinstance(id_number, str) and conditions:
        for v in check_conditions_against_age(conditions, id_number, today, "special_conditions"):
            row.fail(v.field, v.code, v.message_zh)


def check_row(
    raw: Mapping[str, object],
    row_number: int,
    *,
    catalogue_on: CatalogueOn,
    covers: Callable[[str], bool],
    today: date,
) -> ImportedRow | list[RowProblem]:
    """The row as a recipient to import, or every problem it has."""
    row = _Row(raw, row_number)
    name = row.cell("name", _name)
    id_number = row.cell("id_number", _id_number(today))
    county = row.cell("county_code", _division(divisions.DivisionLevel.COUNTY))
    township = row.cell("township_code", _division(divisions.DivisionLevel.TOWNSHIP))
    village = row.cell("village_code", _division(divisions.DivisionLevel.VILLAGE))
    _check_places(row, county, township, village, covers)
    category = row.cell("category", _category)
    conditions = cast(
        tuple[SpecialCondition, ...],
        row.cell("special_conditions", _conditions, optional=True) or (),
    )
    _check_claim(row, category, conditions, id_number, today)
    level = row.cell("self_care_level", _self_care, optional=True)
    size = row.cell("household_size", _household, optional=True) or 1
    start = row.cell("effective_date", cells.day)
    _check_start(row, start, today)
    catalogue = (
        catalogue_on(county, start) if isinstance(county, str) and isinstance(start, date) else None
    )
    items = row.cell("items", lambda v: _items(v, catalogue)) if start and county else None
    if row.problems:
        return row.problems
    assert isinstance(items, tuple)  # no problem: every cell was read
    assert isinstance(start, date)
    assert catalogue is not None
    return ImportedRow(
        row_number=row_number,
        name=str(name),
        id_number=str(id_number),
        county_code=str(county),
        township_code=str(township),
        village_code=str(village),
        category=cast(RecipientCategory, category),
        special_conditions=conditions,
        self_care_level=cast(SelfCareLevel | None, level),
        household_size=cast(int, size),
        items=items,
        effective_date=start,
        entries=tuple(catalogue.entries[i.item_code] for i in items),
    )
