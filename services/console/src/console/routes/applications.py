"""申请登记: the township's applications (list, filters, pages), the window's form, and 受理登记.

The pattern for every screen: read from the service as the signed-in user, show what it
said where it matters (a refusal's fields next to the inputs, an unavailable service in the
part it affects), and let the rest of the page work.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import forms
from console.listing import PAGE_SIZE, pages_of
from console.problems import Shown
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of
from contracts.enums import ServiceCategory

router = APIRouter()

#: 需求分类 offered at registration (intake's ``need_categories``).
NEEDS = dict(ServiceCategory.label_zh)


async def _list(request: Request, session: Session, filters: dict[str, Any]) -> Reply:
    params = {**filters, "size": PAGE_SIZE}
    return await runtime_of(request).services.get("intake", "/applications", session, params=params)


async def _items(request: Request, session: Session) -> Reply:
    county = forms.county_of(session.division)
    if county is None:
        return Reply(404, shown=Shown("您的账号没有辖区，无法读取服务项目", "no_division", 404))
    return await runtime_of(request).services.get("settlement", f"/catalogue/{county}", session)


async def _screen(
    request: Request,
    session: Session,
    filters: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    refused: Shown | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    listing = await _list(request, session, filters)
    catalogue = await _items(request, session)
    pages = pages_of(listing)
    return page(
        request,
        "applications.html",
        session,
        status_code,
        title="申请登记",
        listing=listing,
        pages=pages,
        filters=filters,
        statuses=forms.APPLICATION_STATUSES,
        villages=forms.villages_of(session.division),
        categories=forms.CATEGORIES,
        conditions=forms.CONDITIONS,
        catalogue=catalogue,
        items=forms.item_choices(catalogue.data),
        values=values or {"submission_key": uuid.uuid4().hex},
        refused=refused,
        created=request.query_params.get("created"),
        registered=request.query_params.get("registered"),
    )


@router.get("/applications", response_class=HTMLResponse)
async def applications(
    request: Request,
    session: SessionDep,
    status: str | None = None,
    village_code: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The officer's applications, newest first, with filters, pages and the window form."""
    filters = {"status": status or None, "village_code": village_code or None, "page": page_no}
    return await _screen(request, session, filters)


@router.post("/applications")
async def register(request: Request, session: SessionDep) -> Response:
    """Registers an application taken at the window; a refusal is shown field by field."""
    form = await request.form()
    key = str(form.get("submission_key") or uuid.uuid4().hex)
    reply = await runtime_of(request).services.post(
        "intake",
        "/applications",
        session,
        json=forms.application_body(form),
        headers={"Idempotency-Key": key},
    )
    if reply.ok:
        created = str((reply.data or {}).get("application_id", ""))
        return RedirectResponse(f"/applications?created={created}", status_code=303)
    # A refused submission stored nothing: the corrected one is a new submission.
    values = {**forms.form_values(form), "submission_key": uuid.uuid4().hex}
    status_code = reply.page_status
    filters: dict[str, Any] = {"status": None, "village_code": None, "page": 1}
    return await _screen(
        request, session, filters, values=values, refused=reply.shown, status_code=status_code
    )


def registration_body(form: Any) -> dict[str, Any]:
    """The body of intake's ``POST /applications/{id}/registration`` from the form."""
    return {
        "category": str(form.get("category") or ""),
        "special_conditions": forms.form_values(form)["special_conditions"],
        "requested_item_codes": forms.item_codes(forms.form_values(form)["requested_item_codes"]),
        "need_categories": [str(v) for v in form.getlist("need_categories")],
        "checks_verified": form.get("checks_verified") == "yes",
    }


def _registration_values(app: dict[str, Any]) -> dict[str, Any]:
    """The form's starting values: what the applicant claimed."""
    return {
        "category": app["category"]["code"],
        "special_conditions": [c["code"] for c in app["special_conditions"]],
        "requested_item_codes": [i["item_code"] for i in app["requested_items"]],
        "need_categories": [n["code"] for n in app["need_categories"]]
        or sorted({i["service_category"]["code"] for i in app["requested_items"]}),
    }


async def _registration_page(
    request: Request,
    session: Session,
    application_id: uuid.UUID,
    *,
    values: dict[str, Any] | None = None,
    refused: Shown | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    services = runtime_of(request).services
    found = await services.get("intake", f"/applications/{application_id}", session)
    if values is None and found.ok:
        values = _registration_values(found.data)
    return page(
        request,
        "applications_registration.html",
        session,
        status_code,
        title="受理登记",
        application=found,
        values=values or {},
        refused=refused,
        categories=forms.CATEGORIES,
        conditions=forms.CONDITIONS,
        needs=NEEDS,
    )


@router.get("/applications/{application_id}/registration", response_class=HTMLResponse)
async def registration_form(
    request: Request, session: SessionDep, application_id: uuid.UUID
) -> HTMLResponse:
    """受理登记: the application as submitted, and the form that registers and classifies it."""
    return await _registration_page(request, session, application_id)


@router.post("/applications/{application_id}/registration")
async def register_submitted(
    request: Request, session: SessionDep, application_id: uuid.UUID
) -> Response:
    """Registers a submitted application; intake's refusal is shown field by field."""
    form = await request.form()
    reply = await runtime_of(request).services.post(
        "intake",
        f"/applications/{application_id}/registration",
        session,
        json=registration_body(form),
    )
    if reply.ok:
        return RedirectResponse(f"/applications?registered={application_id}", status_code=303)
    values = {**forms.form_values(form), "need_categories": form.getlist("need_categories")}
    status_code = reply.page_status
    return await _registration_page(
        request,
        session,
        application_id,
        values=values,
        refused=reply.shown,
        status_code=status_code,
    )
