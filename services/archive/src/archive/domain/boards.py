"""The village notice board (长期公示): who is served now, and this month's ins and outs.

What a board may show: a masked name, the village, the category, service item names,
provider names and dates. Never an ID number, phone number, address, diagnosis or
disability detail: the board's inputs carry none of those, names are masked again as the
county configures, and ``ensure_publishable`` scans the finished page as a last check.
A category, an item or a removal that would reveal a minor, health care or a death is
shown as the county's ``Publicity`` allows (``domain.publicity``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from archive.domain.files import is_served
from archive.domain.publicity import Publicity
from contracts import calendar
from contracts.enums import ProviderType, RecipientStatus
from contracts.privacy import MaskStyle, find_id_numbers, find_phones, mask_name

#: What a removal is called on the board, by the status that caused it.
REMOVAL_ZH = {
    RecipientStatus.SUSPENDED.value: "暂停服务",
    RecipientStatus.STOPPED.value: "停止服务",
    RecipientStatus.DECEASED.value: "停止服务（身故）",
}
MOVED_OUT_ZH = "迁出本村（社区）"
NEIGHBOUR_ZH = "邻里互助志愿者"
HIDDEN_NAME = "**"


class BoardLeakError(ValueError):
    """A rendered board contains something shaped like an ID or phone number."""


@dataclass(frozen=True)
class BoardPerson:
    """What a board needs to know about one file (no contact, health or ID data)."""

    service_number: str
    display_name: str
    county_code: str
    village_code: str
    category: str
    status: str
    served_since: date
    status_effective_date: date
    previous_village_code: str | None = None
    moved_on: date | None = None
    items: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    previous_status: str | None = None

    def status_on(self, day: date) -> str:
        """The status in force on ``day``: a change dated later has not taken effect yet."""
        if self.status_effective_date > day and self.previous_status is not None:
            return self.previous_status
        return self.status


@dataclass(frozen=True)
class BoardRow:
    """One person currently served."""

    name: str
    category: str
    items: str
    providers: str
    since: str


@dataclass(frozen=True)
class BoardChange:
    """One addition or removal this month."""

    name: str
    category: str
    on: str
    change: str


@dataclass(frozen=True)
class BoardContent:
    """Everything a board version shows, apart from its version number and time."""

    village_code: str
    place_zh: str
    period: str
    rows: tuple[BoardRow, ...] = ()
    additions: tuple[BoardChange, ...] = ()
    removals: tuple[BoardChange, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The content as stored with the version."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoardContent:
        """Reads stored content back."""
        return cls(
            data["village_code"],
            data["place_zh"],
            data["period"],
            tuple(BoardRow(**r) for r in data["rows"]),
            tuple(BoardChange(**c) for c in data["additions"]),
            tuple(BoardChange(**c) for c in data["removals"]),
        )

    def digest(self) -> str:
        """SHA-256 of the content: a refresh that changes nothing makes no new version."""
        text = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def scrub(text: str) -> str:
    """Replaces anything shaped like an ID or phone number (e.g. in a provider's name)."""
    while found := sorted({*find_id_numbers(text), *find_phones(text)}, key=len, reverse=True):
        for number in found:
            text = text.replace(number, "***")
    return text


def board_name(display_name: str, style: MaskStyle = "surname") -> str:
    """The name as the county shows it; anything number-like is hidden altogether."""
    masked = mask_name(display_name, style)
    if find_id_numbers(masked) or find_phones(masked) or any(c.isdigit() for c in masked):
        return HIDDEN_NAME
    return masked


def provider_label(name_zh: str, provider_type: str) -> str:
    """A provider as the board names it; neighbour volunteers are people, not named."""
    if provider_type == ProviderType.NEIGHBOUR_VOLUNTEER.value:
        return NEIGHBOUR_ZH
    return name_zh


def _in(period: str, day: date | None) -> bool:
    return day is not None and day.strftime("%Y-%m") == period


@dataclass(frozen=True)
class _Shown:
    """How names are masked and what the county lets a board reveal."""

    style: MaskStyle
    publicity: Publicity


def _change(p: BoardPerson, shown: _Shown, on: date, text: str) -> BoardChange:
    category = shown.publicity.category_zh(p.category)
    return BoardChange(board_name(p.display_name, shown.style), category, on.isoformat(), text)


def _row(p: BoardPerson, shown: _Shown) -> BoardRow:
    return BoardRow(
        name=board_name(p.display_name, shown.style),
        category=shown.publicity.category_zh(p.category),
        items=scrub("、".join(p.items)) or "—",
        providers=scrub("、".join(p.providers)) or "待确定",
        since=p.served_since.isoformat(),
    )


def _removal(
    p: BoardPerson, village: str, period: str, today: date, shown: _Shown
) -> BoardChange | None:
    if p.village_code != village:
        moved_out = p.previous_village_code == village and _in(period, p.moved_on)
        return _change(p, shown, p.moved_on, MOVED_OUT_ZH) if moved_out and p.moved_on else None
    in_force = p.status_effective_date <= today
    if in_force and not is_served(p.status) and _in(period, p.status_effective_date):
        said = shown.publicity.removal_zh(p.status, REMOVAL_ZH[p.status])
        return _change(p, shown, p.status_effective_date, said)
    return None


def compose_board(
    village_code: str,
    place_zh: str,
    people: Iterable[BoardPerson],
    *,
    period: str,
    today: date,
    style: MaskStyle = "surname",
    publicity: Publicity | None = None,
) -> BoardContent:
    """The board of one village for one month as of ``today``, people in service-number order.

    A stop, death or suspension dated after ``today`` is not shown yet: the person stays
    listed until the day it takes effect (the day clock renders the board again then)."""
    shown = _Shown(style, publicity or Publicity())
    ordered = sorted(people, key=lambda p: p.service_number)
    here = [p for p in ordered if p.village_code == village_code and is_served(p.status_on(today))]
    removals = [r for p in ordered if (r := _removal(p, village_code, period, today, shown))]
    additions = [
        _change(p, shown, p.served_since, "新纳入服务") for p in here if _in(period, p.served_since)
    ]
    return BoardContent(
        village_code,
        scrub(place_zh),
        period,
        tuple(_row(p, shown) for p in here),
        tuple(additions),
        tuple(removals),
    )


def ensure_publishable(text: str) -> None:
    """Raises BoardLeakError if the text holds anything shaped like an ID or phone number."""
    if find_id_numbers(text) or find_phones(text):
        raise BoardLeakError("board text contains an ID-shaped or phone-shaped number")


@dataclass(frozen=True)
class VersionStamp:
    """When a stored board version started to be shown."""

    version: int
    valid_from: datetime


def shown_on(versions: Sequence[VersionStamp], day: date) -> VersionStamp | None:
    """The version the board showed at the end of ``day`` (Asia/Shanghai), if any."""
    cutoff = calendar.end_of_day(day)
    shown = [v for v in versions if v.valid_from < cutoff]
    return max(shown, key=lambda v: v.version) if shown else None
