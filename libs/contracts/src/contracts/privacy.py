"""Name masking for publicity, and scanners that catch ID and phone numbers on public pages."""

from __future__ import annotations

import re
from typing import Literal

MaskStyle = Literal["surname", "first_last"]

#: Two-character surnames common enough to keep whole (欧阳娜娜 → 欧阳**).
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 "  # noqa: SIM905
    "钟离 闻人 独孤 南宫 西门 端木 百里 呼延 澹台 万俟 申屠 太史 公羊 赫连 濮阳".split()
)

_BIRTH = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
# 18-digit numbers, and the old 15-digit form (6-digit region + YYMMDD + 3 digits).
_ID_RE = re.compile(
    rf"(?<!\d)\d{{6}}{_BIRTH}\d{{3}}[\dXx](?!\d)"
    r"|(?<!\d)\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)"
)
# Mainland mobiles (optionally +86, optionally split 3-4-4) and landlines with an area code.
_PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)"
    r"|(?<!\d)\(?0\d{2,3}\)?[-\s]?\d{7,8}(?!\d)"
)


def _split_surname(name: str) -> tuple[str, str]:
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def mask_name(name: str, style: MaskStyle = "surname") -> str:
    """Masks a name for publicity: ``surname`` → 张**, ``first_last`` → 张*丰."""
    if style not in ("surname", "first_last"):
        raise ValueError(f"unknown mask style: {style!r}")
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    surname, given = _split_surname(name)
    if style == "first_last" and len(given) >= 2:
        return surname + "*" * (len(given) - 1) + given[-1]
    return surname + "*" * len(given)


def find_id_numbers(text: str) -> list[str]:
    """Every substring that looks like a resident ID number (18- or 15-digit)."""
    return [m.group(0) for m in _ID_RE.finditer(text)]


def looks_like_id_number(text: str) -> bool:
    """Tells whether the text contains something that looks like a resident ID number."""
    return _ID_RE.search(text) is not None


def find_phones(text: str) -> list[str]:
    """Every substring that looks like a mainland mobile or an area-coded landline number."""
    return [m.group(0) for m in _PHONE_RE.finditer(text)]


def looks_like_phone(text: str) -> bool:
    """Tells whether the text contains something that looks like a phone number."""
    return _PHONE_RE.search(text) is not None
