"""Server-rendered pages (jinja2, autoescaped): the notice board and the service receipt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from archive.domain.boards import BoardContent
from contracts.calendar import CHIZHOU


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("archive", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def local_time(moment: datetime) -> str:
    """A moment as people in Chizhou read it: 2026-11-29 13:05."""
    return moment.astimezone(CHIZHOU).strftime("%Y-%m-%d %H:%M")


def month_zh(period: str) -> str:
    """2026-11 → 2026年11月."""
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def board_page(
    content: BoardContent, *, version: int | None, valid_from: datetime | None, hotline: str
) -> str:
    """The public page of one board version."""
    return (
        _env()
        .get_template("board.html")
        .render(
            c=content,
            version=version,
            valid_from=local_time(valid_from) if valid_from else "",
            month_zh=month_zh(content.period),
            hotline=hotline,
        )
    )


def receipt_page(
    *,
    service_number: str,
    name: str,
    category: str,
    place_zh: str,
    header: Sequence[str],
    lines: Sequence[Sequence[str]],
    generated_at: datetime,
) -> str:
    """The 接受救助服务情况表 of one file as a printable page."""
    return (
        _env()
        .get_template("receipt.html")
        .render(
            service_number=service_number,
            name=name,
            category=category,
            place_zh=place_zh,
            header=header,
            lines=lines,
            generated_at=local_time(generated_at),
        )
    )
