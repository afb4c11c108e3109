"""支付异常 and 冲销支付: flagged bank-return rows staff resolve, reversals waiting for approval.

Settlement flags a return row that names no line of its batch, carries another amount, or
contradicts an earlier result (docs/money-controls.md); staff record what they did about each
(``POST /payment-exceptions/{id}/resolution``: who, when, why — no money moves). The same page
lists the township's payment reversals waiting for a second person; a statement's reversal
page offers the approval only while one is pending (``pending_reversal`` on the statement).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console.listing import PAGE_SIZE, no_division, pages_of
from console.problems import Shown
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of, yuan
from contracts import divisions
from contracts.enums import Role

router = APIRouter()
#: settlement's flag kinds on a return row, as staff read them.
KINDS_ZH = {
    "unknown_line": "参考号不属于本批次",
    "amount_mismatch": "金额不符",
    "conflicting_result": "与此前结果矛盾",
}
#: Recent batches shown beside the queue (failed lines go into the next one).
RECENT_BATCHES = 5
#: Which flagged rows to show, as settlement's ``state`` filter names them.
STATES = {"open": "待处理", "resolved": "已处理", "all": "全部"}


@dataclass(frozen=True)
class ExceptionRow:
    """One flagged return row with what its batch says of the line it names (if any)."""

    item: dict[str, Any]
    kind_zh: str
    batch_no: int | None
    line: dict[str, Any] | None
    bank_amount: str
    bank_message: str


def bank_amount(values: dict[str, str]) -> str:
    """The amount as the bank's row wrote it, in 元 (fen are converted, 元 kept as written)."""
    fen = (values.get("amount_fen") or "").strip()
    if fen.lstrip("-").isdigit():
        return yuan(fen)
    return (values.get("amount_yuan") or "").strip() or "—"


def exception_rows(items: list[dict[str, Any]], batches: dict[str, Any]) -> list[ExceptionRow]:
    """Each flagged row joined to its batch's line by reference (batches: id → batch or None)."""
    rows = []
    for item in items:
        batch = batches.get(str(item.get("batch_id")))
        lines = {line["line_ref"]: line for line in (batch or {}).get("lines", [])}
        values = item.get("row_values") or {}
        rows.append(
            ExceptionRow(
                item=item,
                kind_zh=KINDS_ZH.get(str(item.get("kind")), str(item.get("kind"))),
                batch_no=(batch or {}).get("batch_no"),
                line=lines.get(str(item.get("line_ref"))),
                bank_amount=bank_amount(values),
                bank_message=values.get("reason") or values.get("result") or "—",
            )
        )
    return rows


def township_choices(division: str | None) -> list[tuple[str, str]]:
    """The townships a user may pick: their own, or those of their county."""
    if not division or divisions.get(division) is None:
        return []
    if len(division) == 9:
        return [(division, divisions.full_name_zh(division))]
    return [(c.code, c.name_zh) for c in divisions.children(division) if len(c.code) == 9]


async def _batches_of(request: Request, session: Session, items: list[dict[str, Any]]) -> Any:
    """The batches the page's rows name (a batch that cannot be read is None)."""
    found: dict[str, Any] = {}
    for batch_id in dict.fromkeys(str(i.get("batch_id")) for i in items):
        reply = await runtime_of(request).services.get(
            "settlement", f"/payment-batches/{batch_id}", session
        )
        found[batch_id] = reply.data if reply.ok else None
    return found


def _township(session: Session, township_code: str | None) -> tuple[list[Any], str]:
    """The townships the user may pick, and the one shown (theirs when they have one)."""
    choices = township_choices(session.division)
    codes = [code for code, _ in choices]
    township = township_code if township_code in codes else (codes[0] if len(codes) == 1 else "")
    return choices, township or ""


