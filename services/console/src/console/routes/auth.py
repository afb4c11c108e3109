"""Sign-in, its callback and sign-out."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console.oidc import SignInFailed
from console.web import page, runtime_of

router = APIRouter(prefix="/auth")
log = logging.getLogger(__name__)


def _safe_next(value: str | None) -> str:
    # Only a path on this site: never an open redirect to another host.
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


@router.get("/login")
async def login(request: Request, next: str | None = None) -> Response:
    """Starts the OIDC authorization-code flow (PKCE, state, nonce)."""
    rt = runtime_of(request)
    pending = rt.oidc.new_login(_safe_next(next))
    try:
        target = await rt.oidc.authorize_url(pending)
    except SignInFailed as exc:
        log.warning("sign-in unavailable: %s", exc)
        return _failed(request, "登录服务暂不可用，请稍后再试")
    response = RedirectResponse(target, status_code=303)
    rt.cookies.remember_login(response, pending)
    return response


@router.get("/callback")
async def callback(request: Request, code: str | None = None, state: str | None = None) -> Response:
    """Takes the issuer's code back: checks state, exchanges it, starts the session."""
    rt = runtime_of(request)
    pending = rt.cookies.pending_login(request)
    if pending is None or not code or not state:
        return _failed(request, "登录已超时或无效，请重新登录")
    if not secrets.compare_digest(pending.state, state):
        return _failed(request, "登录请求不匹配，请重新登录")
    try:
        session = await rt.oidc.finish(code, pending)
    except SignInFailed as exc:
        log.warning("sign-in refused: %s", exc)
        return _failed(request, "登录未成功，请重新登录")
    response = RedirectResponse(pending.next_path, status_code=303)
    rt.cookies.start(response, session)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Signs out: the session cookie is cleared (the CSRF check ran before this)."""
    response = RedirectResponse("/signed-out", status_code=303)
    runtime_of(request).cookies.end(response)
    return response


def _failed(request: Request, message: str) -> HTMLResponse:
    return page(request, "message.html", None, 400, title="登录未成功", message=message)
