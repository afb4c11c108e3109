"""Chizhou's division codes (city → county → township → village) and jurisdiction checks.

The table ships as ``contracts/data/divisions.json``: GB/T 2260 city and county codes, NBS
2023 township codes, demo villages (示例) and two local management codes that are not
national codes: 341791 九华山风景区 and 341792 池州经济技术开发区, which the seed addresses as
units of their own. A county replaces the file with its real village list, same shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from contracts.labels import ZhEnum, zh_labels

CITY_CODE = "341700"


@zh_labels({"city": "市", "county": "县(区)", "township": "乡镇(街道)", "village": "村(社区)"})
class DivisionLevel(ZhEnum):
    """Level of a division."""

    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


_LEVELS = list(DivisionLevel)
_LENGTHS = {
    DivisionLevel.CITY: 6,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWNSHIP: 9,
    DivisionLevel.VILLAGE: 12,
}


@dataclass(frozen=True, slots=True)
class Division:
    """One division: its code, Chinese name, level and parent code."""

    code: str
    name_zh: str
    level: DivisionLevel
    parent: str | None
    local: bool = False
    demo: bool = False


class UnknownDivisionError(KeyError):
    """Raised for a code that is not in the division table."""


class DivisionTable:
    """An immutable, validated division tree."""

    def __init__(self, divisions: list[Division]) -> None:
        self._by_code = {d.code: d for d in divisions}
        children: dict[str, list[str]] = {}
        for d in divisions:
            if d.parent is not None:
                children.setdefault(d.parent, []).append(d.code)
        self._children = {k: tuple(sorted(v)) for k, v in children.items()}
        self._check()

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DivisionTable:
        """Builds a table from the data file's structure."""
        rows = raw["divisions"]
        return cls([Division(**{**r, "level": DivisionLevel(r["level"])}) for r in rows])

    @classmethod
    def from_file(cls, path: Path) -> DivisionTable:
        """Loads a replacement table (e.g. a county's real village list) to try it out."""
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def _check(self) -> None:
        for d in self._by_code.values():
            if len(d.code) != _LENGTHS[d.level] or not d.code.isdigit():
                raise ValueError(f"division {d.code}: bad code for level {d.level}")
            if d.level is DivisionLevel.CITY:
                continue
            parent = self._by_code.get(d.parent or "")
            if parent is None or _LEVELS.index(parent.level) != _LEVELS.index(d.level) - 1:
                raise ValueError(f"division {d.code}: parent {d.parent} missing or wrong level")
            if d.level is not DivisionLevel.COUNTY and not d.code.startswith(parent.code):
                raise ValueError(f"division {d.code}: code does not extend {parent.code}")

    def get(self, code: str) -> Division | None:
        """The division with this code, or None."""
        return self._by_code.get(code)

    def require(self, code: str) -> Division:
        """The division with this code; raises UnknownDivisionError."""
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownDivisionError(code) from None

    def children(self, code: str) -> tuple[Division, ...]:
        """The divisions directly under ``code``, ordered by code."""
        self.require(code)
        return tuple(self._by_code[c] for c in self._children.get(code, ()))

    def ancestors(self, code: str) -> Iterator[Division]:
        """The division itself, then its parent, up to the city."""
        current: Division | None = self.require(code)
        while current is not None:
            yield current
            current = self._by_code.get(current.parent) if current.parent else None

    def __iter__(self) -> Iterator[Division]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)


@cache
def table() -> DivisionTable:
    """The division table shipped with the package (loaded on first use)."""
    text = resources.files("contracts").joinpath("data/divisions.json").read_text("utf-8")
    return DivisionTable.from_json(json.loads(text))


def get(code: str) -> Division | None:
    """The division with this code, or None."""
    return table().get(code)


def children(code: str) -> tuple[Division, ...]:
    """The divisions directly under ``code``; raises UnknownDivisionError."""
    return table().children(code)


def is_chizhou(code: str) -> bool:
    """Tells whether the code is in Chizhou's table (including local management codes)."""
    return table().get(code) is not None


def level_of(code: str) -> DivisionLevel:
    """The level of a known code; raises UnknownDivisionError."""
    return table().require(code).level


def _at_level(code: str, level: DivisionLevel) -> str | None:
    return next((d.code for d in table().ancestors(code) if d.level is level), None)


def county_of(code: str) -> str | None:
    """The county-level code containing ``code`` (itself for a county; None for the city)."""
    return _at_level(code, DivisionLevel.COUNTY)


def township_of(code: str) -> str | None:
    """The township code containing ``code`` (itself for a township; None above it)."""
    return _at_level(code, DivisionLevel.TOWNSHIP)


def contains(ancestor_code: str, code: str) -> bool:
    """Jurisdiction check: whether ``code`` is ``ancestor_code`` or lies inside it."""
    if table().get(ancestor_code) is None or table().get(code) is None:
        return False
    return any(d.code == ancestor_code for d in table().ancestors(code))


def full_name_zh(code: str) -> str:
    """The full Chinese name from the city down, e.g. 池州市贵池区殷汇镇示例一村."""
    return "".join(d.name_zh for d in reversed(list(table().ancestors(code))))
