"""A development OpenID Connect issuer: pick a role and a division, get the platform's tokens.

Local only. It signs with the development RSA key (``devstack.tokens``): the access token is
exactly what ``devstack token`` mints (issuer ``chizhou-assistance-dev``, audience
``chizhou-assistance``), so the six services accept it; the id_token is a standard OIDC one
(issuer = this server's URL, audience = the client id, the client's nonce). Codes are kept in
memory, used once, and need the PKCE verifier (S256) and the client's secret.

``create_app`` refuses to build, and every request is refused, when ``ENVIRONMENT`` is staging
or production: a picker of roles must never face real users.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from civic.clock import machine_now
from contracts import divisions
from contracts.enums import Role
from devstack import tokens

REFUSED_ENVIRONMENTS = ("staging", "production")
CODE_TTL_S = 120
#: Roles staff sign in with (the applicant app and providers have their own sign-in).
STAFF_ROLES = (
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.VILLAGE_STAFF,
    Role.COORDINATOR,
    Role.AUDITOR,
    Role.CHECKER,
    Role.ADMIN,
)


class RefusedEnvironment(RuntimeError):
    """The development issuer was asked to run where real users are."""


def ensure_local(environment: str | None) -> None:
    """Raises unless ``environment`` allows the development issuer."""
    if (environment or "").strip().lower() in REFUSED_ENVIRONMENTS:
        raise RefusedEnvironment(f"the development sign-in is refused in {environment}")


@dataclass(frozen=True)
class Client:
    """The one client the issuer serves (the console)."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]


@dataclass
class _Grant:
    claims: dict[str, Any]
    redirect_uri: str
    nonce: str
    challenge: str
    expires: float


@dataclass
class _Issuer:
    url: str
    state_dir: Path
    client: Client
    codes: dict[str, _Grant] = field(default_factory=dict)

    def kid(self) -> str:
        der = self._public().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return hashlib.sha256(der).hexdigest()[:16]

    def _public(self) -> Any:
        pem = tokens.public_key_path(self.state_dir).read_bytes()
        return serialization.load_pem_public_key(pem)

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(self._public(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid(), "use": "sig", "alg": "RS256"}]}

    def id_token(self, grant: _Grant) -> str:
        now = int(machine_now().timestamp())
        claims = {
            **grant.claims,
            "iss": self.url,
            "aud": self.client.client_id,
            "nonce": grant.nonce,
            "iat": now,
            "exp": now + 600,
        }
        key = tokens.private_key_path(self.state_dir).read_bytes()
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid()})


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _option(code: str, label: str, chosen: str) -> str:
    selected = " selected" if code == chosen else ""
    return f'<option value="{html.escape(code)}"{selected}>{html.escape(label)}</option>'


def _division_options(chosen: str) -> str:
    wanted = (divisions.DivisionLevel.COUNTY, divisions.DivisionLevel.TOWNSHIP)
    rows = [d for d in divisions.table() if d.level in wanted]
    return "".join(
        _option(d.code, f"{divisions.full_name_zh(d.code)}（{d.code}）", chosen) for d in rows
    )


