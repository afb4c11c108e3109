"""Flagged bank-return rows: stored once per row, listed open or resolved, resolved once."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import fields
from datetime import datetime

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.payments import ExceptionState, Match, PaymentBatch, PaymentException
from settlement.orm.payments import payment_exception

x = payment_exception.c


def _exception(row: RowMapping) -> PaymentException:
    return PaymentException(**{f.name: row[f.name] for f in fields(PaymentException)})


async def add_exception(
    session: AsyncSession, batch: PaymentBatch, match: Match, *, user: str, now: datetime
) -> bool:
    """Flags a return row for staff; False if the same row was flagged on the batch before."""
    row = match.row
    seen = json.dumps(row.values, sort_keys=True, ensure_ascii=False)
    values = {
        "exception_id": uuid.uuid4(),
        "batch_id": batch.batch_id,
        "township_code": batch.township_code,
        "row_no": row.row_no,
        "line_ref": row.line_ref,
        "kind": match.flag,
        "detail_zh": match.detail_zh,
        "row_values": row.values,
        "fingerprint": hashlib.sha256(seen.encode()).hexdigest(),
        "flagged_by": user,
        "flagged_at": now,
    }
    stmt = pg_insert(payment_exception).values(**values).on_conflict_do_nothing()
    return bool((await session.execute(stmt)).rowcount)  # type: ignore[attr-defined]


async def exceptions(
    session: AsyncSession,
    *,
    township_code: str | None = None,
    batch_id: uuid.UUID | None = None,
    state: ExceptionState = ExceptionState.ALL,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[PaymentException], int]:
    """Flagged return rows of a township or a batch, newest first, and how many there are."""
    where = [x.township_code == township_code] if township_code else [x.batch_id == batch_id]
    if state is ExceptionState.OPEN:
        where.append(x.resolved_at.is_(None))
    elif state is ExceptionState.RESOLVED:
        where.append(x.resolved_at.is_not(None))
    total = await session.execute(select(func.count()).select_from(payment_exception).where(*where))
    query = (
        select(payment_exception)
        .where(*where)
        .order_by(x.flagged_at.desc(), x.row_no)
        .limit(limit)
        .offset(offset)
    )
    found = [_exception(row) for row in (await session.execute(query)).mappings()]
    return found, int(total.scalar_one())


async def get_exception(session: AsyncSession, exception_id: uuid.UUID) -> PaymentException | None:
    """One flagged row, or None."""
    query = select(payment_exception).where(x.exception_id == exception_id)
    row = (await session.execute(query)).mappings().first()
    return None if row is None else _exception(row)


async def resolve(
    session: AsyncSession, exception_id: uuid.UUID, *, user: str, note_zh: str, now: datetime
) -> PaymentException | None:
    """Records who resolved an open row, when and why; None if it was not open."""
    stmt = (
        update(payment_exception)
        .where(x.exception_id == exception_id, x.resolved_at.is_(None))
        .values(resolved_by=user, resolved_at=now, resolution_note_zh=note_zh)
        .returning(payment_exception)
    )
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _exception(row)
