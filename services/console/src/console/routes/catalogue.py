"""目录与收费 (county): the catalogue and fee standard in force, its versions, and a new one."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console import forms
from console.listing import no_division
from console.problems import Shown
from console.routes.funds import fen_of
from console.services import Reply
from console.session import Session
from console.web import SessionDep, page, runtime_of
from contracts.enums import FeeUnit, ServiceCategory

router = APIRouter()
CATEGORIES = dict(ServiceCategory.label_zh)
UNITS = dict(FeeUnit.label_zh)
#: Blank rows under the items, for adding items to the new version.
NEW_ROWS = 2
_ITEM_FIELDS = ("item_code", "name_zh", "service_category", "unit", "fee_yuan")


def rows_of(catalogue: Any) -> list[dict[str, str]]:
    """The form's rows from a catalogue version: its items (fees in 元), then blank rows."""
    items = catalogue.get("items", []) if isinstance(catalogue, dict) else []
    rows = [
        {
            "item_code": str(i["item_code"]),
            "name_zh": str(i["name_zh"]),
            "service_category": str(i["service_category"]),
            "unit": str(i["unit"]),
            "fee_yuan": f"{int(i['fee_fen']) // 100}.{int(i['fee_fen']) % 100:02d}",
            "was_fee_fen": str(i["fee_fen"]),
            "is_example": "yes" if i.get("is_example") else "",
        }
        for i in items
    ]
    return rows + [dict.fromkeys(_ITEM_FIELDS, "") for _ in range(NEW_ROWS)]


def _form_rows(form: Any) -> list[dict[str, str]]:
    """The rows as typed (``items.N.<field>``), in row order."""
    typed = str(form.get("row_count") or "")
    count = min(int(typed), 300) if typed.isdigit() else 0
    keys = (*_ITEM_FIELDS, "was_fee_fen", "is_example", "remove")
    return [{k: str(form.get(f"items.{n}.{k}") or "").strip() for k in keys} for n in range(count)]


def version_body(form: Any) -> tuple[dict[str, Any], list[int], dict[str, str]]:
    """Settlement's ``VersionCreate`` from the form; the row of each item sent; fee errors.

    A blank or removed row is left out. An item's fee stays a demo value (``is_example``)
    only if it was one, its fee is unchanged and the officer did not confirm them all.
    """
    confirmed = form.get("confirm_fees") == "yes"
    items: list[dict[str, Any]] = []
    sent_rows: list[int] = []
    errors: dict[str, str] = {}
    for n, row in enumerate(_form_rows(form)):
        if row["remove"] == "yes" or not (row["item_code"] or row["name_zh"] or row["fee_yuan"]):
            continue
        fee = fen_of(row["fee_yuan"])
        if fee is None:
            errors[f"items.{n}.fee_yuan"] = "请填写收费标准（元，最多两位小数），如 25.00"
        example = not confirmed and row["is_example"] == "yes" and str(fee) == row["was_fee_fen"]
        items.append({
            "item_code": row["item_code"].upper(), "name_zh": row["name_zh"],
            "service_category": row["service_category"], "unit": row["unit"],
            "fee_fen": fee, "is_example": example,
        })  # fmt: skip
        sent_rows.append(n)
    body = {"effective_from": str(form.get("effective_from") or "").strip(), "items": items}
    return body, sent_rows, errors


def fields_of(shown: Shown | None, sent_rows: list[int]) -> Shown | None:
    """Settlement names ``items.<k>.fee_fen`` of the body; the form has ``items.<row>.fee_yuan``."""
    if shown is None:
        return None
    fields: dict[str, str] = {}
    for name, message in shown.fields.items():
        parts = name.split(".")
        if not name:  # a rule over the whole list (duplicate codes)
            parts = ["items"]
        elif parts[0] == "items" and len(parts) > 2 and parts[1].isdigit():
            k = int(parts[1])
            parts[1] = str(sent_rows[k]) if k < len(sent_rows) else parts[1]
            parts[2] = "fee_yuan" if parts[2] == "fee_fen" else parts[2]
        fields.setdefault(".".join(parts), message)
    return Shown(shown.message, shown.code, shown.status, fields, shown.unavailable)


async def _screen(
    request: Request,
    session: Session,
    on: date | None,
    *,
    version: int | None = None,
    rows: list[dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    refused: Shown | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    county = forms.county_of(session.division)
    services = runtime_of(request).services
    current: Reply = no_division("收费标准")
    versions: Reply = current
    if county is not None:
        current = await _shown_version(request, session, county, on, version)
        versions = await services.get("settlement", f"/catalogue/{county}/versions", session)
    return page(
        request, "catalogue.html", session, status_code, title="目录与收费",
        current=current, versions=versions, on=on, version=version, county=county,
        rows=rows if rows is not None else rows_of(current.data),
        values={"submission_key": uuid.uuid4().hex, **(values or {})},
        refused=refused, categories=CATEGORIES, units=UNITS,
        published=request.query_params.get("published"),
    )  # fmt: skip


async def _shown_version(
    request: Request, session: Session, county: str, on: date | None, version: int | None
) -> Reply:
    """The version asked for by number, else the one in force on the day (today by default)."""
    services = runtime_of(request).services
    if version is not None:
        path = f"/catalogue/{county}/versions/{version}"
        return await services.get("settlement", path, session)
    params = {"on": on.isoformat() if on else None}
    return await services.get("settlement", f"/catalogue/{county}", session, params=params)


@router.get("/catalogue", response_class=HTMLResponse)
async def catalogue(
    request: Request,
    session: SessionDep,
    on: date | None = None,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> HTMLResponse:
    """The county's catalogue in force (today, or on a day) or one version by number, its
    versions, and a new version starting from the one shown."""
    return await _screen(request, session, on, version=version)


@router.post("/catalogue/versions")
async def publish(request: Request, session: SessionDep) -> Response:
    """Publishes a new version (fees typed in 元); earlier versions stay as they were."""
    form = await request.form()
    rows = _form_rows(form)
    values = {k: str(form.get(k) or "") for k in ("effective_from", "confirm_fees")}
    # The form's Idempotency-Key: a double submit publishes one version.
    key = str(form.get("submission_key") or "").strip() or uuid.uuid4().hex
    values["submission_key"] = key
    body, sent_rows, errors = version_body(form)
    county = forms.county_of(session.division)
    if errors or county is None:
        shown: Shown | None = Shown("收费标准填写有误，请检查后重试", "bad_amount", 422, errors)
        shown = shown if county else no_division("收费标准").shown
        return await _screen(request, session, None, rows=rows, values=values,
                             refused=shown, status_code=422)  # fmt: skip
    path = f"/catalogue/{county}/versions"
    reply = await runtime_of(request).services.post(
        "settlement", path, session, json=body, headers={"Idempotency-Key": key}
    )
    if reply.ok:
        return RedirectResponse(f"/catalogue?published={reply.data['version']}", status_code=303)
    status_code = reply.page_status
    if status_code < 500:  # refused, so nothing was published: the corrected form is new
        values["submission_key"] = uuid.uuid4().hex
    return await _screen(
        request, session, None, rows=rows, values=values,
        refused=fields_of(reply.shown, sent_rows), status_code=status_code,
    )  # fmt: skip
