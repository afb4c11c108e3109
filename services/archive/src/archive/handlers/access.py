"""Who may see a file, and the custody log of its documents.

Every read of a file's personal data is recorded by the read audit (civic.audit): a route
declares what it reads, and ``file_in_scope`` names the file's person for it. The older
``access_log`` keeps only what that line cannot say: which document was uploaded or
downloaded, by whom (``audit``); reads of the whole file or its receipt are no longer
written there as well, so each concern is recorded one way.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from opentelemetry import trace

from archive.domain.files import ArchiveFile
from archive.repository import documents as documents_repo
from archive.repository import files as files_repo
from civic.audit import saw
from civic.errors import NotFound
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork

T = TypeVar("T")


async def file_in_scope(uow: UnitOfWork, file_id: uuid.UUID, principal: Principal) -> ArchiveFile:
    """The file, if it lies in the caller's jurisdiction; 404 or 403 otherwise."""
    file = await files_repo.file_by_id(uow.session, file_id)
    if file is None:
        raise NotFound("档案不存在", code="file_not_found", field="path.file_id")
    ensure_jurisdiction(principal, file.village_code)
    # Whatever a route then shows of the file is about this person (the read audit's line).
    saw(file.person_id)
    return file


async def read_in_scope(
    file_id: uuid.UUID,
    principal: Principal,
    uow: UnitOfWork,
    read: Callable[[Any, uuid.UUID], Awaitable[T]],
) -> T:
    """What ``read`` (a repository function of the session and the file id) finds about a
    file, once the file lies in the caller's jurisdiction."""
    async with uow:
        await file_in_scope(uow, file_id, principal)
        return await read(uow.session, file_id)


def _trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


async def audit(
    uow: UnitOfWork,
    principal: Principal,
    *,
    action: str,
    file_id: uuid.UUID,
    document_id: uuid.UUID | None = None,
) -> None:
    """Writes who uploaded or downloaded which document of a file, in the caller's transaction."""
    roles = ",".join(sorted(r.value for r in principal.roles))
    values = {
        "user_id": principal.user_id,
        "roles": roles,
        "action": action,
        "file_id": file_id,
        "document_id": document_id,
        "trace_id": _trace_id(),
    }
    await documents_repo.log_access(uow.session, values)
