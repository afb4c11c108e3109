"""结算 (township): the township's statements, confirming one, and paying them in batches.

Paying takes two people (docs/money-controls.md): the officer who confirms or batches may
not approve; settlement refuses with 409 ``four_eyes_required`` and the page shows its
Chinese message. Files (lines CSV, the printed statement, the bank file) are passed through
from settlement as they come; the bank's return is uploaded to it as a file.
"""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import problems
from console.listing import PAGE_SIZE, no_division, pages_of
from console.problems import Shown
from console.services import Reply, reply_of
from console.session import Session
from console.web import SessionDep, page, runtime_of
from contracts.enums import FundingSource

log = logging.getLogger(__name__)
router = APIRouter()
#: settlement's ``StatementStatus`` codes, for the status filter.
STATEMENT_STATUSES = {
    "draft": "草稿（待确认）",
    "held": "超预算待县级审批",
    "confirmed": "已确认",
    "carried": "负数结转下期",
    "paid": "已支付",
}
#: The funds' Chinese names.
FUND_LABELS = dict(FundingSource.label_zh)
#: Headers of a passed-through file worth keeping (its type and its file name).
_FILE_HEADERS = ("content-type", "content-disposition")


async def raw_call(
    request: Request, service: str, method: str, path: str, session: Session, **kw: Any
) -> httpx.Response | Reply:
    """A call whose answer is a file (or that sends one): the response itself when it
    succeeded, else the ``Reply`` the page shows (down service, refusal)."""
    response = await runtime_of(request).services.raw(service, method, path, session, **kw)
    if response is None:
        return Reply(503, shown=problems.unavailable(service))
    if response.status_code >= 300:
        return reply_of(service, response)
    return response


async def passthrough(request: Request, session: Session, path: str, title: str) -> Response:
    """Hands a settlement file (CSV, printable page) to the browser, or a page saying why not."""
    got = await raw_call(request, "settlement", "GET", path, session)
    if isinstance(got, Reply):
        status_code = got.page_status
        return page(
            request, "message.html", session, status_code, title=title,
            message=got.shown.message if got.shown else "操作未成功",
        )  # fmt: skip
    headers = {k: v for k, v in got.headers.items() if k.lower() in _FILE_HEADERS}
    return Response(got.content, status_code=200, headers=headers)


def _settlement(request: Request) -> Any:
    return runtime_of(request).services


