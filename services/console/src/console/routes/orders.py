"""工单: orders waiting for the township — declined, unanswered, unplaced, or changed without
the provider's acknowledgement.

dispatch keeps the queue (orders nobody could take, or that went unanswered, escalated
to the township), the declined orders, and the changes (pauses, resumptions, ends) a
provider has not acknowledged yet; all are read as the signed-in officer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from console.listing import PAGE_SIZE, pages_of
from console.problems import Shown
from console.services import Reply
from console.web import SessionDep, page, runtime_of
from contracts.reasons import OrderChangeReason

router = APIRouter()

ORDER_STATUS_ZH = {
    "queued": "待派单",
    "assigned": "待接单",
    "accepted": "服务中",
    "declined": "已拒单",
    "cancelled": "已取消",
    "paused": "已暂停",
}
VIEWS = {
    "queue": "待处理（无人承接或超时未答复）",
    "declined": "已拒单",
    "unacknowledged": "服务机构未确认的状态变更",
}
#: dispatch's ``OrderAction`` as a change told to the provider.
CHANGE_KIND_ZH = {"paused": "暂停服务", "resumed": "恢复服务", "cancelled": "终止服务"}
#: Where each view reads in dispatch, under ``/townships/{code}/``.
_PATHS = {"queue": "queue", "declined": "orders", "unacknowledged": "unacknowledged-changes"}


@router.get("/orders", response_class=HTMLResponse)
async def orders(
    request: Request,
    session: SessionDep,
    view: str = "queue",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The township's order queue, its declined orders, or its unacknowledged changes."""
    view = view if view in VIEWS else "queue"
    township = session.division if session.division and len(session.division) == 9 else None
    if township is None:
        listing = Reply(
            403, shown=Shown("工单队列按乡镇(街道)查看，您的账号没有乡镇辖区", "no_township", 403)
        )
    else:
        path = f"/townships/{township}/{_PATHS[view]}"
        params = {
            "page": page_no,
            "size": PAGE_SIZE,
            "status": "declined" if view == "declined" else None,
        }
        listing = await runtime_of(request).services.get("dispatch", path, session, params=params)
    return page(
        request,
        "orders.html",
        session,
        title="工单",
        listing=listing,
        pages=pages_of(listing),
        view=view,
        views=VIEWS,
        order_status=ORDER_STATUS_ZH,
        change_kinds=CHANGE_KIND_ZH,
        change_reasons=dict(OrderChangeReason.label_zh),
    )
