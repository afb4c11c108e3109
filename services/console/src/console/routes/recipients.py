"""服务对象: review's recipient registry, a recipient's page, and the status change.

Before a stop or suspension is confirmed the page states its consequence: the orders that
stop (dispatch's orders of the township, this recipient's open ones) and what the village
board will show (archive's public board). Only the confirmation goes to review.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import forms, problems
from console.listing import PAGE_SIZE, pages_of
from console.problems import Shown
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of
from contracts.enums import RecipientStatus
from contracts.reasons import StatusChangeReason

router = APIRouter()

STATUSES = dict(RecipientStatus.label_zh)
REASONS = dict(StatusChangeReason.label_zh)
#: The changes this form offers (transfers and category changes need fields of their own).
CHANGES = {
    "stopped": "停止救助",
    "suspended": "暂停救助",
    "resumed": "恢复救助",
    "deceased": "死亡",
}
ORDER_STATUS_ZH = {
    "queued": "待派单",
    "assigned": "待接单",
    "accepted": "服务中",
    "declined": "已拒单",
    "cancelled": "已取消",
    "paused": "已暂停",
}
#: Orders a stop cancels (and a suspension pauses): those still open.
OPEN_ORDERS = {"queued", "assigned", "accepted", "paused"}


async def _by_number(request: Request, session: Session, recipient_id: uuid.UUID) -> Reply:
    """A recipient number typed in the search box: that one recipient, as a one-row page."""
    found = await runtime_of(request).services.get("review", f"/recipients/{recipient_id}", session)
    if not found.ok:
        return found
    return Reply(200, data={"items": [found.data], "total": 1, "page": 1, "size": PAGE_SIZE})


def _number_in(q: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(q)
    except ValueError:
        return None


@router.get("/recipients", response_class=HTMLResponse)
async def recipients(
    request: Request,
    session: SessionDep,
    status: str | None = None,
    village_code: str | None = None,
    q: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The recipient registry of the officer's jurisdiction, with filters, search and pages."""
    q = (q or "").strip()
    filters = {"status": status or None, "village_code": village_code or None, "q": q}
    number = _number_in(q)
    if number is not None:
        listing = await _by_number(request, session, number)
    else:  # review searches names itself (a masked character fits any typed one)
        params = {**filters, "q": None, "name": q or None, "page": page_no, "size": PAGE_SIZE}
        listing = await runtime_of(request).services.get(
            "review", "/recipients", session, params=params
        )
    return page(
        request,
        "recipients.html",
        session,
        title="服务对象",
        listing=listing,
        pages=pages_of(listing),
        filters=filters,
        statuses=STATUSES,
        categories=forms.CATEGORIES,
        villages=forms.villages_of(session.division),
    )


async def recipient_orders(request: Request, session: Session, recipient: dict[str, Any]) -> Reply:
    """The recipient's orders (dispatch filters its township's orders by recipient)."""
    params = {"recipient_id": recipient["recipient_id"], "size": 100}
    got = await runtime_of(request).services.get(
        "dispatch", f"/townships/{recipient['township_code']}/orders", session, params=params
    )
    return Reply(200, data=got.data.get("items", [])) if got.ok else got


async def status_history(request: Request, session: Session, recipient: dict[str, Any]) -> Reply:
    """The recipient's status changes, as archive's file (一人一档) records them."""
    services = runtime_of(request).services
    params = {"division": recipient["village_code"], "size": 100}
    files = await services.get("archive", "/files", session, params=params)
    if not files.ok:
        return files
    ids = [f["file_id"] for f in files.data["items"] if f["person_id"] == recipient["person_id"]]
    if not ids:
        return Reply(200, data=[])
    found = await services.get("archive", f"/files/{ids[0]}", session)
    return (
        Reply(found.status, data=found.data.get("status_changes", []), shown=found.shown)
        if found.ok
        else found
    )


def board_mask(display_name: str) -> str:
    """How the board masks a name by default: the surname, then one ``*`` per character."""
    return display_name[:1] + "*" * (len(display_name) - 1)


