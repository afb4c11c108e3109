"""支付异常 and 冲销支付: the bank-return rows staff must look at, and payment reversals.

Settlement flags a return row that names no line of its batch, carries another amount, or
contradicts an earlier result (docs/money-controls.md); it offers no action that resolves one,
so the page shows each row beside its batch and statement and links to where staff act (the
batch's page for a corrected return, the statement's reversal). Settlement lists no pending
reversals either: a paid statement's reversal page offers both the request and the approval,
and settlement says which applies (409 ``no_pending_reversal``, ``four_eyes_required`` …).
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


@router.get("/payment-exceptions", response_class=HTMLResponse)
async def payment_exceptions(
    request: Request,
    session: SessionDep,
    township_code: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """支付异常: the township's flagged bank-return rows (pages) and its recent batches."""
    choices = township_choices(session.division)
    codes = [code for code, _ in choices]
    township = township_code if township_code in codes else (codes[0] if len(codes) == 1 else "")
    filters = {"township_code": township or None, "page": page_no}
    if not choices:
        listing = batches = no_division("支付异常")
    elif not township:
        listing = batches = Reply(400, shown=Shown("请先选择乡镇(街道)", "township_required", 400))
    else:
        services = runtime_of(request).services
        params = {"township_code": township, "page": page_no, "size": PAGE_SIZE}
        listing = await services.get("settlement", "/payment-exceptions", session, params=params)
        recent = {"township_code": township, "size": RECENT_BATCHES}
        batches = await services.get("settlement", "/payment-batches", session, params=recent)
    items = (listing.data or {}).get("items", []) if listing.ok else []
    rows = exception_rows(items, await _batches_of(request, session, items))
    return page(
        request, "payments.html", session, title="支付异常",
        listing=listing, pages=pages_of(listing), filters=filters, rows=rows,
        townships=choices, batches=batches,
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
        may_approve=session.has_role(Role.TOWNSHIP_OFFICER) or session.has_role(Role.CHECKER),
    )  # fmt: skip


@router.get("/statements/{statement_id}/payment-reversal", response_class=HTMLResponse)
async def reversal(request: Request, session: SessionDep, statement_id: uuid.UUID) -> HTMLResponse:
    """冲销支付: a paid statement, the request form and the second person's approval."""
    return await _reversal_page(request, session, statement_id)


def _status_of(reply: Reply) -> int:
    return reply.status if 400 <= reply.status < 500 else 503


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
        status_code=_status_of(reply),
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
        request, session, statement_id, refused=reply.shown, status_code=_status_of(reply)
    )
