"""抽查 (county): a year's drawn records, drawing a sample, entering results, live coverage."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from civic import clock
from console import forms
from console.listing import PAGE_SIZE, no_division, pages_of
from console.problems import Shown
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of
from contracts.kinds import SpotCheckOutcome

router = APIRouter()
OUTCOMES = dict(SpotCheckOutcome.label_zh)
Year = Annotated[int | None, Query(ge=2023, le=2100)]


def draw_defaults() -> dict[str, str]:
    """The draw form's start: a fresh seed (noted), the 30% minimum, its Idempotency-Key."""
    return {"seed": secrets.token_hex(4), "rate_percent": "30", "submission_key": uuid.uuid4().hex}


def year_of(value: Any) -> int:
    """The year a form names, or this year in Chizhou."""
    text = str(value or "")
    return int(text) if text.isdigit() and 2023 <= int(text) <= 2100 else clock.today().year


def provider_codes(coverage: Reply) -> dict[str, str]:
    """Provider id → code, from the coverage table (the drawn records name only the id)."""
    if not coverage.ok:
        return {}
    return {str(p["provider_id"]): str(p["provider_code"]) for p in coverage.data["providers"]}


async def _screen(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    refused: Shown | None = None,
    refused_id: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    county = forms.county_of(session.division)
    services = runtime_of(request).services
    checks: Reply = no_division("抽查记录")
    coverage: Reply = checks
    draws: Reply = no_division("抽取记录")
    if county is not None:
        base = f"/spot-checks/{county}/{filters['year']}"
        params = {
            "page": filters["page"],
            "size": PAGE_SIZE,
            "open_only": filters["open_only"],
        }
        checks = await services.get("settlement", base, session, params=params)
        coverage = await services.get("settlement", f"{base}/coverage", session)
        past = {"page": filters.get("draws_page") or 1, "size": PAGE_SIZE}
        draws = await services.get("settlement", f"{base}/draws", session, params=past)
    q = request.query_params
    return page(
        request, "spot_checks.html", session, status_code, title="抽查",
        filters=filters, checks=checks, pages=pages_of(checks), coverage=coverage,
        draws=draws, draw_pages=pages_of(draws),
        codes=provider_codes(coverage), outcomes=OUTCOMES, refused=refused,
        refused_id=refused_id, values=values or draw_defaults(),
        drawn=q.get("drawn"), population=q.get("population"), recorded=q.get("recorded"),
    )  # fmt: skip


@router.get("/spot-checks", response_class=HTMLResponse)
async def spot_checks(
    request: Request,
    session: SessionDep,
    year: Year = None,
    open_only: bool = False,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
    draws_page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """The year's drawn records (all or without a result), its draws, the draw form, and
    coverage."""
    filters = {
        "year": year or clock.today().year,
        "open_only": "true" if open_only else None,
        "page": page_no,
        "draws_page": draws_page if draws_page > 1 else None,
    }
    return await _screen(request, session, filters)


@router.post("/spot-checks/draws")
async def draw(request: Request, session: SessionDep) -> Response:
    """Draws (or tops up) the year's sample from a seed, to the rate asked (at least 30%)."""
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("year", "seed", "rate_percent")}
    key = str(form.get("submission_key") or "").strip() or uuid.uuid4().hex
    values["submission_key"] = key
    year = year_of(values["year"])
    filters: dict[str, Any] = {"year": year, "open_only": None, "page": 1}
    county = forms.county_of(session.division)
    rate = values["rate_percent"]
    if county is None or not rate.isdigit():
        shown: Shown | None = Shown("抽查比例请填写整数（30 至 100）", "bad_rate", 422,
                      {"rate_percent": "请填写 30 至 100 的整数"})  # fmt: skip
        shown = shown if county else no_division("抽查记录").shown
        return await _screen(request, session, filters, refused=shown, refused_id="draw",
                             values=values, status_code=422)  # fmt: skip
    body = {"seed": values["seed"], "rate_percent": int(rate)}
    path = f"/spot-checks/{county}/{year}/draws"
    reply = await runtime_of(request).services.post(
        "settlement", path, session, json=body, headers={"Idempotency-Key": key}
    )
    if reply.ok:
        found = reply.data
        target = f"/spot-checks?year={year}&drawn={found['drawn']}&population={found['population']}"
        return RedirectResponse(target, status_code=303)
    status_code = reply.page_status
    if status_code < 500:  # refused, so nothing was drawn: the corrected form is a new request
        values["submission_key"] = uuid.uuid4().hex
    return await _screen(
        request, session, filters, refused=reply.shown, refused_id="draw", values=values,
        status_code=status_code,
    )  # fmt: skip


@router.post("/spot-checks/{spot_check_id}/result")
async def record_result(
    request: Request, session: SessionDep, spot_check_id: uuid.UUID
) -> Response:
    """Records a drawn record's finding; any outcome but 核实无误 reverses it out of payment."""
    form = await request.form()
    year = year_of(form.get("year"))
    notes = str(form.get("notes") or "").strip()
    body = {"outcome": str(form.get("outcome") or ""), "notes": notes or None}
    path = f"/spot-checks/{spot_check_id}/result"
    reply = await runtime_of(request).services.post("settlement", path, session, json=body)
    if reply.ok:
        return RedirectResponse(
            f"/spot-checks?year={year}&open_only=true&recorded={spot_check_id}", status_code=303
        )
    filters: dict[str, Any] = {"year": year, "open_only": "true", "page": 1}
    status_code = reply.page_status
    values = {"outcome": body["outcome"], "notes": notes}
    return await _screen(
        request, session, filters, refused=reply.shown, refused_id=str(spot_check_id),
        values={**draw_defaults(), **values},
        status_code=status_code,
    )  # fmt: skip