def _page(params: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items()
    )
    roles = "".join(_option(r.value, r.label_zh, "township_officer") for r in STAFF_ROLES)
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>开发环境登录</title><meta name="viewport" content="width=device-width, initial-scale=1">
<style>*{{box-sizing:border-box}}
body{{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}}
label{{display:block;margin-top:1rem;font-weight:bold}}input,select,button{{font-size:1rem;
width:100%;padding:.4rem;margin-top:.3rem}}:focus{{outline:3px solid #1a5fb4;outline-offset:2px}}
.warn{{background:#fff3cd;padding:.6rem}}</style></head><body><main>
<h1>开发环境登录</h1><p class="warn">仅供本地开发使用：选择角色与辖区即可登录，生产环境不可用。</p>
<form method="post" action="/authorize">{hidden}
<label for="user_id">用户编号</label><input id="user_id" name="user_id" value="officer-1" required>
<label for="name">姓名</label><input id="name" name="name" value="测试人员" required>
<label for="role">角色</label><select id="role" name="role">{roles}</select>
<label for="division">辖区</label><select id="division" name="division">
{_division_options("341702100")}</select>
<button type="submit">登录</button></form></main></body></html>"""


def _authorize_params(request: Request) -> dict[str, str]:
    keep = ("client_id", "redirect_uri", "state", "nonce", "code_challenge", "response_type")
    return {k: request.query_params.get(k, "") for k in keep}


def create_app(
    *,
    state_dir: Path,
    url: str,
    client: Client,
    environment: str | None = None,
) -> FastAPI:
    """The issuer at ``url`` (its public address), refused outside local environments."""
    environment = environment if environment is not None else os.environ.get("ENVIRONMENT")
    ensure_local(environment)
    tokens.ensure_keys(state_dir)
    issuer = _Issuer(url.rstrip("/"), Path(state_dir), client)
    app = FastAPI(title="开发环境登录 (development OIDC issuer)", docs_url=None, redoc_url=None)

    @app.middleware("http")
    async def refuse_outside_local(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Refuses every request once the environment says staging or production."""
        try:
            ensure_local(os.environ.get("ENVIRONMENT"))
        except RefusedEnvironment:
            return JSONResponse({"error": "开发环境登录在此环境中不可用"}, status_code=403)
        return await call_next(request)

    _routes(app, issuer)
    return app


def _routes(app: FastAPI, issuer: _Issuer) -> None:
    @app.get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, Any]:
        """The OIDC discovery document."""
        return {
            "issuer": issuer.url,
            "authorization_endpoint": f"{issuer.url}/authorize",
            "token_endpoint": f"{issuer.url}/token",
            "jwks_uri": f"{issuer.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    @app.get("/jwks")
    async def jwks() -> dict[str, Any]:
        """The public key that signs both tokens."""
        return issuer.jwks()

    @app.get("/authorize", response_class=HTMLResponse)
    async def authorize_form(request: Request) -> HTMLResponse:
        """The Chinese form that picks a user, a role and a division."""
        params = _authorize_params(request)
        _check_request(issuer, params)
        return HTMLResponse(_page(params))

    @app.post("/authorize")
    async def authorize(request: Request) -> RedirectResponse:
        """Issues a one-time code for the picked identity and returns to the client."""
        form = {k: str(v) for k, v in (await request.form()).items()}
        _check_request(issuer, form)
        code = secrets.token_urlsafe(24)
        issuer.codes[code] = _Grant(
            claims=_claims(form),
            redirect_uri=form["redirect_uri"],
            nonce=form.get("nonce", ""),
            challenge=form["code_challenge"],
            expires=machine_now().timestamp() + CODE_TTL_S,
        )
        query = urlencode({"code": code, "state": form.get("state", "")})
        return RedirectResponse(f"{form['redirect_uri']}?{query}", status_code=303)

    @app.post("/token")
    async def token(
        grant_type: str = Form(),
        code: str = Form(),
        redirect_uri: str = Form(),
        client_id: str = Form(),
        client_secret: str = Form(),
        code_verifier: str = Form(),
    ) -> JSONResponse:
        """Exchanges a code (once) for an id_token and the platform's access token."""
        grant = issuer.codes.pop(code, None)
        ok = (
            grant is not None
            and grant_type == "authorization_code"
            and client_id == issuer.client.client_id
            and secrets.compare_digest(client_secret, issuer.client.client_secret)
            and redirect_uri == grant.redirect_uri
            and grant.expires > machine_now().timestamp()
            and secrets.compare_digest(_s256(code_verifier), grant.challenge)
        )
        if not ok or grant is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        c = grant.claims
        access = tokens.mint(
            issuer.state_dir,
            user_id=c["sub"],
            roles=c["roles"],
            division=c["division"],
            name=c["name"],
        )
        body = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
        return JSONResponse({**body, "id_token": issuer.id_token(grant)})


def _check_request(issuer: _Issuer, params: dict[str, str]) -> None:
    if params.get("client_id") != issuer.client.client_id:
        raise HTTPException(400, "未知的客户端")
    if params.get("redirect_uri") not in issuer.client.redirect_uris:
        raise HTTPException(400, "回调地址未登记")
    if params.get("response_type", "code") != "code" or not params.get("code_challenge"):
        raise HTTPException(400, "需要授权码流程与 PKCE (S256)")


def _claims(form: dict[str, str]) -> dict[str, Any]:
    try:
        role = Role(form.get("role", ""))
    except ValueError as exc:
        raise HTTPException(400, "角色无效") from exc
    division = form.get("division") or None
    if division is not None and not tokens.DIVISION.match(division):
        raise HTTPException(400, "辖区代码无效")
    return {
        "sub": form.get("user_id") or "officer-1",
        "name": form.get("name") or None,
        "roles": [role.value],
        "division": division,
    }
