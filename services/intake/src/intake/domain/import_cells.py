"""The go-live import's template: its columns, and how a cell's text becomes a code.

Pure: no I/O. The columns are in Chinese because county IT fills them in from the city
system's export; a code or its Chinese label is accepted wherever a code list applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Column:
    """One column of the template: the row's key, its Chinese header and how to fill it."""

    key: str
    header_zh: str
    note_zh: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "2至50个字符", "张三丰"),
    Column("id_number", "身份证号码", "18位，末位可为X", "341702195003150016"),
    Column("county_code", "区县代码", "6位行政区划代码", "341702"),
    Column("township_code", "乡镇(街道)代码", "9位行政区划代码", "341702100"),
    Column("village_code", "村(社区)代码", "12位行政区划代码", "341702100201"),
    Column("category", "救助类别", "如 低保对象、特困人员(或代码 dibao、tekun)", "特困人员"),
    Column(
        "special_conditions",
        "特殊情形",
        "多项以分号分隔，如 失能老年人;重病患者；低保边缘等类别必填",
        "失能老年人",
    ),
    Column("self_care_level", "自理能力", "可空；able/mild/moderate/severe", "severe"),
    Column("household_size", "家庭人口数", "1至50的整数", "1"),
    Column(
        "items",
        "服务项目",
        "项目代码:服务方式:次数/周期:资金来源，多项以分号分隔",
        "LC-01:政府购买服务:4/月:特困人员照料护理经费",
    ),
    Column("effective_date", "服务开始日期", "YYYY-MM-DD", "2026-12-01"),
)
HEADERS_ZH: dict[str, str] = {c.key: c.header_zh for c in COLUMNS}
KEYS_BY_HEADER: dict[str, str] = {c.header_zh: c.key for c in COLUMNS}

_LIST_SPLIT = re.compile(r"[;；、,，\n]+")
_ITEM_SPLIT = re.compile(r"[;；\n]+")
_PART_SPLIT = re.compile(r"[:：]")
_FREQUENCY = re.compile(r"^\s*(\d{1,3})\s*[/／]\s*(\S+?)\s*$")
_PERIOD_WORDS = {
    "日": "day",
    "天": "day",
    "周": "week",
    "星期": "week",
    "月": "month",
    "年": "year",
}


class CellProblem(ValueError):
    """A cell that cannot be read: a reason code and a Chinese message."""

    def __init__(self, code: str, message_zh: str) -> None:
        super().__init__(code)
        self.code, self.message_zh = code, message_zh


def text(value: object) -> str:
    """A cell's text without surrounding blanks ("" for an empty cell)."""
    return "" if value is None else str(value).strip()


def one_of(kind: type[E], value: str, code: str, what_zh: str) -> E:
    """The member whose code or Chinese label is ``value``."""
    for member in kind:
        if value in (member.value, getattr(member, "label_zh", None)):
            return member
    raise CellProblem(code, f"{what_zh}“{value[:20]}”不在代码表中")


def many_of(kind: type[E], value: str, code: str, what_zh: str) -> tuple[E, ...]:
    """Members named in a list cell, each once, in the order given."""
    found = [one_of(kind, part.strip(), code, what_zh) for part in _LIST_SPLIT.split(value)]
    return tuple(dict.fromkeys(m for m in found if m))


def item_parts(value: str) -> list[list[str]]:
    """The items of a 服务项目 cell, each split into its four parts."""
    items = [part.strip() for part in _ITEM_SPLIT.split(value) if part.strip()]
    return [[p.strip() for p in _PART_SPLIT.split(item)] for item in items]


def frequency(value: str) -> tuple[int, str]:
    """``4/月`` or ``4/month``: times and the period's code."""
    match = _FREQUENCY.match(value)
    if match is None or int(match.group(1)) < 1:
        raise CellProblem("bad_frequency", "频次应写作“次数/周期”，如 4/月、2/周")
    per = _PERIOD_WORDS.get(match.group(2), match.group(2))
    return int(match.group(1)), per


def day(value: str) -> date:
    """An ISO date (a spreadsheet's date-time keeps only its day)."""
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise CellProblem("bad_date", "日期格式应为 YYYY-MM-DD") from None


def whole_number(value: str, low: int, high: int, code: str, message_zh: str) -> int:
    """An integer in [low, high] (a spreadsheet's ``3.0`` counts as 3)."""
    try:
        number = float(value)
    except ValueError:
        raise CellProblem(code, message_zh) from None
    if not number.is_integer() or not low <= number <= high:
        raise CellProblem(code, message_zh)
    return int(number)
