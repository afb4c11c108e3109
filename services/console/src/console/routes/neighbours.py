"""邻里互助: the township's trained neighbours, a village's year and the doorbell alerts.

dispatch lists neighbour helpers per township (one village's, if the officer picks it) but
sums their services per village, so the year shows once a village is chosen; the
love-doorbell alerts are per township, and an officer who may answer an alert (dispatch
lets staff covering the village do so) answers it from here.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from civic import clock
from console import forms
from console.listing import PAGE_SIZE, pages_of
from console.problems import Shown
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of
from contracts.enums import Role
from contracts.kinds import AlertChannel

router = APIRouter()

ALERT_STATES = {"open": "未响应", "acknowledged": "已响应"}
CHANNELS = dict(AlertChannel.label_zh)
#: Who dispatch lets answer an alert of a village they cover (handlers/doorbell.ANSWERING_ROLES).
ANSWERING = (Role.TOWNSHIP_OFFICER, Role.COORDINATOR, Role.VILLAGE_STAFF)
_NO_TOWNSHIP = Shown("邻里互助按乡镇(街道)查看，您的账号没有乡镇辖区", "no_township", 403)


def township_of(session: Session) -> str | None:
    """The township the signed-in officer acts for (None for other accounts)."""
    division = session.division
    return division if division and len(division) == 9 else None


def may_answer(session: Session) -> bool:
    """Whether dispatch lets this user answer the township's alerts."""
    return any(session.has_role(role) for role in ANSWERING)


async def _helpers(request: Request, session: Session, filters: dict[str, Any]) -> Reply:
    """The township's helpers (one village's, if chosen): dispatch's page."""
    township = township_of(session)
    if township is None:
        return Reply(403, shown=_NO_TOWNSHIP)
    params = {"page": filters["helpers_page"], "size": PAGE_SIZE}
    if filters["village_code"]:
        params["village_code"] = filters["village_code"]
    path = f"/townships/{township}/neighbour-helpers"
    return await runtime_of(request).services.get("dispatch", path, session, params=params)


async def _summary(request: Request, session: Session, filters: dict[str, Any]) -> Reply | None:
    """The chosen village's year (dispatch sums per village); None when all are listed."""
    village = filters["village_code"]
    if village is None:
        return None
    path = f"/villages/{village}/neighbour-services/summary"
    params = {"year": filters["year"]}
    return await runtime_of(request).services.get("dispatch", path, session, params=params)


async def _alerts(request: Request, session: Session, filters: dict[str, Any]) -> Reply:
    township = township_of(session)
    if township is None:
        return Reply(403, shown=_NO_TOWNSHIP)
    params = {"state": filters["state"], "page": filters["page"], "size": PAGE_SIZE}
    path = f"/townships/{township}/doorbell-alerts"
    return await runtime_of(request).services.get("dispatch", path, session, params=params)


async def _screen(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    refused: Shown | None = None,
    refused_id: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    villages = forms.villages_of(township_of(session))
    helpers = await _helpers(request, session, filters)
    summary = await _summary(request, session, filters)
    alerts = await _alerts(request, session, filters)
    return page(
        request, "neighbours.html", session, status_code,
        title="邻里互助", filters=filters, villages=villages, helpers=helpers,
        helper_pages=pages_of(helpers), summary=summary, alerts=alerts, pages=pages_of(alerts),
        states=ALERT_STATES,
        channels=CHANNELS, may_answer=may_answer(session), refused=refused,
        refused_id=refused_id, acknowledged=request.query_params.get("acknowledged"),
    )  # fmt: skip


PageQuery = Annotated[int, Query(ge=1)]


@router.get("/neighbours", response_class=HTMLResponse)
async def neighbours(
    request: Request,
    session: SessionDep,
    village_code: str | None = None,
    year: Annotated[int | None, Query(ge=2023, le=2100)] = None,
    state: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
    helpers_page: PageQuery = 1,
) -> HTMLResponse:
    """The township's neighbour helpers, a village's year, and the township's doorbell alerts."""
    filters = {
        "village_code": village_code or None,
        "year": year or clock.today().year,
        "state": state if state in ALERT_STATES else None,
        "page": page_no,
        "helpers_page": helpers_page,
    }
    return await _screen(request, session, filters)


@router.post("/neighbours/alerts/{alert_id}/acknowledge")
async def acknowledge(request: Request, session: SessionDep, alert_id: uuid.UUID) -> Response:
    """Answers a doorbell alert as the signed-in officer; dispatch's refusal shows by the alert."""
    path = f"/doorbell/alerts/{alert_id}/acknowledge"
    reply = await runtime_of(request).services.post("dispatch", path, session)
    if reply.ok:
        return RedirectResponse(f"/neighbours?acknowledged={alert_id}", status_code=303)
    filters = {
        "village_code": None,
        "year": clock.today().year,
        "state": None,
        "page": 1,
        "helpers_page": 1,
    }
    status_code = reply.page_status
    return await _screen(
        request, session, filters, refused=reply.shown, refused_id=str(alert_id),
        status_code=status_code,
    )  # fmt: skip
