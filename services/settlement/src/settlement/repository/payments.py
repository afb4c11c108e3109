"""Payment batches and their lines, bank accounts and bank returns (flagged rows:
``payment_exceptions``; reversals: ``reversals``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.adapters import sealing
from settlement.domain.payments import (
    OPEN_LINES,
    BankAccount,
    BatchLine,
    PaymentBatch,
    ReturnImport,
    line_ref,
)
from settlement.domain.statements import StatementStatus
from settlement.orm import provider, statement
from settlement.orm.payments import (
    payment_batch,
    payment_line,
    payment_return,
    provider_bank_account,
)

b, ln, s = payment_batch.c, payment_line.c, statement.c
T = TypeVar("T")


def _of(kind: type[T], row: RowMapping) -> T:
    return kind(**{f.name: row[f.name] for f in fields(kind)})  # type: ignore[arg-type]


async def payable(session: AsyncSession, township_code: str) -> list[RowMapping]:
    """The township's confirmed statements owing money and waiting for no bank, locked."""
    waiting = select(ln.statement_id).where(ln.status.in_(OPEN_LINES))
    query = (
        select(s.statement_id, s.provider_id, s.provider_code, s.total_fen)
        .where(
            s.township_code == township_code,
            s.status == StatementStatus.CONFIRMED.value,
            s.total_fen > 0,
            s.statement_id.not_in(waiting),
        )
        .order_by(s.provider_code, s.period, s.statement_id)
        .with_for_update(of=statement)
    )
    return list((await session.execute(query)).mappings())


async def next_batch_no(session: AsyncSession) -> int:
    """The next batch number (the caller holds the batch-numbering lock)."""
    found = await session.execute(select(func.coalesce(func.max(b.batch_no), 0)))
    return int(found.scalar_one()) + 1


async def add_batch(
    session: AsyncSession, batch: PaymentBatch, payable: Sequence[RowMapping]
) -> None:
    """Stores a new batch and its lines, one per payable statement, in file order."""
    await session.execute(payment_batch.insert().values(**asdict(batch)))
    lines = [
        {
            "batch_id": batch.batch_id,
            "line_no": n,
            "line_ref": line_ref(batch.batch_no, n),
            "statement_id": row["statement_id"],
            "provider_id": row["provider_id"],
            "provider_code": row["provider_code"],
            "amount_fen": row["total_fen"],
            "status": "pending",
        }
        for n, row in enumerate(payable, start=1)
    ]
    await session.execute(payment_line.insert(), lines)


async def get_batch(
    session: AsyncSession, batch_id: uuid.UUID, *, lock: bool = False
) -> PaymentBatch | None:
    """One batch (locked for update when asked)."""
    query = select(payment_batch).where(b.batch_id == batch_id)
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    return None if row is None else _of(PaymentBatch, row)


async def set_batch(
    session: AsyncSession, batch_id: uuid.UUID, values: dict[str, Any]
) -> PaymentBatch:
    """Moves a batch on (approved, sent, closed)."""
    stmt = update(payment_batch).where(b.batch_id == batch_id).values(**values)
    row = (await session.execute(stmt.returning(payment_batch))).mappings().one()
    return _of(PaymentBatch, row)


async def batches(
    session: AsyncSession, township_code: str, *, limit: int, offset: int
) -> tuple[list[PaymentBatch], int]:
    """A page of the township's batches, newest first, and how many there are."""
    where = b.township_code == township_code
    total = await session.execute(select(func.count()).select_from(payment_batch).where(where))
    rows = await session.execute(
        select(payment_batch).where(where).order_by(b.batch_no.desc()).limit(limit).offset(offset)
    )
    return [_of(PaymentBatch, row) for row in rows.mappings()], int(total.scalar_one())


async def lines(session: AsyncSession, batch_id: uuid.UUID) -> list[BatchLine]:
    """The batch's lines in file order."""
    query = select(payment_line).where(ln.batch_id == batch_id).order_by(ln.line_no)
    return [_of(BatchLine, row) for row in (await session.execute(query)).mappings()]


async def confirmers(session: AsyncSession, batch_id: uuid.UUID) -> dict[uuid.UUID, str | None]:
    """Who confirmed each statement of the batch."""
    query = (
        select(s.statement_id, s.confirmed_by)
        .select_from(payment_line.join(statement, ln.statement_id == s.statement_id))
        .where(ln.batch_id == batch_id)
    )
    return {row.statement_id: row.confirmed_by for row in await session.execute(query)}


