"""The county's service catalogue and fee standard (收费标准): versions and the demo list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from contracts import divisions
from contracts.divisions import DivisionLevel
from contracts.enums import FeeUnit, ServiceCategory
from contracts.settlement import CatalogueItem

#: The reform's full implementation began in April 2023 (seed 五(二)); the demo starts there.
DEMO_EFFECTIVE_FROM = date(2023, 4, 1)
DEMO_PUBLISHER = "system-demo-catalogue"

_L, _H, _C, _B = (
    ServiceCategory.LIFE_CARE,
    ServiceCategory.HEALTH_CARE,
    ServiceCategory.CLEANING,
    ServiceCategory.CAPABILITY_BUILDING,
)
_DEMO_ROWS: tuple[tuple[str, str, ServiceCategory, FeeUnit, int], ...] = (
    ("LC-01", "居家照料", _L, FeeUnit.HOUR, 3000),
    ("LC-02", "日间托管", _L, FeeUnit.DAY, 6000),
    ("LC-03", "供餐送餐", _L, FeeUnit.MEAL, 1200),
    ("LC-04", "代购代办", _L, FeeUnit.VISIT, 2000),
    ("LC-05", "走访慰问", _L, FeeUnit.VISIT, 0),
    ("LC-06", "捐赠衣物配发", _L, FeeUnit.VISIT, 0),
    ("IC-01", "机构集中供养", _L, FeeUnit.DAY, 8000),
    ("CL-01", "清洁卫生", _C, FeeUnit.VISIT, 5000),
    ("HC-01", "健康护理", _H, FeeUnit.VISIT, 6000),
    ("HC-02", "健康管理", _H, FeeUnit.MONTH, 3000),
    ("HC-03", "社区义诊", _H, FeeUnit.VISIT, 0),
    ("CB-01", "心理疏导", _B, FeeUnit.HOUR, 8000),
    ("CB-02", "技能培训", _B, FeeUnit.VISIT, 0),
    ("CB-03", "社会融入", _B, FeeUnit.VISIT, 4000),
    ("CB-04", "信息咨询", _B, FeeUnit.VISIT, 0),
    ("CB-05", "健康讲座", _B, FeeUnit.VISIT, 0),
)


def demo_items() -> tuple[CatalogueItem, ...]:
    """The demo catalogue every county starts with; every fee is marked as an example."""
    return tuple(
        CatalogueItem(
            item_code=code,
            name_zh=name,
            service_category=category,
            unit=unit,
            fee_fen=fee,
            is_example=True,
        )
        for code, name, category, unit, fee in _DEMO_ROWS
    )


def county_units() -> tuple[str, ...]:
    """Every county-level unit that owns a catalogue (4 counties and 2 local units)."""
    return tuple(sorted(d.code for d in divisions.table() if d.level is DivisionLevel.COUNTY))


@dataclass(frozen=True)
class VersionHead:
    """A catalogue version without its items: number and first day in force.

    Which version prices a day is ``contracts.settlement.version_in_force``: one rule for
    every service that keeps a copy of the catalogue.
    """

    version: int
    effective_from: date


@dataclass(frozen=True)
class CatalogueVersion:
    """A published version of a county's catalogue, with its items when they were read."""

    county_code: str
    version: int
    effective_from: date
    is_example: bool
    published_by: str
    published_at: datetime
    items: tuple[CatalogueItem, ...] = ()


class CatalogueRuleError(ValueError):
    """A new version breaks a catalogue rule; ``code`` names which (answered as 422)."""

    kind = "invalid"
    field = "body.effective_from"

    def __init__(self, code: str, message_zh: str) -> None:
        super().__init__(message_zh)
        self.code = code
        self.message_zh = message_zh


def next_version(latest: VersionHead | None, effective_from: date, today: date) -> int:
    """The number of a new version; a change only adds, so it may not start in the past."""
    if latest is None:
        return 1
    if effective_from < today:
        raise CatalogueRuleError(
            "effective_from_in_past", "新版本的执行日期不能早于今天（已结算的费用不得改写）"
        )
    if effective_from < latest.effective_from:
        raise CatalogueRuleError(
            "effective_from_before_latest",
            f"新版本的执行日期不能早于现行第{latest.version}版的执行日期"
            f"（{latest.effective_from.isoformat()}）",
        )
    return latest.version + 1
