"""SQL of the read audit: a line written, and lines found by person, by user and by time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from civic.audit.table import read_audit


@dataclass(frozen=True)
class ReadLine:
    """One read of personal data: who, in which role and jurisdiction, what, whom, when."""

    read_id: uuid.UUID
    read_at: datetime
    user_id: str
    roles: tuple[str, ...]
    division: str | None
    provider_code: str | None
    what: str
    route: str
    person_ids: tuple[uuid.UUID, ...]
    client: str | None
    purpose: str | None
    trace_id: str | None


@dataclass(frozen=True)
class ReadQuery:
    """What an auditor asks: reads of a person, by a user, in a time window; one page."""

    person_id: uuid.UUID | None
    user_id: str | None
    since: datetime | None
    until: datetime | None
    page: int
    size: int


async def add(session: AsyncSession, line: ReadLine) -> None:
    """Writes one line (the table refuses every later change)."""
    values = vars(line) | {"roles": list(line.roles), "person_ids": list(line.person_ids)}
    await session.execute(insert(read_audit).values(**values))


async def find(session: AsyncSession, query: ReadQuery) -> tuple[list[ReadLine], int]:
    """The page of lines that match, newest first, and how many match in all."""
    conditions = []
    if query.person_id is not None:
        conditions.append(read_audit.c.person_ids.contains([query.person_id]))
    if query.user_id is not None:
        conditions.append(read_audit.c.user_id == query.user_id)
    if query.since is not None:
        conditions.append(read_audit.c.read_at >= query.since)
    if query.until is not None:
        conditions.append(read_audit.c.read_at < query.until)
    total = await session.scalar(select(func.count()).select_from(read_audit).where(*conditions))
    rows = await session.execute(
        select(read_audit)
        .where(*conditions)
        .order_by(read_audit.c.read_at.desc(), read_audit.c.read_id)
        .limit(query.size)
        .offset((query.page - 1) * query.size)
    )
    return [_line(row) for row in rows.mappings()], int(total or 0)


def _line(row: RowMapping) -> ReadLine:
    values: dict[str, Any] = dict(row)
    values["roles"] = tuple(values["roles"])
    values["person_ids"] = tuple(values["person_ids"])
    return ReadLine(**values)
