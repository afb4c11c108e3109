"""绩效评价 (county): a month's provider performance, the evaluations, their CSV, and a run."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from civic import clock
from console import forms
from console.listing import PAGE_SIZE, no_division, pages_of
from console.problems import Shown
from console.routes.statements import passthrough
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of

router = APIRouter()
#: settlement's month pattern (YYYY-MM, 2000-01 to 2099-12), and a year for yearly evaluations.
MONTH = re.compile(r"^20[0-9]{2}-(0[1-9]|1[0-2])$")
YEAR = re.compile(r"^20[0-9]{2}$")
KINDS = {"provider": "服务机构", "township": "乡镇(街道)", "village": "村(社区)"}
SCOPES = {"month": "按月", "year": "按年度"}
#: The criteria of a provider's score (``figures.criteria_percent``), as staff read them.
CRITERIA = {
    "delivery": "服务完成率",
    "timeliness": "及时接单率",
    "checks": "抽查与检查通过率",
    "complaints": "投诉情况",
    "acknowledgement": "状态变更及时确认",
    "refusals": "接单率（未拒单）",
}
#: The figures of a township's or village's evaluation.
AREA_FIGURES = {
    "orders_accepted": "已接工单",
    "mean_hours_to_accept": "平均接单时长（小时）",
    "records_billed": "结算服务记录",
    "spot_checked": "已抽查",
    "spot_check_coverage_percent": "抽查覆盖率（%）",
    "complaints_resolved": "投诉已办结",
    "complaints_overdue": "投诉超期",
    "follow_up_visits": "回访次数",
}


def last_month() -> str:
    """Last month (YYYY-MM) in Chizhou: the latest whole month to evaluate."""
    return (clock.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def period_of(month: str, scope: str) -> str:
    """The evaluations' period: the month itself, or its year."""
    return month[:4] if scope == "year" else month


async def _screen(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    bad_month: bool = False,
    refused: Shown | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    county = forms.county_of(session.division)
    services = runtime_of(request).services
    period = period_of(filters["month"], filters["scope"])
    figures: Reply = no_division("绩效")
    evaluations: Reply = figures
    if county is not None:
        figures = await services.get(
            "settlement", f"/performance/{county}/{filters['month']}", session
        )
        params = {"county_code": county, "period": period, "kind": filters["kind"],
                  "page": filters["page"], "size": PAGE_SIZE}  # fmt: skip
        evaluations = await services.get("settlement", "/evaluations", session, params=params)
    q = request.query_params
    return page(
        request, "performance.html", session, status_code, title="绩效评价",
        filters=filters, period=period, figures=figures, evaluations=evaluations,
        pages=pages_of(evaluations), kinds=KINDS, scopes=SCOPES, criteria=CRITERIA,
        area_figures=AREA_FIGURES, bad_month=bad_month, refused=refused,
        ran={k: q.get(k) for k in ("evaluated", "unchanged", "areas", "not_scored")}
        if q.get("ran") else None,
    )  # fmt: skip


@router.get("/performance", response_class=HTMLResponse)
async def performance(
    request: Request,
    session: SessionDep,
    month: str | None = None,
    scope: str = "month",
    kind: str = "provider",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """Each provider's figures for a month (default last month), and the stored evaluations."""
    bad_month = bool(month) and not MONTH.match(month or "")
    filters = {
        "month": month if month and not bad_month else last_month(),
        "scope": scope if scope in SCOPES else "month",
        "kind": kind if kind in KINDS else "provider",
        "page": page_no,
    }
    return await _screen(request, session, filters, bad_month=bad_month)


@router.get("/performance/export.csv")
async def export(request: Request, session: SessionDep, period: str = "") -> Response:
    """The providers' newest evaluations as settlement's CSV (for third-party assessment)."""
    county = forms.county_of(session.division) or ""
    if not (MONTH.match(period) or YEAR.match(period)):
        period = last_month()
    path = f"/evaluations/export.csv?county_code={county}&period={period}"
    return await passthrough(request, session, path, "导出绩效评价")


@router.post("/performance/runs")
async def run(request: Request, session: SessionDep) -> Response:
    """Evaluates the county's providers, townships and villages for the month or its year."""
    form = await request.form()
    month = str(form.get("month") or "")
    scope = str(form.get("scope") or "month")
    month = month if MONTH.match(month) else last_month()
    scope = scope if scope in SCOPES else "month"
    filters: dict[str, Any] = {"month": month, "scope": scope, "kind": "provider", "page": 1}
    county = forms.county_of(session.division)
    if county is None:
        return await _screen(request, session, filters, refused=no_division("绩效").shown,
                             status_code=404)  # fmt: skip
    body = {"county_code": county, "period": period_of(month, scope)}
    reply = await runtime_of(request).services.post(
        "settlement", "/evaluations/runs", session, json=body
    )
    if reply.ok:
        r = reply.data
        target = (
            f"/performance?month={filters['month']}&scope={filters['scope']}&ran=1"
            f"&evaluated={len(r['evaluated'])}&unchanged={r['unchanged']}"
            f"&areas={r['areas_revised']}&not_scored={len(r['not_scored'])}"
        )
        return RedirectResponse(target, status_code=303)
    status_code = reply.page_status
    return await _screen(request, session, filters, refused=reply.shown, status_code=status_code)
