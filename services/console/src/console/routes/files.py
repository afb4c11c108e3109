"""档案: a person's file (archive), its history and documents, the village ledgers, and the
notice board as the public will see it.

Documents are downloaded through the console with the user's token, so archive writes the
download to its access log under the user's own name (archive audits it, not the console).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from civic import clock
from console import forms
from console.dashboards import months_before
from console.listing import PAGE_SIZE, pages_of
from console.problems import Shown
from console.services import SignInRequired
from console.web import SessionDep, page, runtime_of

log = logging.getLogger(__name__)
router = APIRouter()

Village = Annotated[str, Path(pattern=r"^\d{12}$")]
Division = Annotated[str | None, Query(pattern=r"^(\d{6}|\d{9}|\d{12})?$")]
Month = Annotated[str | None, Query(pattern=r"^(20[0-9]{2}-(0[1-9]|1[0-2]))?$")]
#: Headers of a download passed on to the browser (nothing else of archive's answer is).
PASSED_ON = ("content-type", "content-disposition", "x-content-sha256")
#: The board page loads nothing and runs no script; it keeps archive's own policy here.
BOARD_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


@router.get("/files", response_class=HTMLResponse)
async def files(
    request: Request,
    session: SessionDep,
    division: Division = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """Files in the user's jurisdiction in service-number order, narrowed to a village."""
    params = {"division": division or None, "page": page_no, "size": PAGE_SIZE}
    listing = await runtime_of(request).services.get("archive", "/files", session, params=params)
    return page(
        request,
        "files.html",
        session,
        title="档案",
        listing=listing,
        pages=pages_of(listing),
        division=division or "",
        villages=forms.villages_of(session.division),
    )


@router.get("/files/{file_id}", response_class=HTMLResponse)
async def file_page(request: Request, session: SessionDep, file_id: uuid.UUID) -> HTMLResponse:
    """One person's file: summary, items, orders, status changes, documents and history."""
    services = runtime_of(request).services
    base = f"/files/{file_id}"
    found, history = await asyncio.gather(
        services.get("archive", base, session),
        services.get("archive", f"{base}/history", session, params={"size": 50}),
    )
    status = found.status if not found.ok and found.status in (403, 404) else 200
    title = "档案" if not found.ok else f"档案 {found.data['file']['service_number']}"
    return page(request, "file.html", session, status, title=title, found=found, history=history)


@router.get("/files/{file_id}/documents/{document_id}")
async def download(
    request: Request, session: SessionDep, file_id: uuid.UUID, document_id: uuid.UUID
) -> Response:
    """A document's content, fetched as the user (archive logs the download first)."""
    path = f"/files/{file_id}/documents/{document_id}"
    answer = await runtime_of(request).services.raw("archive", "GET", path, session)
    if answer is not None and answer.status_code == 401:
        raise SignInRequired
    if answer is None or answer.status_code != 200:
        message = "档案服务暂不可用，请稍后再试" if answer is None else "无法下载该材料"
        return page(request, "message.html", session, 502, title="下载材料", message=message)
    headers = {k: answer.headers[k] for k in PASSED_ON if k in answer.headers}
    headers |= {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return Response(answer.content, headers=headers)


@router.get("/villages", response_class=HTMLResponse)
async def villages(request: Request, session: SessionDep) -> HTMLResponse:
    """The villages of the user's jurisdiction, each with its ledger and its board."""
    return page(
        request,
        "villages.html",
        session,
        title="村（社区）台账与公示",
        villages=forms.villages_of(session.division),
    )


@router.get("/villages/{village_code}/ledger", response_class=HTMLResponse)
async def ledger(
    request: Request, session: SessionDep, village_code: Village, month: Month = None
) -> HTMLResponse:
    """A village's ledger for a month (archive's 工作台账), with the CSV link."""
    chosen = month or clock.month()
    path = f"/villages/{village_code}/ledger"
    found = await runtime_of(request).services.get(
        "archive", path, session, params={"month": chosen}
    )
    return page(
        request,
        "ledger.html",
        session,
        title="工作台账",
        found=found,
        month=chosen,
        months=months_before(clock.today()),
        village_code=village_code,
    )


@router.get("/villages/{village_code}/ledger.csv")
async def ledger_csv(
    request: Request, session: SessionDep, village_code: Village, month: Month = None
) -> Response:
    """The ledger's CSV export, fetched as the user (archive audits the export)."""
    path = f"/villages/{village_code}/ledger.csv"
    answer = await runtime_of(request).services.raw(
        "archive", "GET", path, session, params={"month": month or None}
    )
    if answer is not None and answer.status_code == 401:
        raise SignInRequired
    if answer is None or answer.status_code != 200:
        return page(request, "message.html", session, 502, title="导出台账", message="无法导出台账")
    headers = {k: answer.headers[k] for k in PASSED_ON if k in answer.headers}
    return Response(answer.content, headers=headers | {"Cache-Control": "no-store"})


@router.get("/villages/{village_code}/board", response_class=HTMLResponse)
async def board(request: Request, session: SessionDep, village_code: Village) -> Response:
    """The village's notice board exactly as archive publishes it (public, no personal data
    beyond what the board shows), framed by the console's page."""
    answer = await runtime_of(request).services.raw(
        "archive", "GET", f"/boards/{village_code}", session, with_token=False
    )
    if answer is None or answer.status_code != 200:
        message = "档案公示服务暂不可用，请稍后再试"
        shown = Shown(message, "service_unavailable", 503, unavailable=True)
        return page(
            request,
            "board.html",
            session,
            503,
            title="公示",
            shown=shown,
            village_code=village_code,
        )
    if request.query_params.get("raw") == "1":
        return HTMLResponse(answer.text, headers=BOARD_HEADERS)
    return page(
        request,
        "board.html",
        session,
        title="公示（公众所见）",
        shown=None,
        village_code=village_code,
    )
