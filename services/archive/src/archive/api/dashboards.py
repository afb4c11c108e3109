"""Routes of the staff dashboards (issue 22): chain timing, caseload, coverage and stops.

Township officers see their township, county officers their county (``division_code``
defaults to the caller's own). The figures come from archive's read model (docs/dashboards.md).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from archive.api.deps import ContextDep
from archive.domain import chain as chain_rules
from archive.domain import dashboards as dash
from archive.domain.boards import board_name
from archive.domain.places import place_zh
from archive.handlers import dashboards as uc
from archive.schemas import dashboards as out
from archive.settings import Settings
from civic import clock
from civic.audit import reads_personal, saw
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.security import Principal, require_roles
from contracts.enums import RecipientCategory, RecipientStatus, Role

router = APIRouter(prefix="/dashboards", tags=["统计看板 dashboards"], responses=PROBLEM_RESPONSES)

Staff = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER))]
Division = Annotated[
    str | None,
    Query(
        pattern=r"^\d{6}(\d{3}(\d{3})?)?$",
        description="County, township or village code; yours by default.",
    ),
]
Month = Annotated[
    str | None,
    Query(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="YYYY-MM; this month by default."),
]
OUTCOME_ZH = {
    "served": "已首次服务",
    "rejected": "未予确认",
    "withdrawn": "已撤回",
    "open": "办理中",
}


def _category_zh(code: str) -> str:
    return RecipientCategory.label_zh[code] if code else ""


def _case(case: chain_rules.Chain, as_of: date, settings: Settings) -> out.CaseRead:
    name = case.display_name
    style = settings.name_style(case.village_code[:6])
    return out.CaseRead(
        application_id=case.application_id,
        service_number=case.service_number,
        display_name=board_name(name, style) if name else None,
        village_code=case.village_code,
        place_zh=place_zh(case.village_code),
        category_zh=_category_zh(case.category),
        outcome=(outcome := case.outcome_on(as_of)),
        outcome_zh=OUTCOME_ZH[outcome],
        elapsed_days=chain_rules.elapsed(case, as_of) or 0,
        steps={step: case.day(step) for step in chain_rules.STEPS},
    )


def _township(t: uc.TownshipTiming, as_of: date, settings: Settings) -> out.TownshipTimingRead:
    spans = [out.SpanRead(**asdict(s), span_zh=chain_rules.SPAN_ZH[s.span]) for s in t.spans]
    slow = [_case(case, as_of, settings) for case in t.slowest]
    return out.TownshipTimingRead(
        township_code=t.township_code, place_zh=place_zh(t.township_code), spans=spans, slowest=slow
    )


@router.get(
    "/chain-timing",
    summary="办理时效：申请→登记→调查→审核→接单→首次服务",
    openapi_extra=reads_personal("dashboard_cases"),
)
async def chain_timing(
    uow: UowDep,
    principal: Staff,
    ctx: ContextDep,
    division_code: Division = None,
    month: Month = None,
) -> out.ChainTimingRead:
    """Per township: count, median and p90 days of each step and the whole chain; slowest cases."""
    chosen = month or clock.month()
    as_of, townships = await uc.chain_timing(division_code, chosen, uow=uow, principal=principal)
    # The slowest cases name people (masked): the read audit lists them.
    saw(*(case.person_id for t in townships for case in t.slowest))
    return out.ChainTimingRead(
        division_code=division_code or principal.division or "",
        month=chosen,
        as_of=as_of,
        townships=[_township(t, as_of, ctx.settings) for t in townships],
    )


def _caseload_row(r: dash.Caseload) -> out.CaseloadRow:
    return out.CaseloadRow(
        township_code=r.township_code,
        village_code=r.village_code,
        place_zh=place_zh(r.village_code),
        category=r.category,
        category_zh=_category_zh(r.category),
        served=r.served,
        suspended=r.suspended,
    )


def _coverage_row(r: dash.Coverage) -> out.CoverageRow:
    return out.CoverageRow(
        township_code=r.township_code,
        village_code=r.village_code,
        place_zh=place_zh(r.village_code),
        approved_items=r.approved_items,
        served_items=r.served_items,
        ratio=r.ratio,
    )


@router.get(
    "/caseload",
    summary="服务对象分布：按类别和村（社区）",
    openapi_extra=reads_personal(None),  # counts only
)
async def caseload(
    uow: UowDep, principal: Staff, division_code: Division = None
) -> out.CaseloadRead:
    """Current recipients per category and village (served and suspended)."""
    rows = await uc.caseload(division_code, uow=uow, principal=principal)
    by_category: dict[str, int] = {}
    for row in rows:
        by_category[row.category] = by_category.get(row.category, 0) + row.served
    return out.CaseloadRead(
        division_code=division_code or principal.division or "",
        rows=[_caseload_row(r) for r in rows],
        by_category=by_category,
    )


@router.get(
    "/coverage",
    summary="服务覆盖：已批准服务事项中本月有服务的比例",
    openapi_extra=reads_personal(None),  # counts only
)
async def coverage(
    uow: UowDep, principal: Staff, division_code: Division = None, month: Month = None
) -> out.CoverageRead:
    """Per village: approved items of current recipients, and those with a service this month."""
    chosen = month or clock.month()
    rows = await uc.coverage(division_code, chosen, uow=uow, principal=principal)
    approved, served = sum(r.approved_items for r in rows), sum(r.served_items for r in rows)
    return out.CoverageRead(
        division_code=division_code or principal.division or "",
        month=chosen,
        approved_items=approved,
        served_items=served,
        ratio=dash.Coverage("", "", approved, served).ratio,
        villages=[_coverage_row(r) for r in rows],
    )


def _ended(o: dash.EndedOrder, now: datetime) -> out.EndedOrderRead:
    ack = o.acknowledgement(now)
    return out.EndedOrderRead(
        order_id=o.order_id,
        provider_code=o.provider_code,
        cancelled_at=o.cancelled_at,
        acknowledgement=ack,
        acknowledgement_zh=dash.ACK_ZH[ack],
    )


def _stop(view: dash.StopView, settings: Settings, now: datetime) -> out.StopRead:
    ended = [_ended(o, now) for o in view.ended]
    return out.StopRead(
        service_number=view.service_number,
        display_name=board_name(view.display_name, settings.name_style(view.village_code[:6])),
        village_code=view.village_code,
        place_zh=place_zh(view.village_code),
        status=view.stop.status,
        status_zh=RecipientStatus(view.stop.status).label_zh,
        effective_date=view.stop.effective_date,
        orders_ended=ended,
        orders_still_open=view.still_open,
    )


@router.get(
    "/stops",
    summary="停止救助及其传达：服务供给主体是否按时确认",
    openapi_extra=reads_personal("dashboard_stops"),
)
async def stops(
    uow: UowDep,
    principal: Staff,
    ctx: ContextDep,
    division_code: Division = None,
    month: Month = None,
) -> out.StopsRead:
    """Stops effective in the month, the orders each ended and whether providers acknowledged."""
    chosen, now = month or clock.month(), clock.now()
    views = await uc.stops(division_code, chosen, uow=uow, principal=principal)
    saw(*(view.stop.person_id for view in views))  # named by service number and masked name
    tally = dash.provider_tally((o for v in views for o in v.ended), now)
    return out.StopsRead(
        division_code=division_code or principal.division or "",
        month=chosen,
        stops=[_stop(view, ctx.settings, now) for view in views],
        providers=[
            out.ProviderAckRead(provider_code=code, **counts)
            for code, counts in sorted(tally.items())
        ],
    )
