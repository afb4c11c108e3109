"""Routes of a file's documents: upload, list, audited download."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import Response

from archive import schemas
from archive.api import views
from archive.api.deps import ContextDep, DocumentUploader, FileReader
from archive.handlers import documents as uc
from archive.settings import Settings
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts.kinds import DocumentKind

router = APIRouter(
    prefix="/files/{file_id}/documents", tags=["档案材料 documents"], responses=PROBLEM_RESPONSES
)

#: Room in an upload's body beside the file: multipart boundaries, part headers, kind, sha256.
ENVELOPE_BYTES = 64 * 1024


def upload_body_limit(settings: Settings) -> int:
    """The most an upload's body may carry: one document at its largest, and its envelope."""
    # A scanned ID card, hukou page or certificate (PDF/JPEG/PNG, 300 dpi) is well under
    # DOCUMENT_MAX_BYTES (10 MiB), and the route refuses a larger file itself (file_too_large).
    # Any more than that is never stored, so it is not read either: the multipart parser
    # would spool it to disk before the uploader's token is even checked.
    return settings.document_max_bytes + ENVELOPE_BYTES


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="上传档案材料（PDF/JPEG/PNG）",
    openapi_extra=reads_personal("document"),
)
async def upload_document(
    file_id: uuid.UUID,
    uow: UowDep,
    principal: DocumentUploader,
    ctx: ContextDep,
    kind: Annotated[DocumentKind, Form(description="Kind of document (材料类别).")],
    file: Annotated[UploadFile, File(description="The scanned copy: PDF, JPEG or PNG.")],
    sha256: Annotated[
        str | None, Form(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 the client computed.")
    ] = None,
) -> schemas.DocumentRead:
    """Stores a document after checking its type, size and checksum."""
    content = await file.read(ctx.settings.document_max_bytes + 1)  # one byte more tells "too big"
    upload = uc.Upload(kind, file.filename or "", file.content_type or "", content, sha256)
    stored = await uc.upload_document(file_id, upload, uow=uow, principal=principal, ctx=ctx)
    return views.document_read(stored)


@router.get("", summary="档案材料清单", openapi_extra=reads_personal("document_list"))
async def list_documents(
    file_id: uuid.UUID, uow: UowDep, principal: FileReader
) -> list[schemas.DocumentRead]:
    """Lists the file's documents (without content)."""
    documents = await uc.list_documents(file_id, uow=uow, principal=principal)
    return [views.document_read(document) for document in documents]


@router.get(
    "/{document_id}",
    summary="下载档案材料（记录访问日志）",
    openapi_extra=reads_personal("document"),
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}},
)
async def download_document(
    file_id: uuid.UUID, document_id: uuid.UUID, uow: UowDep, principal: FileReader
) -> Response:
    """Sends a document's content; which document was taken is written to the access log first."""
    doc = await uc.download_document(file_id, document_id, uow=uow, principal=principal)
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(doc.filename)}",
        "X-Content-SHA256": doc.sha256,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(doc.content, media_type=doc.content_type, headers=headers)
