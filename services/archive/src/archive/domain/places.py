"""Chinese names of division codes, tolerant of codes missing from the shipped table."""

from __future__ import annotations

from contracts import divisions
from contracts.divisions import DivisionLevel


def place_zh(code: str) -> str:
    """The full name from the city down (池州市贵池区殷汇镇示例一村), or the code if unknown."""
    if divisions.get(code) is None:
        return code
    return divisions.full_name_zh(code)


def scope_prefix(division_code: str) -> str:
    """The code prefix of everything under a division ("" for the whole city)."""
    known = divisions.get(division_code)
    return "" if known is not None and known.level is DivisionLevel.CITY else division_code
