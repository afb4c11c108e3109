"""The signed-in user's session, sealed in a cookie, and the CSRF token that goes with it.

The cookie is Fernet-encrypted (AES-128-CBC + HMAC-SHA256, from ``cryptography``): the
browser holds the access token but can neither read nor change it, and the console keeps no
session table (it owns no data). HTTP-only, SameSite=Lax, Secure outside local over http.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from fastapi import Request, Response

from civic.clock import machine_now
from contracts.enums import Role

SESSION_COOKIE = "console_session"
LOGIN_COOKIE = "console_login"
#: Where the CSRF token travels: a hidden form field, or this header on htmx requests.
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_TTL_S = 600


@dataclass(frozen=True)
class Session:
    """Who is signed in, with the token the services accept, until ``expires_at``."""

    access_token: str
    user_id: str
    roles: tuple[str, ...]
    division: str | None
    name: str | None
    expires_at: int  # seconds since the epoch, as the token's ``exp``
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def expired(self) -> bool:
        """True once the access token has expired (the services would refuse it)."""
        # The services' PyJWT compares ``exp`` with the machine's time, so do we.
        return machine_now().timestamp() >= self.expires_at

    def has_role(self, role: Role) -> bool:
        """True if the user holds ``role``."""
        return role.value in self.roles

    def role_labels(self) -> str:
        """The user's roles in Chinese, for the header."""
        labels = []
        for code in self.roles:
            try:
                labels.append(Role(code).label_zh)
            except ValueError:
                labels.append(code)
        return "、".join(labels)


@dataclass(frozen=True)
class PendingLogin:
    """What /auth/login remembers until the issuer sends the user back."""

    state: str
    nonce: str
    verifier: str
    next_path: str


class Sealer:
    """Seals and opens cookie values with the session key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, value: dict[str, Any]) -> str:
        """Encrypts and signs ``value``."""
        return self._fernet.encrypt(json.dumps(value).encode()).decode()

    def open(self, token: str | None, *, ttl_s: int | None = None) -> dict[str, Any] | None:
        """The value sealed in ``token``, or None if it is missing, forged or too old."""
        if not token:
            return None
        try:
            raw = (
                self._fernet.decrypt_at_time(
                    token.encode(), ttl=ttl_s, current_time=int(machine_now().timestamp())
                )
                if ttl_s is not None
                else self._fernet.decrypt(token.encode())
            )
            value = json.loads(raw)
        except (InvalidToken, ValueError):
            return None
        return value if isinstance(value, dict) else None


class Cookies:
    """Reads and writes the console's two cookies."""

    def __init__(self, sealer: Sealer, *, secure: bool) -> None:
        self._sealer = sealer
        self._secure = secure

    def _set(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            secure=self._secure,
            samesite="lax",
            path="/",
        )

    def session(self, request: Request) -> Session | None:
        """The session in the request's cookie, or None (expired ones included)."""
        value = self._sealer.open(request.cookies.get(SESSION_COOKIE))
        if value is None:
            return None
        try:
            value["roles"] = tuple(value["roles"])
            return Session(**value)
        except TypeError:
            return None

    def start(self, response: Response, session: Session) -> None:
        """Writes the session cookie; it lives as long as the access token."""
        max_age = max(0, session.expires_at - int(machine_now().timestamp()))
        self._set(response, SESSION_COOKIE, self._sealer.seal(asdict(session)), max_age)
        response.delete_cookie(LOGIN_COOKIE, path="/")

    def end(self, response: Response) -> None:
        """Clears the session (sign-out)."""
        response.delete_cookie(SESSION_COOKIE, path="/", secure=self._secure, httponly=True)

    def remember_login(self, response: Response, pending: PendingLogin) -> None:
        """Keeps state, nonce and the PKCE verifier for the callback."""
        self._set(response, LOGIN_COOKIE, self._sealer.seal(asdict(pending)), LOGIN_TTL_S)

    def pending_login(self, request: Request) -> PendingLogin | None:
        """What /auth/login remembered, if it is recent and unforged."""
        value = self._sealer.open(request.cookies.get(LOGIN_COOKIE), ttl_s=LOGIN_TTL_S)
        try:
            return PendingLogin(**value) if value is not None else None
        except TypeError:
            return None


def csrf_matches(session: Session | None, sent: str | None) -> bool:
    """True when ``sent`` is the session's CSRF token (compared in constant time)."""
    if session is None or not sent:
        return False
    return secrets.compare_digest(session.csrf.encode(), sent.encode())
