"""Reading statements: one or a page, with their totals, their lines, the printable page."""

from __future__ import annotations

import uuid
from datetime import datetime

from civic.errors import NotFound
from civic.uow import UnitOfWork
from settlement.adapters.printing import render_statement
from settlement.domain.statements import Statement, StatementDetails
from settlement.repository import catalogue, readmodels
from settlement.repository import statements as repo
from settlement.repository.statements import StatementFilter

#: A settlement run answers with every statement of its scope; a county has far fewer.
RUN_ANSWER_LIMIT = 10_000


async def get_statement(statement_id: uuid.UUID, *, uow: UnitOfWork) -> Statement:
    """One statement, or 404."""
    async with uow:
        found = await repo.get(uow.session, statement_id)
    if found is None:
        raise NotFound("结算单不存在", code="statement_not_found")
    return found


async def statements_page(
    which: StatementFilter, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[Statement], int]:
    """A page of statements (newest period first) and how many match."""
    async with uow:
        return await repo.find(uow.session, which, limit=limit, offset=offset)


async def details(statement: Statement, *, uow: UnitOfWork) -> StatementDetails:
    """The statement with its totals and the ledger's recomputation beside them."""
    async with uow:
        return await _details(uow, statement)


async def details_of_all(which: StatementFilter, *, uow: UnitOfWork) -> list[StatementDetails]:
    """Every matching statement with its totals (the answer to a settlement run)."""
    async with uow:
        found, _ = await repo.find(uow.session, which, limit=RUN_ANSWER_LIMIT, offset=0)
        return [await _details(uow, statement) for statement in found]


async def printable(statement: Statement, *, uow: UnitOfWork, now: datetime) -> str:
    """The statement as a printable Chinese page with signature blocks."""
    async with uow:
        shown = await _details(uow, statement)
        names = await readmodels.provider_names(uow.session, [statement.provider_id])
        item_names = await catalogue.item_names(uow.session, statement.county_code)
        example_fees = await catalogue.priced_by_examples(uow.session, statement)
    return render_statement(
        statement,
        items=shown.by_item,
        sources=shown.by_funding_source,
        provider_name=names.get(statement.provider_id),
        item_names=item_names,
        consistent=shown.consistent,
        example_fees=example_fees,
        now=now,
    )


async def _details(uow: UnitOfWork, statement: Statement) -> StatementDetails:
    statement_id = statement.statement_id
    return StatementDetails(
        statement,
        by_item=await repo.item_totals(uow.session, statement_id),
        by_funding_source=await repo.source_totals(uow.session, statement_id),
        ledger=await repo.recompute(uow.session, statement_id),
    )