async def board_shows(request: Request, session: Session, recipient: dict[str, Any]) -> Reply:
    """Whether the village's public board lists the recipient now (it is public: no token)."""
    village = recipient["village_code"]
    services = runtime_of(request).services
    got = await services.raw("archive", "GET", f"/boards/{village}", session, with_token=False)
    if got is None:
        return Reply(503, shown=problems.unavailable("archive"))
    if got.status_code != 200:
        return Reply(
            got.status_code, shown=Shown("村公示栏暂无法读取", "board_unavailable", got.status_code)
        )
    name, text = board_mask(recipient["display_name"]), got.text
    # why: the board's sections are in-register (#current) and this month's exits (#removals)
    current = text.split('id="current"', 1)[-1].split('id="additions"', 1)[0]
    removals = text.split('id="removals"', 1)[-1] if 'id="removals"' in text else ""
    return Reply(
        200,
        data={
            "listed": name in current,
            "removed": name in removals,
            "version": got.headers.get("X-Board-Version"),
        },
    )


async def _recipient_page(
    request: Request,
    session: Session,
    recipient_id: uuid.UUID,
    *,
    template: str = "recipients_detail.html",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    found = await runtime_of(request).services.get("review", f"/recipients/{recipient_id}", session)
    extra: dict[str, Any] = {}
    if found.ok:
        extra = {
            "orders": await recipient_orders(request, session, found.data),
            "history": await status_history(request, session, found.data),
            "board": await board_shows(request, session, found.data),
        }
    return page(
        request,
        template,
        session,
        status_code,
        title="服务对象详情",
        recipient=found,
        statuses=STATUSES,
        categories=forms.CATEGORIES,
        changes=CHANGES,
        reasons=REASONS,
        order_status=ORDER_STATUS_ZH,
        open_orders=OPEN_ORDERS,
        changed=request.query_params.get("changed"),
        **extra,
        **context,
    )


@router.get("/recipients/{recipient_id}", response_class=HTMLResponse)
async def recipient(request: Request, session: SessionDep, recipient_id: uuid.UUID) -> HTMLResponse:
    """One recipient: status, items, status history, orders, the board, and the change form."""
    values = {"submission_key": uuid.uuid4().hex}
    return await _recipient_page(request, session, recipient_id, values=values)


def change_body(form: Any) -> dict[str, Any]:
    """The body of review's ``PATCH /recipients/{id}/status`` from the form."""
    body = {
        "status": str(form.get("status") or ""),
        "effective_date": str(form.get("effective_date") or ""),
        "reason_code": str(form.get("reason_code") or ""),
        "reason_zh": str(form.get("reason_zh") or "").strip() or None,
        "expected_end": str(form.get("expected_end") or "").strip() or None,
    }
    return {k: v for k, v in body.items() if v is not None}


def _values(form: Any) -> dict[str, Any]:
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    values.setdefault("submission_key", uuid.uuid4().hex)
    return values


@router.post("/recipients/{recipient_id}/status/preview", response_class=HTMLResponse)
async def preview(request: Request, session: SessionDep, recipient_id: uuid.UUID) -> HTMLResponse:
    """The consequence of the change, stated before it is confirmed."""
    form = await request.form()
    return await _recipient_page(
        request, session, recipient_id, template="recipients_confirm.html", values=_values(form)
    )


@router.post("/recipients/{recipient_id}/status")
async def change_status(request: Request, session: SessionDep, recipient_id: uuid.UUID) -> Response:
    """Sends the confirmed change to review; a refusal is shown by the fields."""
    form = await request.form()
    reply = await runtime_of(request).services.call(
        "review",
        "PATCH",
        f"/recipients/{recipient_id}/status",
        session,
        json=change_body(form),
        headers={"Idempotency-Key": str(form.get("submission_key") or uuid.uuid4().hex)},
    )
    if reply.ok:
        return RedirectResponse(f"/recipients/{recipient_id}?changed=1", status_code=303)
    values = {**_values(form), "submission_key": uuid.uuid4().hex}
    status_code = reply.page_status
    return await _recipient_page(
        request, session, recipient_id, status_code=status_code, values=values, refused=reply.shown
    )
