"""结算 (county): run a month's settlement for the county, its statements, and the queue of
statements held for the county's budget with the decision form."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from civic import clock
from console import forms
from console.listing import PAGE_SIZE, no_division, pages_of
from console.problems import Shown
from console.routes.statements import FUND_LABELS, STATEMENT_STATUSES
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of

router = APIRouter()
_MONTH = re.compile(r"^20\d{2}-(0[1-9]|1[0-2])$")


def last_month() -> str:
    """The month before today's in Chizhou: the one a county settles at the start of a month."""
    year, month = (int(part) for part in clock.month().split("-"))
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return f"{year:04d}-{month:02d}"


async def _listing(request: Request, session: Session, county: str | None, **params: Any) -> Reply:
    if county is None:
        return no_division("结算单")
    query = {**params, "county_code": county, "size": PAGE_SIZE}
    return await runtime_of(request).services.get(
        "settlement", "/statements", session, params=query
    )


async def _screen(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    ran: Reply | None = None,
    month: str | None = None,
    refused: Shown | None = None,
    held_refused: Shown | None = None,
    refused_id: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    county = forms.county_of(session.division)
    listing = await _listing(request, session, county, **filters)
    held = await _listing(request, session, county, status="held", page=1)
    return page(
        request, "settlement.html", session, status_code, title="月度结算",
        county=county, listing=listing, pages=pages_of(listing), filters=filters,
        statuses=STATEMENT_STATUSES, held=held, funds=FUND_LABELS, ran=ran,
        month=month or last_month(),
        refused=refused, held_refused=held_refused, refused_id=refused_id,
        decided=request.query_params.get("decided"),
    )  # fmt: skip


@router.get("/settlement", response_class=HTMLResponse)
async def settlement(
    request: Request,
    session: SessionDep,
    period: str | None = None,
    status: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The county's statements (filters, pages), the run form and the held queue."""
    filters = {"period": period or None, "status": status or None, "page": page_no}
    return await _screen(request, session, filters)


@router.post("/settlement/run", response_class=HTMLResponse)
async def run(request: Request, session: SessionDep) -> HTMLResponse:
    """Runs (or refreshes) a month's settlement for the county; shows what it issued."""
    month = str((await request.form()).get("month") or "").strip()
    county = forms.county_of(session.division)
    filters: dict[str, Any] = {"period": month or None, "status": None, "page": 1}
    if not _MONTH.match(month):
        shown = Shown("请按 YYYY-MM 填写结算月份", "bad_month", 422, {"month": "请按 YYYY-MM 填写"})
        return await _screen(request, session, filters, month=month, refused=shown, status_code=422)
    if county is None:
        return await _screen(request, session, filters, refused=no_division("结算").shown)
    path = f"/settlements/{county}/{month}/run"
    ran = await runtime_of(request).services.post("settlement", path, session)
    status_code = 200 if ran.ok else (ran.page_status)
    refused = None if ran.ok else ran.shown
    return await _screen(
        request, session, filters, ran=ran if ran.ok else None, month=month,
        refused=refused, status_code=status_code,
    )  # fmt: skip


@router.post("/settlement/held/{statement_id}/decision")
async def decide(request: Request, session: SessionDep, statement_id: uuid.UUID) -> Response:
    """The county approves a statement held for its budget, or sends it back to draft."""
    form = await request.form()
    note = str(form.get("note_zh") or "").strip()
    body = {"approve": form.get("approve") == "yes", "note_zh": note or None}
    path = f"/statements/{statement_id}/budget-decision"
    reply = await runtime_of(request).services.post("settlement", path, session, json=body)
    if reply.ok:
        return RedirectResponse(f"/settlement?decided={statement_id}", status_code=303)
    status_code = reply.page_status
    filters: dict[str, Any] = {"period": None, "status": None, "page": 1}
    # The refusal is shown in the held queue, beside the statement it concerns.
    return await _screen(
        request, session, filters, held_refused=reply.shown, refused_id=str(statement_id),
        status_code=status_code,
    )  # fmt: skip
