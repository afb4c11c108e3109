"""审核: review's queue, the case with its survey findings, and the decision form.

The case is read as review answers it (findings masked as the officer's role requires);
the decision is review's to accept or refuse, and its problem document is shown per field.
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
from console.session import Session
from console.web import SessionDep, page, runtime_of
from contracts.enums import FundingSource, PeriodUnit, SelfCareLevel, ServiceCategory, ServiceMode
from contracts.reasons import RejectionReason

router = APIRouter()

#: review's case statuses (``CaseStatus``), as the queue's filter offers them.
CASE_STATUSES = {
    "awaiting_decision": "待审核确认",
    "awaiting_survey": "入户调查中",
    "approved": "审核通过",
    "rejected": "不予确认",
    "withdrawn": "已撤回",
}
PRELIMINARY = {"passed": "初审通过", "failed": "初审未通过"}
CHOICES = {
    "levels": dict(SelfCareLevel.label_zh),
    "needs": dict(ServiceCategory.label_zh),
    "modes": dict(ServiceMode.label_zh),
    "periods": dict(PeriodUnit.label_zh),
    "funds": dict(FundingSource.label_zh),
    "reasons": dict(RejectionReason.label_zh),
    "categories": forms.CATEGORIES,
}


@router.get("/reviews", response_class=HTMLResponse)
async def review_queue(
    request: Request,
    session: SessionDep,
    status: str | None = None,
    category: str | None = None,
    preliminary: str | None = None,
    village_code: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The township's review queue (oldest registration first), with filters and pages."""
    filters = {
        "status": status or None,
        "category": category or None,
        "preliminary": preliminary or None,
        "village_code": village_code or None,
        "page": page_no,
    }
    params = {**filters, "size": PAGE_SIZE}
    listing = await runtime_of(request).services.get(
        "review", "/review-queue", session, params=params
    )
    return page(
        request,
        "reviews.html",
        session,
        title="审核",
        listing=listing,
        pages=pages_of(listing),
        filters=filters,
        statuses=CASE_STATUSES,
        preliminaries=PRELIMINARY,
        categories=forms.CATEGORIES,
        villages=forms.villages_of(session.division),
        decided=request.query_params.get("decided"),
    )


def _int_or_text(value: Any) -> Any:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else text


def approval_body(form: Any) -> dict[str, Any]:
    """The body of review's approval from the decision form (rows left unticked are dropped)."""
    items = []
    for row in range(int(form.get("item_rows") or 0)):
        if form.get(f"items.{row}.include") != "yes":
            continue
        items.append(
            {
                "item_code": str(form.get(f"items.{row}.item_code") or ""),
                "mode": str(form.get(f"items.{row}.mode") or ""),
                "frequency": {
                    "times": _int_or_text(form.get(f"items.{row}.frequency.times")),
                    "per": str(form.get(f"items.{row}.frequency.per") or ""),
                },
                "funding_source": str(form.get(f"items.{row}.funding_source") or ""),
            }
        )
    body: dict[str, Any] = {
        "decision": "approve",
        "need_assessment": {
            "self_care_level": str(form.get("need_assessment.self_care_level") or ""),
            "need_categories": [str(v) for v in form.getlist("need_assessment.need_categories")],
        },
        "items": items,
        "effective_date": str(form.get("effective_date") or ""),
    }
    if form.get("category"):
        body["category"] = str(form.get("category"))
    return body


def rejection_body(form: Any) -> dict[str, Any]:
    """The body of review's rejection from the form."""
    return {
        "decision": "reject",
        "reason_code": str(form.get("reason_code") or ""),
        "reason_zh": str(form.get("reason_zh") or "").strip(),
    }


def _starting_values(case: dict[str, Any]) -> dict[str, Any]:
    """The decision form's first values: the survey team's recommendation, else the request."""
    pre = case.get("preliminary_review") or {}
    findings = case.get("findings") or {}
    codes = pre.get("recommended_item_codes") or case.get("requested_item_codes") or []
    mode = (pre.get("recommended_modes") or ["government_purchase"])[0]
    return {
        "category": pre.get("recommended_category") or case.get("category"),
        "need_assessment.self_care_level": findings.get("self_care_level", ""),
        "need_assessment.need_categories": case.get("need_categories") or [],
        "effective_date": clock.today().isoformat(),
        "rows": [
            {"item_code": c, "include": "yes", "mode": mode, "times": "1", "per": "month"}
            for c in codes
        ],
    }


def _submitted_values(form: Any) -> dict[str, Any]:
    """What the officer typed, to refill the decision form after a refusal."""
    values: dict[str, Any] = {k: str(v) for k, v in form.items()}
    values["need_assessment.need_categories"] = form.getlist("need_assessment.need_categories")
    values["rows"] = [
        {
            "item_code": form.get(f"items.{r}.item_code"),
            "include": form.get(f"items.{r}.include"),
            "mode": form.get(f"items.{r}.mode"),
            "times": form.get(f"items.{r}.frequency.times"),
            "per": form.get(f"items.{r}.frequency.per"),
            "funding": form.get(f"items.{r}.funding_source"),
        }
        for r in range(int(form.get("item_rows") or 0))
    ]
    values.pop("csrf_token", None)
    return values


async def _case_page(
    request: Request,
    session: Session,
    application_id: uuid.UUID,
    *,
    values: dict[str, Any] | None = None,
    refused: Shown | None = None,
    refused_form: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    services = runtime_of(request).services
    case = await services.get("review", f"/review-queue/{application_id}", session)
    if values is None and case.ok:
        values = _starting_values(case.data)
    return page(
        request,
        "reviews_case.html",
        session,
        status_code,
        title="审核确认",
        case=case,
        values=values or {"rows": []},
        refused=refused,
        refused_form=refused_form,
        submission_key=uuid.uuid4().hex,
        **CHOICES,
    )


@router.get("/reviews/{application_id}", response_class=HTMLResponse)
async def review_case(
    request: Request, session: SessionDep, application_id: uuid.UUID
) -> HTMLResponse:
    """One case: the application's facts, the survey's findings and 初审, and the decision form."""
    return await _case_page(request, session, application_id)


@router.post("/reviews/{application_id}/decision")
async def decide(request: Request, session: SessionDep, application_id: uuid.UUID) -> Response:
    """Sends the approval or rejection to review; a refusal is shown by the fields."""
    form = await request.form()
    which = "reject" if form.get("decision") == "reject" else "approve"
    body = rejection_body(form) if which == "reject" else approval_body(form)
    reply = await runtime_of(request).services.post(
        "review",
        f"/applications/{application_id}/decision",
        session,
        json=body,
        headers={"Idempotency-Key": str(form.get("submission_key") or uuid.uuid4().hex)},
    )
    if reply.ok:
        return RedirectResponse(f"/reviews?decided={application_id}", status_code=303)
    status_code = reply.page_status
    return await _case_page(
        request,
        session,
        application_id,
        values=_submitted_values(form),
        refused=reply.shown,
        refused_form=which,
        status_code=status_code,
    )