async def file_rows(session: AsyncSession, batch_id: uuid.UUID) -> list[dict[str, Any]]:
    """What the bank file says of each line: reference, payee, amount and purpose."""
    p = provider.c
    purpose = func.concat("社会救助服务费 ", s.period)
    query = (
        select(
            ln.line_ref,
            ln.provider_code,
            p.name_zh.label("payee_name"),
            ln.amount_fen,
            purpose.label("purpose"),
        )
        .select_from(
            payment_line.join(statement, ln.statement_id == s.statement_id).outerjoin(
                provider, p.provider_id == ln.provider_id
            )
        )
        .where(ln.batch_id == batch_id)
        .order_by(ln.line_no)
    )
    rows = [dict(row) for row in (await session.execute(query)).mappings()]
    accounts = await _opened_accounts(session, {row["provider_code"] for row in rows})
    return [row | accounts.get(row["provider_code"], {}) for row in rows]


ACCOUNTS = "provider_bank_account"
a = provider_bank_account.c


async def provider_county(session: AsyncSession, provider_code: str) -> str | None:
    """The county of a provider settlement knows (from dispatch's registry), if any."""
    query = select(provider.c.county_code).where(provider.c.provider_code == provider_code)
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def set_account(session: AsyncSession, values: dict[str, Any]) -> None:
    """Sets (or replaces) a provider's bank account, its number and name sealed."""
    sealed = sealing.seal_values(ACCOUNTS, values, row=values["provider_code"])
    stmt = pg_insert(provider_bank_account).values(**sealed, set_at=func.now())
    changed = {name: stmt.excluded[name] for name in sealed if name != "provider_code"}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[a.provider_code], set_={**changed, "set_at": func.now()}
        )
    )


async def account(session: AsyncSession, provider_code: str) -> BankAccount | None:
    """A provider's bank account as answers show it (the number stays sealed)."""
    query = select(provider_bank_account).where(a.provider_code == provider_code)
    row = (await session.execute(query)).mappings().first()
    if row is None:
        return None
    opened = sealing.open_values(ACCOUNTS, {"account_name": row["account_name"]}, row=provider_code)
    return _of(BankAccount, {**row, **opened})  # type: ignore[arg-type]


async def _opened_accounts(session: AsyncSession, codes: set[str]) -> dict[str, dict[str, str]]:
    """The providers' accounts opened, for the bank file."""
    names = (a.provider_code, a.account_no, a.account_name, a.bank_name)
    rows = await session.execute(select(*names).where(a.provider_code.in_(codes)))
    return {
        row["provider_code"]: sealing.open_values(ACCOUNTS, dict(row), row=row["provider_code"])
        for row in rows.mappings()
    }


async def send_lines(session: AsyncSession, batch_id: uuid.UUID) -> None:
    """The batch's pending lines are now with the bank."""
    await session.execute(
        update(payment_line)
        .where(ln.batch_id == batch_id, ln.status == "pending")
        .values(status="sent")
    )


async def set_line(
    session: AsyncSession, batch_id: uuid.UUID, line_no: int, values: dict[str, Any]
) -> None:
    """Records the bank's answer on one line."""
    await session.execute(
        update(payment_line).where(ln.batch_id == batch_id, ln.line_no == line_no).values(**values)
    )


async def was_imported(session: AsyncSession, batch_id: uuid.UUID, sha256: str) -> bool:
    """True if this very return file was imported into the batch before."""
    c = payment_return.c
    query = select(func.count()).where(c.batch_id == batch_id, c.file_sha256 == sha256)
    return bool((await session.execute(query)).scalar_one())


async def add_return(
    session: AsyncSession, result: ReturnImport, sha256: str, *, user: str, now: datetime
) -> None:
    """Records that a return file was imported, with its counts."""
    values = {
        "return_id": uuid.uuid4(),
        "batch_id": result.batch.batch_id,
        "file_sha256": sha256,
        "row_count": len(result.matches),
        **result.counts,
        "imported_by": user,
        "imported_at": now,
    }
    await session.execute(payment_return.insert().values(**values))