async def _exceptions_page(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    refused: Shown | None = None,
    refused_id: str = "",
    note: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    choices, township = _township(session, filters["township_code"])
    filters = {**filters, "township_code": township or None}
    if not choices:
        listing = batches = reversals = no_division("支付异常")
    elif not township:
        listing = batches = reversals = Reply(
            400, shown=Shown("请先选择乡镇(街道)", "township_required", 400)
        )
    else:
        services = runtime_of(request).services
        params = {**filters, "size": PAGE_SIZE}
        listing = await services.get("settlement", "/payment-exceptions", session, params=params)
        recent = {"township_code": township, "size": RECENT_BATCHES}
        batches = await services.get("settlement", "/payment-batches", session, params=recent)
        waiting = {"township_code": township, "state": "pending", "size": PAGE_SIZE}
        reversals = await services.get("settlement", "/payment-reversals", session, params=waiting)
    items = (listing.data or {}).get("items", []) if listing.ok else []
    rows = exception_rows(items, await _batches_of(request, session, items))
    return page(
        request, "payments.html", session, status_code, title="支付异常",
        listing=listing, pages=pages_of(listing), filters=filters, rows=rows,
        townships=choices, batches=batches, reversals=reversals, states=STATES,
        refused=refused, refused_id=refused_id, note=note,
        may_resolve=session.has_role(Role.TOWNSHIP_OFFICER) or session.has_role(Role.CHECKER),
        resolved=request.query_params.get("resolved"),
    )  # fmt: skip


@router.get("/payment-exceptions", response_class=HTMLResponse)
async def payment_exceptions(
    request: Request,
    session: SessionDep,
    township_code: str | None = None,
    state: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """支付异常: flagged bank-return rows (open by default), pending reversals, recent batches."""
    filters = {"township_code": township_code, "state": _state(state), "page": page_no}
    return await _exceptions_page(request, session, filters)


def _state(state: str | None) -> str:
    return state if state in STATES else "open"


@router.post("/payment-exceptions/{exception_id}/resolution")
async def resolve_exception(
    request: Request, session: SessionDep, exception_id: uuid.UUID
) -> Response:
    """Records what was done about a flagged row (a note is required); no money moves."""
    form = await request.form()
    note = str(form.get("note_zh") or "").strip()
    filters = {"township_code": str(form.get("township_code") or ""), "state": "open", "page": 1}
    if not note:
        shown = Shown("请填写处理说明", "note_required", 422, {"note_zh": "请填写处理说明"})
        return await _exceptions_page(request, session, filters, refused=shown,
                                      refused_id=str(exception_id), status_code=422)  # fmt: skip
    # No Idempotency-Key: settlement resolves a row once (409 exception_already_resolved).
    reply = await runtime_of(request).services.post(
        "settlement",
        f"/payment-exceptions/{exception_id}/resolution",
        session,
        json={"note_zh": note},
    )
    if reply.ok:
        target = f"/payment-exceptions?township_code={filters['township_code']}&resolved=1"
        return RedirectResponse(target, status_code=303)
    return await _exceptions_page(
        request, session, filters, refused=reply.shown, refused_id=str(exception_id), note=note,
        status_code=reply.page_status,
    )  # fmt: skip


async def _reversal_page(
    request: Request,
    session: Session,
    statement_id: uuid.UUID,
    *,
    refused: Shown | None = None,
    reason: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    found = await runtime_of(request).services.get(
        "settlement", f"/statements/{statement_id}", session
    )
    return page(
        request, "payments_reversal.html", session, status_code, title="冲销支付",
        found=found, statement_id=statement_id, refused=refused, reason=reason,
        done=request.query_params.get("done"),
        may_request=session.has_role(Role.TOWNSHIP_OFFICER),
        pending=(found.data or {}).get("pending_reversal") if found.ok else None,
        may_approve=session.has_role(Role.TOWNSHIP_OFFICER) or session.has_role(Role.CHECKER),
    )  # fmt: skip


@router.get("/statements/{statement_id}/payment-reversal", response_class=HTMLResponse)
async def reversal(request: Request, session: SessionDep, statement_id: uuid.UUID) -> HTMLResponse:
    """冲销支付: a paid statement, the request form and the second person's approval."""
    return await _reversal_page(request, session, statement_id)


@router.post("/statements/{statement_id}/payment-reversal")
async def request_reversal(
    request: Request, session: SessionDep, statement_id: uuid.UUID
) -> Response:
    """A township officer asks to reverse the payment; the reason is required, in Chinese."""
    reason = str((await request.form()).get("reason_zh") or "").strip()
    if not reason:
        shown = Shown("请填写冲销原因", "reason_required", 422, {"reason_zh": "请填写冲销原因"})
        return await _reversal_page(request, session, statement_id, refused=shown, status_code=422)
    # No Idempotency-Key: settlement takes none here, and refuses a second pending request
    # for the same statement (409 reversal_pending), so a retried POST adds nothing.
    reply = await runtime_of(request).services.post(
        "settlement",
        f"/statements/{statement_id}/payment-reversal",
        session,
        json={"reason_zh": reason},
    )
    if reply.ok:
        target = f"/statements/{statement_id}/payment-reversal?done=requested"
        return RedirectResponse(target, status_code=303)
    return await _reversal_page(
        request, session, statement_id, refused=reply.shown, reason=reason,
        status_code=reply.page_status,
    )  # fmt: skip


@router.post("/statements/{statement_id}/payment-reversal/approve")
async def approve_reversal(
    request: Request, session: SessionDep, statement_id: uuid.UUID
) -> Response:
    """A second person approves the reversal; the asker is refused (four eyes, settlement's)."""
    reply = await runtime_of(request).services.post(
        "settlement", f"/statements/{statement_id}/payment-reversal/approve", session
    )
    if reply.ok:
        target = f"/statements/{statement_id}/payment-reversal?done=approved"
        return RedirectResponse(target, status_code=303)
    return await _reversal_page(
        request, session, statement_id, refused=reply.shown, status_code=reply.page_status
    )
