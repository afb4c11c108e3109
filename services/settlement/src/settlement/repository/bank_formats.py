"""Each county's bank file format (what its bank accepts, and how its returns come back)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.adapters.bank_files import FileColumn, PaymentFormat
from settlement.orm.payments import payment_format


async def get_format(session: AsyncSession, county_code: str) -> PaymentFormat | None:
    """The county's bank file format, if it set one."""
    query = select(payment_format).where(payment_format.c.county_code == county_code)
    row = (await session.execute(query)).mappings().first()
    if row is None:
        return None
    return PaymentFormat(
        county_code=row["county_code"],
        columns=tuple(FileColumn(*pair) for pair in row["columns"]),
        return_columns=tuple(FileColumn(*pair) for pair in row["return_columns"]),
        has_header=row["has_header"],
        delimiter=row["delimiter"],
        encoding=row["encoding"],
        set_by=row["set_by"],
        set_at=row["set_at"],
    )


async def set_format(session: AsyncSession, fmt: PaymentFormat, *, user: str) -> None:
    """Sets (or replaces) the county's bank file format."""
    values = {
        "county_code": fmt.county_code,
        "columns": [[c.field, c.header_zh] for c in fmt.columns],
        "return_columns": [[c.field, c.header_zh] for c in fmt.return_columns],
        "has_header": fmt.has_header,
        "delimiter": fmt.delimiter,
        "encoding": fmt.encoding,
        "set_by": user,
    }
    stmt = pg_insert(payment_format).values(**values, set_at=func.now())
    changed = {name: stmt.excluded[name] for name in values if name != "county_code"}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[payment_format.c.county_code], set_={**changed, "set_at": func.now()}
        )
    )
