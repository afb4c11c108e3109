"""CSV exports: a statement's lines and a period's ledger, with Chinese headers.

Amounts appear twice: integer fen (for machines; money is never a float) and yuan with two
decimals (for people). ``civic.spreadsheet`` adds the byte-order mark and quotes any cell
a spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from civic.spreadsheet import csv_chunks
from contracts.enums import FeeUnit, FundingSource
from contracts.kinds import LedgerLineKind
from settlement.adapters.money import yuan

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


def ledger_csv(lines: Iterable[Any]) -> Iterator[str]:
    """The lines as CSV text, chunk by chunk (a month can be large)."""
    return csv_chunks(LEDGER_HEADER, (_row(line) for line in lines))