@router.get("/statements", response_class=HTMLResponse)
async def statements(
    request: Request,
    session: SessionDep,
    period: str | None = None,
    status: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The township's statements (filters, pages) and its payment batches."""
    filters = {"period": period or None, "status": status or None, "page": page_no}
    return await _screen(request, session, filters)


async def _screen(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    refused: Shown | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    if not session.division:
        listing = batches = no_division("结算单")
    else:
        params = {**filters, "township_code": session.division, "size": PAGE_SIZE}
        listing = await _settlement(request).get(
            "settlement", "/statements", session, params=params
        )
        batch_params = {"township_code": session.division, "size": 10}
        batches = await _settlement(request).get(
            "settlement", "/payment-batches", session, params=batch_params
        )
    return page(
        request, "statements.html", session, status_code, title="结算",
        listing=listing, pages=pages_of(listing), filters=filters, statuses=STATEMENT_STATUSES,
        batches=batches, refused=refused, submission_key=uuid.uuid4().hex,
    )  # fmt: skip


@router.get("/statements/{statement_id}", response_class=HTMLResponse)
async def statement(request: Request, session: SessionDep, statement_id: uuid.UUID) -> HTMLResponse:
    """One statement: totals by item and by fund, its files, and the confirm button."""
    return await _statement_page(request, session, statement_id)


async def _statement_page(
    request: Request,
    session: Session,
    statement_id: uuid.UUID,
    *,
    refused: Shown | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = await _settlement(request).get("settlement", f"/statements/{statement_id}", session)
    return page(
        request, "statements_detail.html", session, status_code, title="结算单",
        found=found, refused=refused, done=request.query_params.get("done"),
        fund_labels=FUND_LABELS,
    )  # fmt: skip


@router.post("/statements/{statement_id}/confirm")
async def confirm(request: Request, session: SessionDep, statement_id: uuid.UUID) -> Response:
    """The township officer confirms the statement; a refusal is shown on its page."""
    path = f"/statements/{statement_id}/confirm"
    reply = await _settlement(request).post("settlement", path, session)
    if reply.ok:
        return RedirectResponse(f"/statements/{statement_id}?done=confirmed", status_code=303)
    status_code = reply.page_status
    return await _statement_page(
        request, session, statement_id, refused=reply.shown, status_code=status_code
    )


@router.get("/statements/{statement_id}/lines.csv")
async def lines_csv(request: Request, session: SessionDep, statement_id: uuid.UUID) -> Response:
    """The statement's ledger lines as settlement's CSV (its read is audited there)."""
    path = f"/statements/{statement_id}/lines.csv"
    return await passthrough(request, session, path, "结算单明细")


@router.get("/statements/{statement_id}/print")
async def printable(request: Request, session: SessionDep, statement_id: uuid.UUID) -> Response:
    """The statement as settlement prints it (Chinese, with signature blocks)."""
    path = f"/statements/{statement_id}/print"
    return await passthrough(request, session, path, "打印结算单")


@router.post("/statements/batches")
async def create_batch(request: Request, session: SessionDep) -> Response:
    """Batches every confirmed statement of the township not yet paid nor with the bank."""
    form = await request.form()
    key = str(form.get("submission_key") or uuid.uuid4().hex)
    reply = await _settlement(request).post(
        "settlement", "/payment-batches", session,
        json={"township_code": session.division or ""}, headers={"Idempotency-Key": key},
    )  # fmt: skip
    if reply.ok:
        batch_id = str((reply.data or {}).get("batch_id", ""))
        return RedirectResponse(f"/statements/batches/{batch_id}?done=created", status_code=303)
    status_code = reply.page_status
    filters: dict[str, Any] = {"period": None, "status": None, "page": 1}
    return await _screen(request, session, filters, refused=reply.shown, status_code=status_code)


@router.get("/statements/batches/{batch_id}", response_class=HTMLResponse)
async def batch(request: Request, session: SessionDep, batch_id: uuid.UUID) -> HTMLResponse:
    """A payment batch: its lines, who made and approved it, the bank's file and return."""
    return await _batch_page(request, session, batch_id)


async def _batch_page(
    request: Request,
    session: Session,
    batch_id: uuid.UUID,
    *,
    refused: Shown | None = None,
    returned: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = await _settlement(request).get("settlement", f"/payment-batches/{batch_id}", session)
    return page(
        request, "statements_batch.html", session, status_code, title="支付批次",
        found=found, refused=refused, returned=returned, done=request.query_params.get("done"),
    )  # fmt: skip


@router.post("/statements/batches/{batch_id}/approve")
async def approve(request: Request, session: SessionDep, batch_id: uuid.UUID) -> Response:
    """A second person approves (pays) the batch; four eyes are settlement's rule."""
    path = f"/payment-batches/{batch_id}/approve"
    reply = await _settlement(request).post("settlement", path, session)
    if reply.ok:
        return RedirectResponse(f"/statements/batches/{batch_id}?done=approved", status_code=303)
    status_code = reply.page_status
    return await _batch_page(
        request, session, batch_id, refused=reply.shown, status_code=status_code
    )


@router.get("/statements/batches/{batch_id}/bank-file")
async def bank_file(request: Request, session: SessionDep, batch_id: uuid.UUID) -> Response:
    """The approved batch as the county's bank file; the first download sends it."""
    path = f"/payment-batches/{batch_id}/bank-file"
    return await passthrough(request, session, path, "银行支付文件")


@router.post("/statements/batches/{batch_id}/bank-return")
async def bank_return(request: Request, session: SessionDep, batch_id: uuid.UUID) -> Response:
    """Uploads the bank's return file; the page shows what each row did."""
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        shown = Shown("请选择银行回盘文件", "file_required", 422, {"file": "请选择银行回盘文件"})
        return await _batch_page(request, session, batch_id, refused=shown, status_code=422)
    content = await upload.read()
    files = {"file": (upload.filename, content, upload.content_type or "text/csv")}
    path = f"/payment-batches/{batch_id}/bank-return"
    got = await raw_call(request, "settlement", "POST", path, session, files=files)
    if isinstance(got, Reply):
        status_code = got.page_status
        return await _batch_page(
            request, session, batch_id, refused=got.shown, status_code=status_code
        )
    return await _batch_page(request, session, batch_id, returned=got.json())
