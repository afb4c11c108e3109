"""The printable Chinese statement a township signs and files (HTML for the browser's print)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from contracts import divisions
from contracts.calendar import CHIZHOU
from contracts.enums import FeeUnit, FundingSource
from contracts.kinds import StatementPeriod
from settlement.adapters.money import in_words, yuan
from settlement.domain.statements import StatementStatus
from settlement.repository.settle_sql import CARRY_ITEM_PREFIX


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("settlement.adapters", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yuan"] = yuan
    env.filters["in_words"] = in_words
    return env


def _period_zh(kind: str, period: str) -> str:
    if kind == StatementPeriod.ANNUAL.value:
        return f"{period}年度"
    return f"{period[:4]}年{period[5:7]}月"


def carried_from(item_code: str) -> str | None:
    """The period a carry item was carried from (``_CARRY_2034-06`` → ``2034-06``), else None."""
    if item_code.startswith(CARRY_ITEM_PREFIX):
        return item_code.removeprefix(CARRY_ITEM_PREFIX)
    return None


def carry_label_zh(period: str) -> str:
    """How a carry shows on a statement: 上期负数结转 and the period it came from."""
    kind = StatementPeriod.ANNUAL.value if len(period) == 4 else StatementPeriod.MONTHLY.value
    return f"上期负数结转（{_period_zh(kind, period)}）"


def render_statement(
    row: Any,
    *,
    items: list[Any],
    sources: list[Any],
    provider_name: str | None,
    item_names: dict[str, str],
    consistent: bool,
    example_fees: bool,
    now: datetime,
) -> str:
    """Renders one statement as a printable page."""
    kind = StatementPeriod(row.period_kind)
    context = {
        "s": row,
        "title": "邻里互助服务年度补贴结算单"
        if kind is StatementPeriod.ANNUAL
        else "社会救助服务费用月度结算单",
        "period_zh": _period_zh(row.period_kind, row.period),
        "township_zh": divisions.full_name_zh(row.township_code),
        "provider_zh": provider_name or row.provider_code,
        "status_zh": StatementStatus(row.status).label_zh,
        "current": [_item(i, item_names) for i in items if not i.is_adjustment],
        "adjustments": [
            _item(i, item_names)
            for i in items
            if i.is_adjustment and carried_from(i.item_code) is None
        ],
        "carries": [_carry(i) for i in items if carried_from(i.item_code) is not None],
        "sources": [
            {
                "label": FundingSource(t.funding_source).label_zh,
                "amount_fen": t.amount_fen,
                "lines": t.line_count,
            }
            for t in sources
        ],
        "consistent": consistent,
        "example_fees": example_fees,
        "printed_at": now.astimezone(CHIZHOU).strftime("%Y-%m-%d %H:%M"),
    }
    return _environment().get_template("statement.html").render(**context)


def _item(row: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "code": row.item_code,
        "name": names.get(row.item_code, row.item_code),
        "unit": FeeUnit(row.unit).label_zh,
        "quantity": row.quantity,
        "amount_fen": row.amount_fen,
        "lines": row.line_count,
    }


def _carry(row: Any) -> dict[str, Any]:
    return {
        "name": carry_label_zh(carried_from(row.item_code) or ""),
        "amount_fen": row.amount_fen,
        "lines": row.line_count,
    }
