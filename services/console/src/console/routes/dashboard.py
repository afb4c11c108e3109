"""仪表盘: chain timing, caseload, coverage and stops (archive's read model), and for
administrators the dead letters and parked messages of every service.

Each of archive's four answers is read on its own, so one refusal or a slow figure shows in
its own section while the others still draw. Charts are ECharts options built server-side
(``console.dashboards``) with a table of the same numbers beside them.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from civic import clock
from console import dashboards as charts
from console.problems import SERVICE_NAMES_ZH
from console.services import Reply
from console.session import Session
from console.settings import SERVICES
from console.web import SessionDep, page, runtime_of
from contracts.enums import Role

router = APIRouter()
Month = Annotated[str | None, Query(pattern=r"^(20[0-9]{2}-(0[1-9]|1[0-2]))?$")]
Division = Annotated[str | None, Query(pattern=r"^(\d{6}(\d{3}(\d{3})?)?)?$")]
#: What an administrator watches: the Prometheus gauges every service exposes on /metrics.
WATCHED = {
    "civic_dlq_depth": "死信（未重新投递）",
    "civic_parked_messages": "待人工处理的消息",
    "civic_outbox_parked_events": "发件箱搁置事件",
    "civic_outbox_pending_events": "发件箱待发事件",
}


async def _read(request: Request, session: Session, what: str, params: dict) -> Reply:
    path = f"/dashboards/{what}"
    return await runtime_of(request).services.get("archive", path, session, params=params)


def _officer(session: Session) -> bool:
    return session.has_role(Role.TOWNSHIP_OFFICER) or session.has_role(Role.COUNTY_OFFICER)


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request, session: SessionDep, month: Month = None, division_code: Division = None
) -> HTMLResponse:
    """The month's chain timing, caseload, coverage and stops under the user's division."""
    if not _officer(session):
        message = "仪表盘仅供乡镇(街道)和县(区)民政工作人员查看。"
        return page(request, "message.html", session, 403, title="仪表盘", message=message)
    chosen = month or clock.month()
    params = {"division_code": division_code or None, "month": chosen}
    timing, caseload, coverage, stops = await asyncio.gather(
        _read(request, session, "chain-timing", params),
        _read(request, session, "caseload", {"division_code": division_code or None}),
        _read(request, session, "coverage", params),
        _read(request, session, "stops", params),
    )
    return page(
        request,
        "dashboard.html",
        session,
        title="仪表盘",
        month=chosen,
        months=charts.months_before(clock.today()),
        timing=timing,
        timing_charts=[charts.timing_chart(t) for t in (timing.data or {}).get("townships", [])],
        caseload=caseload,
        caseload_charts=_caseload_charts(caseload),
        coverage=coverage,
        coverage_chart=charts.coverage_chart(coverage.data) if coverage.ok else None,
        stops=stops,
        ack_chart=charts.acknowledgement_chart(stops.data) if stops.ok else None,
        percent=charts.percent,
    )


def _caseload_charts(caseload: Reply) -> list[charts.Chart]:
    if not caseload.ok:
        return []
    return [charts.caseload_by_category(caseload.data), charts.caseload_by_village(caseload.data)]


async def _service_row(request: Request, session: Session, service: str) -> dict[str, Any]:
    """One service's counts from its /metrics, or why they could not be read."""
    runtime = runtime_of(request)
    bearer = runtime.settings.metrics_bearer()  # the services' token, never the user's
    answer = await runtime.services.raw(
        service, "GET", "/metrics", session, with_token=False, headers=bearer
    )
    row: dict[str, Any] = {"service": service, "name_zh": SERVICE_NAMES_ZH[service]}
    if answer is None or answer.status_code >= 500:
        return row | {"problem": "服务暂不可用"}
    if answer.status_code in (401, 403):
        configured = "令牌不被接受" if runtime.settings.metrics_bearer() else "工作台未配置"
        return row | {"problem": f"监控指标需要令牌（METRICS_TOKEN），{configured}"}
    if answer.status_code != 200:
        return row | {"problem": f"监控指标读取失败（{answer.status_code}）"}
    return row | {"counts": charts.metric_totals(answer.text, WATCHED)}


@router.get("/dashboard/system", response_class=HTMLResponse)
async def system(request: Request, session: SessionDep) -> HTMLResponse:
    """Administrators: dead letters and parked messages waiting in each service."""
    if not session.has_role(Role.ADMIN):
        message = "系统运行状态仅供系统管理员查看。"
        return page(request, "message.html", session, 403, title="系统运行状态", message=message)
    rows = await asyncio.gather(*(_service_row(request, session, s) for s in SERVICES))
    return page(
        request, "dashboard_system.html", session, title="系统运行状态", rows=rows, watched=WATCHED
    )
