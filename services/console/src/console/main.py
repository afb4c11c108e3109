"""The staff console: ``uvicorn console.main:create_app --factory``.

It owns no data: every page is read from, and every form sent to, the six services with the
signed-in user's token, so each role and jurisdiction rule stays where it is enforced.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from console.navigation import entries_for
from console.oidc import OidcClient
from console.routes import (
    applications,
    auth,
    catalogue,
    city_reports,
    dashboard,
    files,
    funds,
    neighbours,
    orders,
    payments,
    performance,
    providers,
    recipients,
    reviews,
    settlement,
    spot_checks,
    statements,
    surveys,
)
from console.services import ServiceClients, SignInRequired
from console.session import Cookies, Sealer
from console.settings import Settings
from console.web import (
    HERE,
    CsrfRefused,
    Runtime,
    SessionDep,
    check_csrf,
    page,
    sign_in_redirect,
)

log = logging.getLogger(__name__)
HTMX = HERE / "static" / "vendor" / "htmx.min.js"


def create_app(
    settings: Settings | None = None,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    issuer_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The console app; ``transports`` let tests put fakes in place of the services."""
    settings = settings or Settings()  # type: ignore[call-arg]  # read from the environment
    issuer_http = httpx.AsyncClient(timeout=settings.service_timeout_s, transport=issuer_transport)
    runtime = Runtime(
        settings=settings,
        cookies=Cookies(Sealer(settings.fernet_key()), secure=settings.secure_cookies()),
        oidc=OidcClient(settings, issuer_http),
        services=ServiceClients(settings, transports),
        htmx_vendored=HTMX.exists(),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await runtime.services.aclose()
        await issuer_http.aclose()

    app = FastAPI(
        title="池州社会救助 工作台",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(check_csrf)],
    )
    app.state.console = runtime
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(auth.router)
    app.include_router(applications.router)
    app.include_router(reviews.router)
    app.include_router(recipients.router)
    app.include_router(orders.router)
    app.include_router(statements.router)
    app.include_router(settlement.router)
    app.include_router(funds.router)
    app.include_router(dashboard.router)
    app.include_router(providers.router)
    app.include_router(files.router)
    app.include_router(surveys.router)
    app.include_router(city_reports.router)
    app.include_router(neighbours.router)
    app.include_router(payments.router)
    app.include_router(catalogue.router)
    app.include_router(spot_checks.router)
    app.include_router(performance.router)
    _pages(app)
    _handlers(app)
    return app


def _pages(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request, session: SessionDep) -> Response:
        """The first screen: straight to the user's first work area, if they have one."""
        entries = entries_for(session.roles)
        if entries:
            return RedirectResponse(entries[0].href, status_code=303)
        return page(request, "home.html", session, title="工作台")

    @app.get("/signed-out", response_class=HTMLResponse)
    async def signed_out(request: Request) -> HTMLResponse:
        """Confirms the sign-out."""
        return page(request, "message.html", None, title="已退出", message="您已安全退出。")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness: the console owns nothing else to check."""
        return {"status": "ok"}


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        """No session, an expired one, or a token a service refused: sign in again."""
        return sign_in_redirect(request)

    @app.exception_handler(CsrfRefused)
    async def csrf(request: Request, exc: CsrfRefused) -> Response:
        """A POST without the session's CSRF token is refused with a Chinese page."""
        log.warning("CSRF token missing or wrong on %s", request.url.path)
        message = "请求缺少有效的安全校验码（CSRF），已被拒绝。请返回上一页刷新后重试。"
        return page(request, "message.html", None, 403, title="请求被拒绝", message=message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """A link or form with a value the page cannot take: say which, in Chinese."""
        names = sorted({str(error["loc"][-1]) for error in exc.errors() if error.get("loc")})
        message = f"请求中的参数有误（{'、'.join(names) or '未知'}），请返回上一页检查后重试。"
        return page(request, "message.html", None, 422, title="参数有误", message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """No such page (or method): a Chinese page instead of the framework's JSON."""
        known = {404: "没有这个页面。", 405: "该页面不接受此操作。"}
        message = known.get(exc.status_code, f"请求未能完成（{exc.status_code}）。")
        return page(
            request, "message.html", None, exc.status_code, title="无法打开", message=message
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """Anything unforeseen: a Chinese page, never a stack trace (the log has it)."""
        log.exception("unexpected error on %s", request.url.path)
        message = "系统出现意外错误，请稍后再试。"
        return page(request, "message.html", None, 500, title="出错了", message=message)
