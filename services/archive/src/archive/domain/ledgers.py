"""The village ledger (工作台账) and a person's service-receipt record (接受救助服务情况表)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from contracts.enums import FeeUnit, RecipientCategory, RecipientStatus


@dataclass(frozen=True)
class LedgerEntry:
    """One current recipient of a village, as the ledger lists them."""

    person_id: uuid.UUID  # whose row: for the read audit, never in the CSV
    service_number: str
    display_name: str
    category: str
    status: str
    items: tuple[str, ...]
    providers: tuple[str, ...]
    services_this_month: int
    quantities: tuple[tuple[str, int, str], ...]  # (item name, quantity, unit)


LEDGER_HEADER = (
    "服务号",
    "姓名",
    "救助类别",
    "救助状态",
    "服务事项",
    "服务供给主体",
    "本月服务次数",
    "本月服务量",
)


def quantity_text(quantities: Iterable[tuple[str, int, str]]) -> str:
    """Formats quantities as 居家照料 4次；供餐送餐 20餐."""
    return "；".join(f"{name} {qty}{FeeUnit(unit).label_zh}" for name, qty, unit in quantities)


def ledger_row(entry: LedgerEntry) -> tuple[str, ...]:
    """One CSV line of the ledger, in Chinese."""
    return (
        entry.service_number,
        entry.display_name,
        RecipientCategory(entry.category).label_zh,
        RecipientStatus(entry.status).label_zh,
        "、".join(entry.items),
        "、".join(entry.providers),
        str(entry.services_this_month),
        quantity_text(entry.quantities),
    )


@dataclass(frozen=True)
class ReceiptLine:
    """One service record on the 接受救助服务情况表."""

    service_date: date | None
    item: str
    category: str
    mode: str
    quantity: int | None
    unit: str | None
    provider: str
    accepted: bool
    note: str


RECEIPT_HEADER = (
    "服务日期",
    "服务事项",
    "服务类别",
    "服务方式",
    "数量",
    "服务供给主体",
    "审核结果",
)


def receipt_row(line: ReceiptLine) -> tuple[str, ...]:
    """One CSV line of the service-receipt record."""
    amount = f"{line.quantity}{FeeUnit(line.unit).label_zh}" if line.quantity and line.unit else ""
    return (
        line.service_date.isoformat() if line.service_date else "",
        line.item,
        line.category,
        line.mode,
        amount,
        line.provider,
        "有效" if line.accepted else f"不予认可（{line.note}）",
    )
