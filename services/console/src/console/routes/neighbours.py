"""邻里互助: a village's trained neighbours and their year, and the township's doorbell alerts.

dispatch keeps neighbour helpers and their services per village (the officer picks one of
the township's villages) and the love-doorbell alerts per township; an officer who may
answer an alert (dispatch lets staff covering the village do so) answers it from here.
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


async def _village_parts(
    request: Request, session: Session, village: str | None, year: int
) -> tuple[Reply, Reply]:
    """The village's helpers and their year's services (one reply each: either may fail)."""
    if village is None:
        none = Reply(404, shown=Shown("本辖区没有村(社区)", "no_village", 404))
        return none, none
    services = runtime_of(request).services
    base = f"/villages/{village}"
    helpers = await services.get("dispatch", f"{base}/neighbour-helpers", session)
    summary = await services.get(
        "dispatch", f"{base}/neighbour-services/summary", session, params={"year": year}
    )
    return helpers, summary


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
    chosen = filters["village_code"] or (villages[0].value if villages else None)
    filters = {**filters, "village_code": chosen}
    helpers, summary = await _village_parts(request, session, chosen, filters["year"])
    alerts = await _alerts(request, session, filters)
    return page(
        request, "neighbours.html", session, status_code,
        title="邻里互助", filters=filters, villages=villages, helpers=helpers,
        summary=summary, alerts=alerts, pages=pages_of(alerts), states=ALERT_STATES,
        channels=CHANNELS, may_answer=may_answer(session), refused=refused,
        refused_id=refused_id, acknowledged=request.query_params.get("acknowledged"),
    )  # fmt: skip


@router.get("/neighbours", response_class=HTMLResponse)
async def neighbours(
    request: Request,
    session: SessionDep,
    village_code: str | None = None,
    year: Annotated[int | None, Query(ge=2023, le=2100)] = None,
    state: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """A village's neighbour helpers and their year, and the township's doorbell alerts."""
    filters = {
        "village_code": village_code or None,
        "year": year or clock.today().year,
        "state": state if state in ALERT_STATES else None,
        "page": page_no,
    }
    return await _screen(request, session, filters)


@router.post("/neighbours/alerts/{alert_id}/acknowledge")
async def acknowledge(request: Request, session: SessionDep, alert_id: uuid.UUID) -> Response:
    """Answers a doorbell alert as the signed-in officer; dispatch's refusal shows by the alert."""
    path = f"/doorbell/alerts/{alert_id}/acknowledge"
    reply = await runtime_of(request).services.post("dispatch", path, session)
    if reply.ok:
        return RedirectResponse(f"/neighbours?acknowledged={alert_id}", status_code=303)
    filters = {"village_code": None, "year": clock.today().year, "state": None, "page": 1}
    status_code = reply.status if 400 <= reply.status < 500 else 503
    return await _screen(
        request, session, filters, refused=reply.shown, refused_id=str(alert_id),
        status_code=status_code,
    )  # fmt: skip
