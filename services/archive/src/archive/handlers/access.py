"""Who may see a file, and the audit line every read of personal documents leaves."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from opentelemetry import trace

from archive.domain.files import ArchiveFile
from archive.repository import documents as documents_repo
from archive.repository import files as files_repo
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
    """Writes who did what to which file, in the caller's transaction."""
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
