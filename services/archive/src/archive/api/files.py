"""Routes of files (一人一档): lists, the whole file, history, service receipt, document log."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from archive import schemas
from archive.api import views
from archive.api.deps import ContextDep, FileReader, Supervisor
from archive.handlers import files as uc
from civic.audit import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/files", tags=["档案 files"], responses=PROBLEM_RESPONSES)

Page = PageNumber
Size = Annotated[int, Query(ge=1, le=100, description="Items per page (at most 100).")]


@router.get("", summary="档案列表（按服务号排序）", openapi_extra=reads_personal("file_list"))
async def list_files(
    uow: UowDep,
    principal: FileReader,
    division: Annotated[
        str | None,
        Query(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="Within your jurisdiction."),
    ] = None,
    page: Page = 1,
    size: Size = 20,
) -> schemas.FileList:
    """Lists files in service-number order, within the caller's jurisdiction."""
    found = await uc.list_files(
        uow=uow, principal=principal, division=division, page=page, size=size
    )
    items = [views.file_summary(row) for row in found.rows]
    return schemas.FileList(items=items, total=found.total, page=page, size=size)


@router.get("/{file_id}", summary="查看档案（记录访问日志）", openapi_extra=reads_personal("file"))
async def read_file(file_id: uuid.UUID, uow: UowDep, principal: FileReader) -> schemas.FileRead:
    """Returns the whole file."""
    return views.file_read(await uc.read_file(file_id, uow=uow, principal=principal))


@router.get(
    "/{file_id}/history",
    summary="档案记录（只增不改）",
    openapi_extra=reads_personal("file_history"),
)
async def file_history(
    file_id: uuid.UUID, uow: UowDep, principal: FileReader, page: Page = 1, size: Size = 50
) -> schemas.HistoryList:
    """Returns a page of the file's append-only history, oldest first."""
    found = await uc.file_history(file_id, uow=uow, principal=principal, page=page, size=size)
    items = [views.history_entry(line) for line in found.rows]
    return schemas.HistoryList(items=items, total=found.total, page=page, size=size)


@router.get(
    "/{file_id}/service-receipt",
    summary="接受救助服务情况表（由服务记录生成）",
    openapi_extra=reads_personal("service_receipt"),
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}, "text/csv": {}}}},
)
async def service_receipt(
    file_id: uuid.UUID,
    uow: UowDep,
    principal: FileReader,
    ctx: ContextDep,
    format: Literal["html", "csv"] = "html",
) -> Response:
    """Renders the service-receipt record from the service records, as HTML or CSV."""
    text = await uc.service_receipt(
        file_id, uow=uow, principal=principal, ctx=ctx, as_csv=format == "csv"
    )
    if format == "csv":
        disposition = f'attachment; filename="receipt-{file_id}.csv"'
        return Response(
            text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition}
        )
    return HTMLResponse(text, headers={"Cache-Control": "no-store"})


@router.get(
    "/{file_id}/access-log",
    summary="档案材料上传下载记录",
    # Who handled which of one person's documents: about that person, so audited too.
    openapi_extra=reads_personal("file_access_log"),
)
async def access_log(
    file_id: uuid.UUID, uow: UowDep, principal: Supervisor
) -> list[schemas.AccessEntry]:
    """Lists who uploaded or downloaded the file's documents, newest first."""
    lines = await uc.access_log(file_id, uow=uow, principal=principal)
    return [views.access_entry(line) for line in lines]
