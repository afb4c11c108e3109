"""Use cases of a file's documents: upload (checked, hashed, stored) and audited download."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from archive.context import ArchiveContext
from archive.domain.documents import UploadRejectedError, check_upload
from archive.domain.stored import DocumentContent, DocumentInfo
from archive.handlers.access import audit, file_in_scope, read_in_scope
from archive.handlers.common import announce
from archive.repository import documents as documents_repo
from civic import clock
from civic.errors import NotFound, Unprocessable
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts.archive import DocumentAttached
from contracts.kinds import DocumentKind


@dataclass(frozen=True)
class Upload:
    """A document as received: what it is, its bytes, and the checksum the client claims."""

    kind: DocumentKind
    filename: str
    content_type: str
    content: bytes
    claimed_sha256: str | None = None


@dataclass(frozen=True)
class _Stored:
    """What is stored of an accepted upload, besides its bytes."""

    document_id: uuid.UUID
    media: str
    sha256: str
    size: int


def _accept(upload: Upload, max_bytes: int) -> _Stored:
    try:
        media = check_upload(
            upload.content_type, upload.content[:16], len(upload.content), max_bytes
        )
    except UploadRejectedError as exc:
        raise Unprocessable(exc.message_zh, code=exc.code, field="body.file") from exc
    digest = hashlib.sha256(upload.content).hexdigest()
    if upload.claimed_sha256 and upload.claimed_sha256.lower() != digest:
        raise Unprocessable(
            "文件校验值不符，可能在传输中损坏，请重新上传",
            code="checksum_mismatch",
            field="body.sha256",
        )
    return _Stored(uuid.uuid4(), media, digest, len(upload.content))


def _described(
    file_id: uuid.UUID, upload: Upload, stored: _Stored, by: str, at: datetime
) -> DocumentInfo:
    return DocumentInfo(
        document_id=stored.document_id,
        file_id=file_id,
        kind=upload.kind.value,
        filename=upload.filename[:200] or "document",
        content_type=stored.media,
        size_bytes=stored.size,
        sha256=stored.sha256,
        uploaded_by=by,
        uploaded_at=at,
    )


def _attached(
    person_id: uuid.UUID, file_id: uuid.UUID, kind: DocumentKind, stored: _Stored
) -> DocumentAttached:
    return DocumentAttached(
        person_id=person_id,
        file_id=file_id,
        document_id=stored.document_id,
        kind=kind,
        content_type=stored.media,
        size_bytes=stored.size,
        sha256=stored.sha256,
    )


async def upload_document(
    file_id: uuid.UUID,
    upload: Upload,
    *,
    uow: UnitOfWork,
    principal: Principal,
    ctx: ArchiveContext,
) -> DocumentInfo:
    """Stores a document in the file after checking type, size and checksum; announces it."""
    stored = _accept(upload, ctx.settings.document_max_bytes)
    described = _described(file_id, upload, stored, principal.user_id, clock.now())
    async with uow:
        row = await file_in_scope(uow, file_id, principal)
        await documents_repo.add_document(uow.session, described, upload.content)
        await audit(
            uow,
            principal,
            action="upload_document",
            file_id=file_id,
            document_id=stored.document_id,
        )
        announce(uow, _attached(row.person_id, file_id, upload.kind, stored))
        await uow.commit()
    return described


async def list_documents(
    file_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> Sequence[DocumentInfo]:
    """The documents of a file, without their content."""
    return await read_in_scope(file_id, principal, uow, documents_repo.documents_of)


async def download_document(
    file_id: uuid.UUID, document_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal
) -> DocumentContent:
    """A document's content; the read is written to the access log before it is sent."""
    async with uow:
        await file_in_scope(uow, file_id, principal)
        stored = await documents_repo.document(uow.session, file_id, document_id)
        if stored is None:
            raise NotFound("材料不存在", code="document_not_found", field="path.document_id")
        await audit(
            uow,
            principal,
            action="download_document",
            file_id=file_id,
            document_id=document_id,
        )
        await uow.commit()
    return stored
