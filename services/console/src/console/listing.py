"""What every paged list shares: its page size, its page count, and the no-division answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from console.problems import Shown
from console.services import Reply

#: Rows per page on every list the console shows.
PAGE_SIZE = 20


def pages_of(reply: Reply) -> int:
    """How many pages a paged answer (``{items, total, page, size}``) has."""
    data = reply.data or {}
    return max(1, -(-int(data.get("total", 0)) // int(data.get("size") or PAGE_SIZE)))


def no_division(what: str) -> Reply:
    """The reply shown when the user's account has no division to read ``what`` for."""
    return Reply(404, shown=Shown(f"您的账号没有辖区，无法读取{what}", "no_division", 404))


def page_link(path: str, params: Mapping[str, Any], page_no: int, name: str = "page") -> str:
    """A list's link to another of its pages, keeping its filters (empty ones dropped);
    ``name`` is the page's parameter (a screen with two lists pages each by its own)."""
    kept = {k: v for k, v in params.items() if v not in (None, "") and k != name}
    return f"{path}?{urlencode({**kept, name: page_no})}"
