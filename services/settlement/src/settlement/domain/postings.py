"""Which ledger lines bring a record's posted total to what it is now worth.

The ledger is append-only: a record is charged once; later it is corrected by reversing
lines or by adjustments, never by editing. Every planned line carries a ``source_key``
that, with its kind, is unique in the ledger, so re-applying the same cause (say, an
event the inbox failed to remember) posts nothing twice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from contracts.kinds import LedgerLineKind
from settlement.domain.billing import Entitlement

CHARGE, REVERSAL, ADJUSTMENT = (
    LedgerLineKind.CHARGE,
    LedgerLineKind.REVERSAL,
    LedgerLineKind.ADJUSTMENT,
)


@dataclass(frozen=True)
class PostedLine:
    """A line already in the ledger for the record."""

    line_id: uuid.UUID
    kind: LedgerLineKind
    quantity: int
    unit_fee_fen: int
    amount_fen: int
    catalogue_version: int
    reverses_line_id: uuid.UUID | None = None
    funding_source: str | None = None


@dataclass(frozen=True)
class PlannedLine:
    """A line to append; ``source_key`` + ``kind`` is unique in the ledger."""

    kind: LedgerLineKind
    source_key: str
    quantity: int
    unit_fee_fen: int
    amount_fen: int
    catalogue_version: int
    reverses_line_id: uuid.UUID | None = None
    note_zh: str | None = None
    #: The fund it is paid from (None: the fund the record names).
    funding_source: str | None = None


def source_id(source_key: str) -> uuid.UUID:
    """The ledger's compact key of a source: md5 of its text (PostgreSQL computes the same)."""
    return uuid.UUID(hashlib.md5(source_key.encode(), usedforsecurity=False).hexdigest())


def charge_key(record_id: uuid.UUID) -> str:
    """Source key of a record's one charge."""
    return f"record:{record_id}"


#: Why lines leave a fund when the record is still payable, from another one.
FUND_MOVED_ZH = "服务事项资金来源调整，改由新的资金来源结算"


def plan(
    record_id: uuid.UUID, entitlement: Entitlement, posted: Sequence[PostedLine], cause: str
) -> list[PlannedLine]:
    """The lines that make the record's ledger total equal its entitlement, on the fund it is
    paid from now (lines on another fund are undone there: every fen traces to one fund)."""
    if not posted:
        return _first_posting(record_id, entitlement, cause)
    e, home = entitlement, _home_fund(posted)
    lines: list[PlannedLine] = []
    for fund, group in _by_fund(posted).items():
        if not e.billable or fund != e.funding_source:
            note = e.reason.label_zh if e.reason is not None else FUND_MOVED_ZH
            lines += _reverse_all(group, _key(record_id, cause, fund, home), note)
    if e.billable:
        kept = [line for line in posted if line.funding_source == e.funding_source]
        key = _key(record_id, cause, e.funding_source, home)
        lines += _bring_to(e, kept, key, moved=bool(lines))
    return lines


def _home_fund(posted: Sequence[PostedLine]) -> str | None:
    """The fund of the record's charge: its adjustments keep the keys they always had."""
    charges = [line for line in posted if line.kind is CHARGE]
    return (charges or list(posted))[0].funding_source


def _by_fund(posted: Sequence[PostedLine]) -> dict[str | None, list[PostedLine]]:
    groups: dict[str | None, list[PostedLine]] = {}
    for line in posted:
        groups.setdefault(line.funding_source, []).append(line)
    return groups


def _key(record_id: uuid.UUID, cause: str, fund: str | None, home: str | None) -> str:
    # One cause may post an adjustment on two funds (one out, one in): each has its own key.
    base = f"{charge_key(record_id)}:{cause}"
    return base if fund == home else f"{base}:{fund}"


def _bring_to(
    e: Entitlement, kept: Sequence[PostedLine], key: str, *, moved: bool
) -> list[PlannedLine]:
    """The adjustment that makes the lines on the entitlement's fund total its amount."""
    net = sum(line.amount_fen for line in kept)
    if e.amount_fen == net:
        return []
    default_note = FUND_MOVED_ZH if moved else "按服务对象或工单状态变化调整"
    return [
        PlannedLine(
            ADJUSTMENT,
            key,
            e.quantity - sum(line.quantity for line in kept),
            e.unit_fee_fen,
            e.amount_fen - net,
            e.catalogue_version or (kept[0].catalogue_version if kept else 0),
            note_zh=e.note_zh or default_note,
            funding_source=e.funding_source,
        )
    ]


def _first_posting(record_id: uuid.UUID, e: Entitlement, cause: str) -> list[PlannedLine]:
    if not e.billable or e.catalogue_version is None:
        return []
    lines = [
        PlannedLine(
            CHARGE,
            charge_key(record_id),
            e.quantity,
            e.unit_fee_fen,
            e.full_fen,
            e.catalogue_version,
            funding_source=e.funding_source,
        )
    ]
    if e.amount_fen != e.full_fen:
        lines.append(
            PlannedLine(
                ADJUSTMENT,
                f"{charge_key(record_id)}:{cause}",
                0,
                e.unit_fee_fen,
                e.amount_fen - e.full_fen,
                e.catalogue_version,
                note_zh=e.note_zh,
                funding_source=e.funding_source,
            )
        )
    return lines


def _reverse_all(posted: Sequence[PostedLine], key: str, note: str | None) -> list[PlannedLine]:
    """The lines that bring ``posted`` (the lines of one fund) to zero, on that fund."""
    reversed_ids = {line.reverses_line_id for line in posted if line.kind is REVERSAL}
    lines = [
        PlannedLine(
            REVERSAL,
            f"line:{line.line_id}",
            -line.quantity,
            line.unit_fee_fen,
            -line.amount_fen,
            line.catalogue_version,
            reverses_line_id=line.line_id,
            note_zh=note,
            funding_source=line.funding_source,
        )
        for line in posted
        if line.kind is CHARGE and line.line_id not in reversed_ids
    ]
    # Adjustments cannot be reversed line by line (a reversal has a negative quantity at a
    # non-negative fee); whatever remains after the charge is undone is one adjustment.
    rest = sum(x.amount_fen for x in posted) + sum(x.amount_fen for x in lines)
    rest_quantity = sum(x.quantity for x in posted) + sum(x.quantity for x in lines)
    if rest or rest_quantity:
        anchor = posted[0]
        lines.append(
            PlannedLine(
                ADJUSTMENT,
                key,
                -rest_quantity,
                anchor.unit_fee_fen,
                -rest,
                anchor.catalogue_version,
                note_zh=note,
                funding_source=anchor.funding_source,
            )
        )
    return lines
