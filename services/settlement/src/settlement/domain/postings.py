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


def source_id(source_key: str) -> uuid.UUID:
    """The ledger's compact key of a source: md5 of its text (PostgreSQL computes the same)."""
    return uuid.UUID(hashlib.md5(source_key.encode(), usedforsecurity=False).hexdigest())


def charge_key(record_id: uuid.UUID) -> str:
    """Source key of a record's one charge."""
    return f"record:{record_id}"


def plan(
    record_id: uuid.UUID, entitlement: Entitlement, posted: Sequence[PostedLine], cause: str
) -> list[PlannedLine]:
    """The lines that make the record's ledger total equal its entitlement."""
    if not posted:
        return _first_posting(record_id, entitlement, cause)
    if not entitlement.billable:
        return _reverse_all(record_id, posted, cause, entitlement)
    net = sum(line.amount_fen for line in posted)
    if entitlement.amount_fen == net:
        return []
    net_quantity = sum(line.quantity for line in posted)
    return [
        PlannedLine(
            ADJUSTMENT,
            f"{charge_key(record_id)}:{cause}",
            entitlement.quantity - net_quantity,
            entitlement.unit_fee_fen,
            entitlement.amount_fen - net,
            entitlement.catalogue_version or posted[0].catalogue_version,
            note_zh=entitlement.note_zh or "按服务对象或工单状态变化调整",
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
            )
        )
    return lines


def _reverse_all(
    record_id: uuid.UUID, posted: Sequence[PostedLine], cause: str, e: Entitlement
) -> list[PlannedLine]:
    reversed_ids = {line.reverses_line_id for line in posted if line.kind is REVERSAL}
    note = e.reason.label_zh if e.reason else None
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
                f"{charge_key(record_id)}:{cause}",
                -rest_quantity,
                anchor.unit_fee_fen,
                -rest,
                anchor.catalogue_version,
                note_zh=note,
            )
        )
    return lines
