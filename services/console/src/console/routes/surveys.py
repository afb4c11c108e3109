"""入户调查: the township's survey tasks from survey (progress by status, overdue, one task).

Survey lets a township officer read only: the team is named by village staff, and the
findings and 初审 come from the team's app, so these pages have no forms but the filters.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from civic import clock
from console import forms
from console.listing import PAGE_SIZE, pages_of
from console.web import SessionDep, page, runtime_of
from contracts.enums import SelfCareLevel, ServiceCategory, ServiceMode
from contracts.reasons import PreliminaryFailReason

router = APIRouter()

#: survey's ``TaskStatus`` codes and labels (the console does not import the service).
STATUSES = {
    "open": "待派调查组",
    "team_assigned": "待入户调查",
    "findings_submitted": "待初审",
    "passed": "初审通过",
    "failed": "初审未通过",
    "cancelled": "已取消",
}
#: Before these the visit is still to come, so the due date still counts down.
VISIT_PENDING = {"open", "team_assigned"}
LABELS = {
    "categories": forms.CATEGORIES,
    "conditions": forms.CONDITIONS,
    "self_care": dict(SelfCareLevel.label_zh),
    "services": dict(ServiceCategory.label_zh),
    "modes": dict(ServiceMode.label_zh),
    "fail_reasons": dict(PreliminaryFailReason.label_zh),
}


def due_note(task: dict[str, Any], today: date) -> str:
    """How the due date reads today: 逾期 N 天, 今日到期, 剩 N 天, or nothing once visited."""
    if task.get("status") not in VISIT_PENDING:
        return ""
    try:
        days = (date.fromisoformat(str(task["due_date"])) - today).days
    except (KeyError, ValueError):
        return ""
    if days < 0 or task.get("overdue"):
        return f"逾期 {max(-days, 1)} 天"
    return "今日到期" if days == 0 else f"剩 {days} 天"


@router.get("/surveys", response_class=HTMLResponse)
async def surveys(
    request: Request,
    session: SessionDep,
    status: str | None = None,
    village_code: str | None = None,
    overdue: bool = False,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The survey tasks of the officer's township by due date, overdue ones marked; the
    progress counts come with the list (survey counts the whole scope, whatever the filters)."""
    filters = {"status": status or None, "village_code": village_code or None}
    filters["overdue"] = "true" if overdue else None
    params = {**filters, "page": page_no, "size": PAGE_SIZE}
    services = runtime_of(request).services
    listing = await services.get("survey", "/survey-tasks", session, params=params)
    today = clock.today()
    items = (listing.data or {}).get("items", []) if listing.ok else []
    return page(
        request,
        "surveys.html",
        session,
        title="入户调查",
        listing=listing,
        pages=pages_of(listing),
        filters=filters,
        statuses=STATUSES,
        villages=forms.villages_of(session.division),
        due={t["survey_id"]: due_note(t, today) for t in items},
        today=today.isoformat(),
    )


@router.get("/surveys/{survey_id}", response_class=HTMLResponse)
async def survey(request: Request, session: SessionDep, survey_id: uuid.UUID) -> HTMLResponse:
    """One survey task: what was claimed, the team, the findings and the 初审, as survey shows."""
    found = await runtime_of(request).services.get("survey", f"/survey-tasks/{survey_id}", session)
    note = due_note(found.data, clock.today()) if found.ok else ""
    status_code = found.status if 400 <= found.status < 500 else 200
    return page(
        request,
        "surveys_detail.html",
        session,
        status_code,
        title="入户调查详情",
        task=found,
        due=note,
        statuses=STATUSES,
        **LABELS,
    )
