"""OpenID Connect sign-in: authorization code with PKCE (S256), state and nonce.

Built on ``httpx`` + PyJWT rather than ``authlib``: both are already dependencies of
``civic`` (PyJWT verifies every service's tokens), the flow is three small requests, and the
checks that matter (RS256 only, issuer, audience = our client id, nonce, a key from the
issuer's JWKS) are spelled out here where a reviewer sees them, with no new dependency.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from console.session import PendingLogin, Session
from console.settings import Settings


class SignInFailed(Exception):
    """The issuer's answer could not be trusted; the user signs in again."""


@dataclass(frozen=True)
class Discovery:
    """The endpoints the issuer announces."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def pkce_challenge(verifier: str) -> str:
    """The S256 challenge of a PKCE verifier."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class OidcClient:
    """Talks to the configured issuer for the console (one confidential client)."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._http = http
        self._discovery: Discovery | None = None

    async def discovery(self) -> Discovery:
        """The issuer's discovery document (read once, then kept)."""
        if self._discovery is None:
            url = f"{self._settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration"
            doc = await self._get_json(url)
            if doc.get("issuer", "").rstrip("/") != self._settings.oidc_issuer.rstrip("/"):
                raise SignInFailed("the discovery document names another issuer")
            self._discovery = Discovery(
                doc["issuer"], doc["authorization_endpoint"], doc["token_endpoint"], doc["jwks_uri"]
            )
        return self._discovery

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url)
            response.raise_for_status()
            body: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInFailed(f"issuer unreachable: {type(exc).__name__}") from exc
        return body

    @staticmethod
    def new_login(next_path: str) -> PendingLogin:
        """Fresh state, nonce and PKCE verifier for one sign-in."""
        return PendingLogin(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            verifier=secrets.token_urlsafe(48),
            next_path=next_path,
        )

    async def authorize_url(self, pending: PendingLogin) -> str:
        """Where to send the browser to sign in."""
        found = await self.discovery()
        query = {
            "response_type": "code",
            "client_id": self._settings.oidc_client_id,
            "redirect_uri": self._settings.oidc_redirect_url,
            "scope": "openid profile",
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": pkce_challenge(pending.verifier),
            "code_challenge_method": "S256",
        }
        return f"{found.authorization_endpoint}?{urlencode(query)}"

    async def finish(self, code: str, pending: PendingLogin) -> Session:
        """Exchanges the code, verifies the id_token and returns the new session."""
        found = await self.discovery()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self._settings.oidc_redirect_url,
            "client_id": self._settings.oidc_client_id,
            "client_secret": self._settings.client_secret(),
            "code_verifier": pending.verifier,
        }
        try:
            response = await self._http.post(found.token_endpoint, data=form)
            response.raise_for_status()
            tokens: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInFailed(f"token exchange failed: {type(exc).__name__}") from exc
        claims = await self.verify_id_token(str(tokens.get("id_token", "")), pending.nonce)
        return session_of(str(tokens.get("access_token", "")), claims)

    async def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        """The id_token's claims, once signature, issuer, audience and nonce are checked."""
        found = await self.discovery()
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            key = await self._key(found.jwks_uri, kid)
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=["RS256"],
                audience=self._settings.oidc_client_id,
                issuer=found.issuer,
                options={"require": ["exp", "iss", "aud", "sub", "nonce"]},
            )
        except jwt.PyJWTError as exc:
            raise SignInFailed(f"id_token refused: {type(exc).__name__}") from exc
        if not secrets.compare_digest(str(claims["nonce"]), nonce):
            raise SignInFailed("id_token nonce does not match")
        return claims

    async def _key(self, jwks_uri: str, kid: str | None) -> Any:
        keys = (await self._get_json(jwks_uri)).get("keys", [])
        for jwk in keys:
            if kid is None or jwk.get("kid") == kid:
                return jwt.PyJWK(jwk, algorithm="RS256").key
        raise SignInFailed("no key of the issuer matches the id_token")


def session_of(access_token: str, id_claims: dict[str, Any]) -> Session:
    """The session for a verified sign-in; roles and division come from the access token.

    The access token is what the services verify; the console reads its claims without
    checking the signature only to label the page and build the navigation, never to allow.
    """
    try:
        access = jwt.decode(access_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise SignInFailed("the access token is not a JWT") from exc
    return Session(
        access_token=access_token,
        user_id=str(id_claims["sub"]),
        roles=tuple(str(r) for r in access.get("roles", [])),
        division=access.get("division"),
        name=id_claims.get("name") or access.get("name"),
        expires_at=int(access.get("exp", 0)),
    )
