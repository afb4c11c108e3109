"""资金 (county): each fund's budget and use, setting a budget, the budget policy, and the
queue of service records no fund may pay under the county's rules (专款专用)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from civic import clock
from console import forms
from console.forms import Choice
from console.listing import no_division, pages_of
from console.problems import Shown
from console.routes.statements import FUND_LABELS
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of
from contracts import divisions

router = APIRouter()
_YUAN = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
POLICY_MODES = {"refuse": "超出预算即拒绝确认", "hold": "超出预算暂挂，由县级审批"}


def fen_of(text: str) -> int | None:
    """元 as typed ("1200", "1200.5") → integer fen, exactly; None if it is not an amount."""
    text = text.strip().replace(",", "")
    if not _YUAN.match(text):
        return None
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def thresholds_of(text: str) -> list[int] | None:
    """Thresholds typed as "80, 95" → [80, 95]; None if one is not a whole number."""
    parts = [p for p in re.split(r"[\s,，、]+", text.strip()) if p]
    return [int(p) for p in parts] if all(p.isdigit() for p in parts) else None


def budget_divisions(county: str) -> list[Choice]:
    """The county itself and its townships: where a budget may be set."""
    found = [Choice(county, divisions.full_name_zh(county))]
    found += [Choice(t.code, t.name_zh) for t in divisions.children(county) if len(t.code) == 9]
    return found


async def _screen(
    request: Request,
    session: Session,
    year: int,
    *,
    refused: Shown | None = None,
    policy_refused: Shown | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    county = forms.county_of(session.division)
    services = runtime_of(request).services
    if county is None:
        report = policy = no_division("资金")
    else:
        report = await services.get("settlement", f"/funds/{county}/{year}", session)
        policy = await services.get("settlement", f"/funds/{county}/budget-policy", session)
    return page(
        request, "funds.html", session, status_code, title="资金",
        year=year, report=report, policy=policy, funds=FUND_LABELS, modes=POLICY_MODES,
        places=budget_divisions(county) if county else [], refused=refused,
        policy_refused=policy_refused, values=values or {}, saved=request.query_params.get("saved"),
    )  # fmt: skip


@router.get("/funds", response_class=HTMLResponse)
async def funds(
    request: Request,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=2023, le=2100)] = None,
) -> HTMLResponse:
    """Each fund's budget, committed and held spending, used % and thresholds reached."""
    return await _screen(request, session, year or clock.today().year)


@router.post("/funds/budgets")
async def set_budget(request: Request, session: SessionDep) -> Response:
    """Sets one fund's yearly budget for the county or one of its townships (typed in 元)."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    year = int(values.get("year", "0")) if values.get("year", "").isdigit() else clock.today().year
    amount = fen_of(values.get("amount_yuan", ""))
    if amount is None:
        shown = Shown("请填写预算金额（元，最多两位小数）", "bad_amount", 422,
                      {"amount_yuan": "请填写金额，如 120000.00"})  # fmt: skip
        return await _screen(request, session, year, refused=shown, values=values, status_code=422)
    division, fund = values.get("division_code", ""), values.get("funding_source", "")
    path = f"/funds/{division}/{year}/budgets/{fund}"
    reply = await runtime_of(request).services.call(
        "settlement", "PUT", path, session, json={"amount_fen": amount}
    )
    if reply.ok:
        return RedirectResponse(f"/funds?year={year}&saved=budget", status_code=303)
    status_code = reply.page_status
    return await _screen(
        request, session, year, refused=_amount_field(reply.shown), values=values,
        status_code=status_code,
    )  # fmt: skip


def _amount_field(shown: Shown | None) -> Shown | None:
    """settlement names the body's ``amount_fen``; the form's field is ``amount_yuan``."""
    if shown is None or "amount_fen" not in shown.fields:
        return shown
    fields = {**shown.fields, "amount_yuan": shown.fields["amount_fen"]}
    return Shown(shown.message, shown.code, shown.status, fields, shown.unavailable)


@router.post("/funds/policy")
async def set_policy(request: Request, session: SessionDep) -> Response:
    """Sets whether going past a budget is refused or held, and the warning thresholds."""
    form = await request.form()
    year = clock.today().year
    county = forms.county_of(session.division)
    thresholds = thresholds_of(str(form.get("thresholds") or ""))
    if county is None or thresholds is None:
        shown = Shown("预警比例请填写整数，以逗号分隔，如 80, 95", "bad_thresholds", 422,
                      {"thresholds_percent": "请填写整数，如 80, 95"})  # fmt: skip
        return await _screen(request, session, year, policy_refused=shown, status_code=422)
    body = {"mode": str(form.get("mode") or ""), "thresholds_percent": thresholds}
    path = f"/funds/{county}/budget-policy"
    reply = await runtime_of(request).services.call("settlement", "PUT", path, session, json=body)
    if reply.ok:
        return RedirectResponse("/funds?saved=policy", status_code=303)
    status_code = reply.page_status
    return await _screen(
        request, session, year, policy_refused=reply.shown, status_code=status_code
    )


async def _holds_screen(
    request: Request,
    session: Session,
    page_no: int,
    *,
    refused: Shown | None = None,
    refused_id: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    county = forms.county_of(session.division)
    holds: Reply = no_division("待处理记录")
    if county is not None:
        params = {"county_code": county, "page": page_no, "size": 20}
        holds = await runtime_of(request).services.get(
            "settlement", "/fund-holds", session, params=params
        )
    return page(
        request, "funds_holds.html", session, status_code, title="资金用途不符待处理",
        holds=holds, pages=pages_of(holds), funds=FUND_LABELS, refused=refused,
        refused_id=refused_id, resolved=request.query_params.get("resolved"),
    )  # fmt: skip


@router.get("/fund-holds", response_class=HTMLResponse)
async def fund_holds(
    request: Request,
    session: SessionDep,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """Service records the county's fund rules hold, with why, and the resolution form."""
    return await _holds_screen(request, session, page_no)


@router.post("/fund-holds/{record_id}/resolution")
async def resolve(request: Request, session: SessionDep, record_id: uuid.UUID) -> Response:
    """Pays a held record from a fund the rules allow, or refuses it for good."""
    form = await request.form()
    decision = str(form.get("decision") or "")
    fund = str(form.get("funding_source") or "") if decision == "assign" else ""
    body = {
        "decision": decision,
        "funding_source": fund or None,
        "note_zh": str(form.get("note_zh") or "").strip(),
    }
    path = f"/fund-holds/{record_id}/resolution"
    reply = await runtime_of(request).services.post("settlement", path, session, json=body)
    if reply.ok:
        return RedirectResponse(f"/fund-holds?resolved={record_id}", status_code=303)
    status_code = reply.page_status
    return await _holds_screen(
        request, session, 1, refused=reply.shown, refused_id=str(record_id),
        status_code=status_code,
    )  # fmt: skip
