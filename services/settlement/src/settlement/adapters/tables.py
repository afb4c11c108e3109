"""CSV exports: a statement's lines and a period's ledger, with Chinese headers.

Amounts appear twice: integer fen (for machines; money is never a float) and yuan with two
decimals (for people). ``civic.spreadsheet`` adds the byte-order mark and quotes any cell
a spreadsheet would run as a formula.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from civic.spreadsheet import csv_chunks
from contracts.enums import FeeUnit, FundingSource
from contracts.kinds import LedgerLineKind
from settlement.adapters.money import yuan
from settlement.adapters.printing import carried_from, carry_label_zh

LEDGER_HEADER = (
    "台账行号",
    "类型",
    "结算期间",
    "服务月份",
    "服务日期",
    "乡镇(街道)代码",
    "服务供给主体",
    "服务对象编号",
    "服务记录编号",
    "服务事项",
    "计量单位",
    "数量",
    "单价(分)",
    "金额(分)",
    "金额(元)",
    "资金来源",
    "收费标准版本",
    "冲销的台账行",
    "说明",
    "记账时间",
)


def _row(line: Any) -> list[Any]:
    return [
        line.line_id,
        LedgerLineKind(line.kind).label_zh,
        line.period,
        line.service_month,
        line.service_date or "",
        line.township_code,
        line.provider_code,
        line.recipient_id,
        line.record_id or "",
        line.item_code,
        FeeUnit(line.unit).label_zh,
        line.quantity,
        line.unit_fee_fen,
        line.amount_fen,
        yuan(line.amount_fen),
        FundingSource(line.funding_source).label_zh,
        line.catalogue_version,
        line.reverses_line_id or "",
        line.reason_zh or "",
        line.posted_at.isoformat(),
    ]


def ledger_csv(lines: Iterable[Any], extra: Iterable[list[Any]] = ()) -> Iterator[str]:
    """The lines as CSV text, chunk by chunk (a month can be large), then ``extra`` rows."""
    return csv_chunks(LEDGER_HEADER, itertools.chain((_row(line) for line in lines), extra))


def carry_rows(statement: Any, items: Iterable[Any]) -> list[list[Any]]:
    """A statement's carries from earlier periods (its ``_CARRY_<period>`` items) as rows of
    the lines' CSV: they are no ledger line, but without them the lines do not add up."""
    rows = []
    for item in items:
        came_from = carried_from(item.item_code)
        if came_from is None:
            continue
        values = {
            "类型": "结转",
            "结算期间": statement.period,
            "服务月份": came_from,
            "乡镇(街道)代码": statement.township_code,
            "服务供给主体": statement.provider_code,
            "服务事项": item.item_code,
            "金额(分)": item.amount_fen,
            "金额(元)": yuan(item.amount_fen),
            "说明": carry_label_zh(came_from),
        }
        rows.append([values.get(header, "") for header in LEDGER_HEADER])
    return rows
