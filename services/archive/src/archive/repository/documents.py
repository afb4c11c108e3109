"""Documents of a file, the access log, and file lists."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from archive.adapters.sealing import FILENAME, open_content, open_text, seal_content, seal_text
from archive.domain.files import ArchiveFile
from archive.domain.stored import AccessLine, DocumentContent, DocumentInfo
from archive.orm import access_log, archive_file, file_document
from archive.repository.files import to_file

_META = tuple(c for c in file_document.c if c.name != "content")


async def add_document(session: AsyncSession, document: DocumentInfo, content: bytes) -> None:
    """Stores an uploaded document, its bytes and its name sealed for its row."""
    row = document.document_id
    values = asdict(document) | {
        "filename": seal_text(document.filename, purpose=FILENAME, row=row),
        "content": seal_content(content, document_id=row),
    }
    await session.execute(file_document.insert().values(**values))


def _described(row: RowMapping) -> DocumentInfo:
    name = open_text(row["filename"], purpose=FILENAME, row=row["document_id"])
    return DocumentInfo(**{**row, "filename": name})


async def documents_of(session: AsyncSession, file_id: uuid.UUID) -> list[DocumentInfo]:
    """The documents of a file (without content), oldest first."""
    d = file_document.c
    stmt = select(*_META).where(d.file_id == file_id).order_by(d.uploaded_at, d.document_id)
    return [_described(row) for row in (await session.execute(stmt)).mappings()]


async def document(
    session: AsyncSession, file_id: uuid.UUID, document_id: uuid.UUID
) -> DocumentContent | None:
    """One document of a file, with its content."""
    d = file_document.c
    stmt = select(d.filename, d.content_type, d.sha256, d.content).where(
        d.file_id == file_id, d.document_id == document_id
    )
    row = (await session.execute(stmt)).mappings().first()
    if row is None:
        return None
    return DocumentContent(
        filename=open_text(row["filename"], purpose=FILENAME, row=document_id),
        content_type=row["content_type"],
        sha256=row["sha256"],
        content=open_content(row["content"], document_id=document_id),
    )


async def log_access(session: AsyncSession, values: dict[str, Any]) -> None:
    """Appends a line to the access log."""
    await session.execute(access_log.insert().values(**values))


async def accesses(session: AsyncSession, file_id: uuid.UUID) -> list[AccessLine]:
    """Who accessed a file, newest first."""
    a = access_log.c
    stmt = (
        select(a.at, a.user_id, a.roles, a.action, a.document_id, a.trace_id)
        .where(a.file_id == file_id)
        .order_by(a.id.desc())
    )
    return [AccessLine(**row) for row in (await session.execute(stmt)).mappings()]


async def list_files(
    session: AsyncSession, *, division_code: str, offset: int, limit: int
) -> tuple[int, list[ArchiveFile]]:
    """Files of people living under a division, in service-number order, and their count."""
    f = archive_file.c
    where = f.village_code.startswith(division_code)
    total = (await session.execute(select(func.count()).where(where))).scalar_one()
    stmt = select(archive_file).where(where).order_by(f.service_number)
    rows = (await session.execute(stmt.offset(offset).limit(limit))).mappings().all()
    return int(total), [to_file(row) for row in rows]


async def files_in_village(session: AsyncSession, village_code: str) -> list[ArchiveFile]:
    """Files of people living in a village, in service-number order."""
    f = archive_file.c
    stmt = select(archive_file).where(f.village_code == village_code)
    rows = (await session.execute(stmt.order_by(f.service_number))).mappings().all()
    return [to_file(row) for row in rows]
