"""Board heads and versions, and the files a board is made from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from archive.domain.files import ArchiveFile
from archive.domain.stored import BoardVersion, PublishedBoard
from archive.orm import archive_file, board_head, board_version, file_order
from archive.repository.files import to_file

_VERSION_STAMP = (
    board_version.c.version,
    board_version.c.valid_from,
    board_version.c.entry_count,
    board_version.c.content_sha256,
)


async def lock_head(session: AsyncSession, village_code: str) -> int:
    """Locks a village's board head (creating it) and returns its current version."""
    h = board_head
    stmt = (
        insert(h)
        .values(village_code=village_code, current_version=0)
        .on_conflict_do_update(
            index_elements=[h.c.village_code], set_={"current_version": h.c.current_version}
        )
        .returning(h.c.current_version)
    )
    return int((await session.execute(stmt)).scalar_one())


async def current_version(session: AsyncSession, village_code: str) -> int | None:
    """A village's current board version (no lock), or None."""
    h = board_head.c
    stmt = select(h.current_version).where(h.village_code == village_code)
    return (await session.execute(stmt)).scalar_one_or_none()


async def latest_digest(session: AsyncSession, village_code: str, version: int) -> str | None:
    """The content digest of a stored version, or None."""
    v = board_version.c
    stmt = select(v.content_sha256).where(v.village_code == village_code, v.version == version)
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_version(session: AsyncSession, values: dict[str, Any]) -> None:
    """Stores a new version and makes it the village's current one."""
    await session.execute(board_version.insert().values(**values))
    stmt = update(board_head).where(board_head.c.village_code == values["village_code"])
    await session.execute(stmt.values(current_version=values["version"]))


async def versions(session: AsyncSession, village_code: str) -> list[BoardVersion]:
    """Every version of a village's board, newest first, without content."""
    v = board_version.c
    stmt = select(*_VERSION_STAMP).where(v.village_code == village_code)
    rows = (await session.execute(stmt.order_by(v.version.desc()))).mappings()
    return [BoardVersion(**row) for row in rows]


async def published(
    session: AsyncSession, village_code: str, version: int
) -> PublishedBoard | None:
    """One stored version's page and the instant it became valid."""
    v = board_version.c
    stmt = select(v.html, v.valid_from).where(v.village_code == village_code, v.version == version)
    row = (await session.execute(stmt)).mappings().first()
    return PublishedBoard(**row) if row else None


async def shown_before(session: AsyncSession, village_code: str, cutoff: datetime) -> int | None:
    """The newest version that started before ``cutoff``, or None."""
    v = board_version.c
    stmt = (
        select(v.version)
        .where(v.village_code == village_code, v.valid_from < cutoff)
        .order_by(v.version.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def files_for_board(session: AsyncSession, village_code: str) -> list[ArchiveFile]:
    """Files of people living in the village, or who moved out of it."""
    f = archive_file.c
    stmt = select(archive_file).where(
        or_(f.village_code == village_code, f.previous_village_code == village_code)
    )
    rows = (await session.execute(stmt.order_by(f.service_number))).mappings().all()
    return [to_file(row) for row in rows]


async def boards_out_of_date(session: AsyncSession, period: str, today: date) -> list[str]:
    """Villages whose current board was made for an earlier month, or before the day a
    dated status change of one of its people took effect."""
    h, v, f = board_head.c, board_version.c, archive_file.c
    shown_on = func.date(func.timezone("Asia/Shanghai", v.valid_from))
    took_effect = exists().where(
        f.village_code == h.village_code,
        or_(
            and_(f.status_effective_date > shown_on, f.status_effective_date <= today),
            # A change of services dated later: its items are shown from its day.
            and_(f.services_effective_date > shown_on, f.services_effective_date <= today),
        ),
    )
    stmt = (
        select(h.village_code)
        .join(
            board_version,
            (v.village_code == h.village_code) & (v.version == h.current_version),
        )
        .where(or_(v.period < period, took_effect))
        .order_by(h.village_code)
    )
    return list((await session.execute(stmt)).scalars())


async def villages_with_files(session: AsyncSession) -> list[str]:
    """Every village that has (or had) a file."""
    f = archive_file.c
    current = select(f.village_code)
    previous = select(f.previous_village_code).where(f.previous_village_code.is_not(None))
    rows = await session.execute(current.union(previous))
    return sorted(r[0] for r in rows)


async def villages_served_by(session: AsyncSession, provider_id: Any) -> list[str]:
    """Villages where someone has an order with the provider."""
    f, o = archive_file.c, file_order.c
    stmt = (
        select(f.village_code)
        .join(file_order, o.person_id == f.person_id)
        .where(o.provider_id == provider_id)
        .distinct()
    )
    return sorted((await session.execute(stmt)).scalars())


async def villages_in_county(session: AsyncSession, county_code: str) -> list[str]:
    """Villages of a county where someone has a file."""
    f = archive_file.c
    stmt = select(f.village_code).where(f.village_code.startswith(county_code)).distinct()
    return sorted((await session.execute(stmt)).scalars())
