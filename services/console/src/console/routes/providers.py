"""服务机构: the county's provider registry (dispatch), a provider's page, and the onboarding
action that issues its Kafka credentials.

The password is shown once, on the answer to the POST, and never again: it is not stored,
logged, put in a URL or a cookie, and the page is sent ``no-store`` so the browser keeps no copy.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from console.listing import PAGE_SIZE, pages_of
from console.web import SessionDep, page, runtime_of
from contracts.enums import ProviderType, ServiceMode

router = APIRouter()

Code = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
LABELS = {"types": dict(ProviderType.label_zh), "modes": dict(ServiceMode.label_zh)}


@router.get("/providers", response_class=HTMLResponse)
async def providers(
    request: Request,
    session: SessionDep,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The providers of the user's county, a page at a time."""
    params = {"page": page_no, "size": PAGE_SIZE}
    listing = await runtime_of(request).services.get(
        "dispatch", "/providers", session, params=params
    )
    return page(
        request,
        "providers.html",
        session,
        title="服务机构",
        listing=listing,
        pages=pages_of(listing),
        labels=LABELS,
    )


@router.get("/providers/{code}", response_class=HTMLResponse)
async def provider(request: Request, session: SessionDep, code: Code) -> HTMLResponse:
    """One provider: what it offers, where, its qualification, contacts and Kafka topics."""
    found = await runtime_of(request).services.get("dispatch", f"/providers/{code}", session)
    status = found.status if not found.ok and found.status < 500 else 200
    return page(
        request,
        "provider.html",
        session,
        status,
        title=f"服务机构 {code}",
        code=code,
        found=found,
        labels=LABELS,
        issued=None,
        refused=None,
    )


@router.post("/providers/{code}/bus-credentials", response_class=HTMLResponse)
async def issue_credentials(request: Request, session: SessionDep, code: Code) -> HTMLResponse:
    """Issues the provider's Kafka login and shows it this once (the previous one ends)."""
    services = runtime_of(request).services
    # No Idempotency-Key: dispatch keeps no answer to replay, so the password is never stored;
    # a second press issues a new login and ends the first.
    reply = await services.post("dispatch", f"/providers/{code}/bus-credentials", session)
    found = await services.get("dispatch", f"/providers/{code}", session)
    status = 201 if reply.ok else (reply.page_status)
    response = page(
        request,
        "provider.html",
        session,
        status,
        title=f"服务机构 {code}",
        code=code,
        found=found,
        labels=LABELS,
        issued=reply.data if reply.ok else None,
        refused=reply.shown,
    )
    response.headers.update(NO_STORE)
    return response
