"""Bearer tokens, roles and jurisdiction checks for every HTTP API.

A principal is a user with roles and either a jurisdiction (a division code: a county,
a township or a village, or the city) or, for providers, a provider code. Tokens are
RS256 JWTs signed by the configured issuer; services hold only its public key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from civic.errors import Forbidden, Unauthorized
from contracts import divisions
from contracts.enums import Role

_bearer = HTTPBearer(auto_error=False, description="JWT issued by the county's identity service")


@dataclass(frozen=True)
class Principal:
    """Who is calling: user id, roles, and where they may act."""

    user_id: str
    roles: frozenset[Role]
    division: str | None = None
    provider_code: str | None = None
    name: str | None = None

    def has_any(self, *roles: Role) -> bool:
        """True if the principal holds one of ``roles``."""
        return bool(self.roles.intersection(roles))

    def covers(self, division_code: str) -> bool:
        """True if ``division_code`` lies inside the principal's jurisdiction."""
        if self.division is None:
            return False
        return divisions.contains(self.division, division_code)


class TokenVerifier:
    """Checks signature, expiry, issuer and audience, and reads the principal."""

    def __init__(self, public_key_pem: str, *, issuer: str, audience: str) -> None:
        self._key = public_key_pem
        self._issuer = issuer
        self._audience = audience

    def verify(self, token: str) -> Principal:
        """Returns the principal of a valid token; raises Unauthorized otherwise."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["RS256"],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp", "iss", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("登录已过期，请重新登录", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("令牌无效", code="token_invalid") from exc
        try:
            roles = frozenset(Role(r) for r in claims.get("roles", []))
        except ValueError as exc:
            raise Unauthorized("令牌中的角色无效", code="token_invalid") from exc
        return Principal(
            user_id=str(claims["sub"]),
            roles=roles,
            division=claims.get("division"),
            provider_code=claims.get("provider_code"),
            name=claims.get("name"),
        )


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Reads and verifies the bearer token of the request."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("需要登录后访问", code="token_missing")
    verifier: TokenVerifier = request.app.state.runtime.verifier
    principal = verifier.verify(credentials.credentials)
    request.state.principal = principal  # who reads, for the read audit (civic.audit)
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """Builds a dependency that admits only principals holding one of ``roles``."""

    async def dependency(principal: PrincipalDep) -> Principal:
        if not principal.has_any(*roles):
            allowed = "、".join(r.label_zh for r in roles)
            raise Forbidden(f"当前角色无权执行此操作（需要：{allowed}）", code="role_forbidden")
        return principal

    return dependency


def ensure_jurisdiction(principal: Principal, division_code: str) -> None:
    """Raises Forbidden unless ``division_code`` lies inside the principal's jurisdiction."""
    if not principal.covers(division_code):
        raise Forbidden("该事项不在您的管辖范围内", code="outside_jurisdiction")
