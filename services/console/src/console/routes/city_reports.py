"""外部状态报告: the city system's status reports held for the township, to confirm or reject.

Review keeps a stop or death the city reports until a township officer confirms it, and
keeps reports it cannot apply (a conflicting history, a person who is no recipient). Each
report states what confirming it would do before the officer confirms.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console.listing import PAGE_SIZE, no_division, pages_of
from console.problems import Shown
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of

router = APIRouter()

#: review's ``HeldState`` filter; empty asks for every report awaiting an officer.
STATES = {
    "pending": "待确认",
    "refused": "与记录冲突，待处理",
    "no_recipient": "非服务对象，待处理",
    "confirmed": "已确认",
    "rejected": "不予采纳",
    "applied": "已按生效日期顺序生效",
    "superseded": "已被更晚生效的变更取代",
}
#: The states an officer still decides (review's ``AWAITING``).
AWAITING = {"pending", "refused", "no_recipient"}
#: What a confirmed status does to the recipient's open orders (dispatch follows review).
ORDERS_AFTER = {
    "stopped": "其未完成的服务工单将被取消",
    "deceased": "其未完成的服务工单将被取消",
    "suspended": "其未完成的服务工单将暂停",
}


def consequence(report: dict[str, Any]) -> str:
    """What confirming the report does, as far as the report itself says."""
    status, day = report.get("status_zh") or report.get("status"), report.get("effective_date")
    if report.get("state") == "no_recipient" or not report.get("recipient_id"):
        return (
            "该人员目前不是服务对象：确认时将再次查找，如已成为服务对象，其救助状态将自 "
            f"{day} 起变更为“{status}”；仍不是服务对象则无法应用，请选择不予采纳。"
        )
    orders = ORDERS_AFTER.get(str(report.get("status")), "服务工单按新状态调整")
    name = report.get("display_name")
    text = f"确认后该服务对象（{name}）的救助状态将自 {day} 起变更为“{status}”，{orders}。"
    if report.get("state") == "refused":
        text += "该报告与现有记录冲突，确认将再次尝试；如仍冲突，将显示原因且报告保留在队列中。"
    return text


def _township(session: Session) -> str | None:
    """The officer's township code (9 digits), if the account has one."""
    division = session.division or ""
    return division if len(division) == 9 else None


async def _queue(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    refused: Shown | None = None,
    refused_id: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    township = _township(session)
    if township is None:
        listing: Reply = no_division("外部状态报告（须为乡镇(街道)账号）")
    else:
        params = {**filters, "size": PAGE_SIZE}
        listing = await runtime_of(request).services.get(
            "review", f"/townships/{township}/city-reports", session, params=params
        )
    items = (listing.data or {}).get("items", []) if listing.ok else []
    return page(
        request,
        "city_reports.html",
        session,
        status_code,
        title="外部状态报告",
        listing=listing,
        pages=pages_of(listing),
        filters=filters,
        states=STATES,
        awaiting=AWAITING,
        consequences={r["report_id"]: consequence(r) for r in items},
        refused=refused,
        refused_id=refused_id,
        values=values or {},
        done=request.query_params.get("done"),
        report=request.query_params.get("report"),
    )


@router.get("/city-reports", response_class=HTMLResponse)
async def city_reports(
    request: Request,
    session: SessionDep,
    state: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The township's queue of the city's reports (awaiting ones unless a state is chosen)."""
    return await _queue(request, session, {"state": state or None, "page": page_no})


def _back(form: Any) -> dict[str, Any]:
    """The queue's filters the form came from (kept so the officer stays where they were)."""
    state = str(form.get("state") or "")
    try:
        page_no = max(1, int(str(form.get("page") or 1)))
    except ValueError:
        page_no = 1
    return {"state": state if state in STATES else None, "page": page_no}


async def _decide(
    request: Request, session: Session, report_id: uuid.UUID, action: str, body: Any
) -> Response:
    """Sends a decision to review; back to the queue, or the refusal shown at the report."""
    form = await request.form()
    reply = await runtime_of(request).services.post(
        "review", f"/city-reports/{report_id}/{action}", session, json=body
    )
    filters = _back(form)
    if reply.ok:
        done = "confirmed" if action == "confirm" else "rejected"
        kept = {k: v for k, v in filters.items() if v} | {"done": done, "report": report_id}
        return RedirectResponse(f"/city-reports?{urlencode(kept)}", status_code=303)
    status_code = reply.page_status
    values = {"reason_zh": str(form.get("reason_zh") or "")}
    return await _queue(
        request,
        session,
        filters,
        refused=reply.shown,
        refused_id=str(report_id),
        values=values,
        status_code=status_code,
    )


@router.post("/city-reports/{report_id}/confirm")
async def confirm(request: Request, session: SessionDep, report_id: uuid.UUID) -> Response:
    """确认: review applies the city's report to the recipient now."""
    return await _decide(request, session, report_id, "confirm", None)


@router.post("/city-reports/{report_id}/reject")
async def reject(request: Request, session: SessionDep, report_id: uuid.UUID) -> Response:
    """不予采纳: the recipient stays as is; review keeps the officer's reason."""
    form = await request.form()
    body = {"reason_zh": str(form.get("reason_zh") or "").strip()}
    return await _decide(request, session, report_id, "reject", body)
