"""Reading the ledger: a township's service records and ledger lines, page by page."""

from __future__ import annotations

from civic.uow import UnitOfWork
from settlement.domain.ledger import LedgerLine, LineFilter, RecordFilter
from settlement.domain.records import ServiceRecord
from settlement.repository import ledger


async def records_page(
    which: RecordFilter, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[ServiceRecord], int]:
    """A page of service records (billed or not, with the reason) and how many there are."""
    async with uow:
        return await ledger.records_page(uow.session, which, limit=limit, offset=offset)


async def lines_page(
    which: LineFilter, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[LedgerLine], int]:
    """A page of ledger lines in posting order and how many there are."""
    async with uow:
        total = await ledger.count_lines(uow.session, which)
        lines = await ledger.lines(uow.session, which, limit=limit, offset=offset)
    return lines, total


async def all_lines(which: LineFilter, *, uow: UnitOfWork) -> list[LedgerLine]:
    """Every selected ledger line, in posting order (for the CSV exports)."""
    async with uow:
        return await ledger.lines(uow.session, which)
