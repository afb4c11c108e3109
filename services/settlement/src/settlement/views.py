"""Statements shaped for answers: totals beside the ledger recomputation, the print page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.statements import StatementStatus
from settlement.exports.printing import render_statement
from settlement.orm import catalogue_version, ledger_line
from settlement.repository import catalogue, readmodels
from settlement.repository import statements as repo
from settlement.schemas import ItemTotal, SourceTotal, StatementRead


async def statement_view(session: AsyncSession, row: Any, *, details: bool = True) -> StatementRead:
    """A statement; with details, its totals and whether they equal the ledger's."""
    data = dict(row._mapping)
    view = StatementRead(**data, status_zh=StatementStatus(row.status).label_zh)
    if not details:
        return view
    fresh = await repo.recompute(session, row.statement_id)
    view.by_item = [
        ItemTotal.model_validate(dict(x._mapping))
        for x in await repo.item_totals(session, row.statement_id)
    ]
    view.by_funding_source = [
        SourceTotal.model_validate(dict(x._mapping))
        for x in await repo.source_totals(session, row.statement_id)
    ]
    view.ledger_total_fen = fresh.total_fen
    view.consistent = (fresh.line_count, fresh.total_fen, fresh.adjustment_fen) == (
        row.line_count,
        row.total_fen,
        row.adjustment_fen,
    )
    return view


async def print_view(session: AsyncSession, row: Any, now: datetime) -> str:
    """The printable page of a statement."""
    view = await statement_view(session, row)
    names = await readmodels.provider_names(session, [row.provider_id])
    return render_statement(
        row,
        items=list(await repo.item_totals(session, row.statement_id)),
        sources=list(await repo.source_totals(session, row.statement_id)),
        provider_name=names.get(row.provider_id),
        item_names=await catalogue.item_names(session, row.county_code),
        consistent=bool(view.consistent),
        example_fees=await _priced_by_examples(session, row),
        now=now,
    )


async def _priced_by_examples(session: AsyncSession, row: Any) -> bool:
    """True if any line of the statement was priced by a demo catalogue version."""
    line, v = ledger_line.c, catalogue_version.c
    query = (
        select(v.version)
        .where(
            v.county_code == row.county_code,
            v.is_example.is_(True),
            v.version.in_(
                select(line.catalogue_version)
                .where(
                    line.township_code == row.township_code,
                    line.provider_id == row.provider_id,
                    line.period_kind == row.period_kind,
                    line.period == row.period,
                )
                .distinct()
            ),
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None
