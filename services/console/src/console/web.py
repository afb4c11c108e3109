"""What every page shares: the runtime, the signed-in user, CSRF, and rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from console.listing import page_link
from console.navigation import entries_for
from console.oidc import OidcClient
from console.services import ServiceClients, SignInRequired
from console.session import CSRF_FIELD, CSRF_HEADER, Cookies, Session, csrf_matches
from console.settings import Settings
from contracts import divisions
from contracts.calendar import CHIZHOU

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def division_name(code: str) -> str:
    """A division's full Chinese name (the code itself if unknown)."""
    return divisions.full_name_zh(code) if divisions.get(code) is not None else code


def local_time(value: str) -> str:
    """An ISO timestamp from a service as staff read it: Asia/Shanghai, to the minute."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHIZHOU)
    return moment.strftime("%Y-%m-%d %H:%M")


def yuan(fen: Any) -> str:
    """Integer fen as 元 with two decimals (exact: no float), e.g. -1234 → "-12.34"."""
    try:
        value = int(fen)
    except (TypeError, ValueError):
        return "—"
    sign = "-" if value < 0 else ""
    whole, cents = divmod(abs(value), 100)
    return f"{sign}{whole:,}.{cents:02d}"


templates.env.filters["division_name"] = division_name
templates.env.filters["yuan"] = yuan
templates.env.globals["page_link"] = page_link
templates.env.filters["local_time"] = local_time


@dataclass
class Runtime:
    """Everything the routes use, built once per app."""

    settings: Settings
    cookies: Cookies
    oidc: OidcClient
    services: ServiceClients
    htmx_vendored: bool


class CsrfRefused(Exception):
    """A POST without the session's CSRF token."""


def runtime_of(request: Request) -> Runtime:
    """The app's runtime."""
    found: Runtime = request.app.state.console
    return found


async def current_session(request: Request) -> Session:
    """The signed-in user; no session or an expired token sends them to sign in."""
    session = runtime_of(request).cookies.session(request)
    if session is None or session.expired():
        raise SignInRequired
    return session


SessionDep = Annotated[Session, Depends(current_session)]


async def check_csrf(request: Request) -> None:
    """Every POST carries the session's CSRF token (form field, or header from htmx)."""
    if request.method != "POST":
        return
    session = runtime_of(request).cookies.session(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not csrf_matches(session, sent):
        raise CsrfRefused


def sign_in_redirect(request: Request) -> Response:
    """Sends the user to sign in, back to where they were afterwards."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = f"/auth/login?next={quote(back, safe='')}"
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def page(
    request: Request,
    template: str,
    session: Session | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Renders a page with the layout's context (user, navigation, CSRF token)."""
    rt = runtime_of(request)
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": session,
            "nav": entries_for(session.roles) if session else [],
            "current": request.url.path,
            "csrf_token": session.csrf if session else "",
            "htmx": rt.htmx_vendored,
            "partial": bool(request.headers.get("HX-Request")),
            **context,
        },
        status_code=status_code,
    )
