"""Calling the six services with the signed-in user's token.

One ``httpx.AsyncClient`` per service (its own connection pool and base URL). Every call
answers a ``Reply``: the JSON body, or a ``Shown`` message — the problem document's Chinese
text, or "某某服务暂不可用" when the service is down, failing (5xx) or slow — so a page can
show what one service said in the part it affects while the rest of the page works. A 401
means the token no longer works: the caller is sent to sign in again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from console import problems
from console.problems import Shown
from console.session import Session
from console.settings import SERVICES, Settings

log = logging.getLogger(__name__)


class SignInRequired(Exception):
    """The session is missing or its token is no longer accepted."""


@dataclass(frozen=True)
class Reply:
    """A service's answer: ``data`` when it succeeded, else ``shown``."""

    status: int
    data: Any = None
    shown: Shown | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return self.shown is None

    @property
    def page_status(self) -> int:
        """The status of a page showing this refusal: the service's 4xx, else 503 (the
        service failed or was away; the console itself did not)."""
        return self.status if 400 <= self.status < 500 else 503


class ServiceClients:
    """The console's clients of the six services."""

    def __init__(
        self, settings: Settings, transports: Mapping[str, httpx.AsyncBaseTransport] | None = None
    ) -> None:
        transports = transports or {}
        self._clients = {
            name: httpx.AsyncClient(
                base_url=settings.service_url(name),
                timeout=settings.service_timeout_s,
                transport=transports.get(name),
            )
            for name in SERVICES
        }

    async def aclose(self) -> None:
        """Closes every client."""
        for client in self._clients.values():
            await client.aclose()

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        session: Session,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Calls ``service`` as the signed-in user; never raises for the service's answer."""
        sent = {"Authorization": f"Bearer {session.access_token}", **(headers or {})}
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = await self._clients[service].request(
                method, path, params=query, json=json, headers=sent
            )
        except httpx.HTTPError as exc:  # refused, reset, timed out: the service is away
            log.warning("%s unavailable: %s", service, type(exc).__name__)
            return Reply(503, shown=problems.unavailable(service))
        return reply_of(service, response)

    async def raw(
        self,
        service: str,
        method: str,
        path: str,
        session: Session,
        *,
        with_token: bool = True,
        headers: Mapping[str, str] | None = None,
        **kw: Any,
    ) -> httpx.Response | None:
        """The service's answer as it came (a file, HTML, metrics text); None when the service
        cannot be reached. ``with_token=False`` sends no user token (``headers`` only)."""
        user = {"Authorization": f"Bearer {session.access_token}"} if with_token else {}
        headers = {**user, **(headers or {})}
        try:
            return await self._clients[service].request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:  # refused, reset, timed out: the service is away
            log.warning("%s unavailable: %s", service, type(exc).__name__)
            return None

    async def get(self, service: str, path: str, session: Session, **kw: Any) -> Reply:
        """A GET as the signed-in user."""
        return await self.call(service, "GET", path, session, **kw)

    async def post(self, service: str, path: str, session: Session, **kw: Any) -> Reply:
        """A POST as the signed-in user."""
        return await self.call(service, "POST", path, session, **kw)


def reply_of(service: str, response: httpx.Response) -> Reply:
    """Turns a service's HTTP answer into a ``Reply`` (401 → sign in again)."""
    status = response.status_code
    if status == 401:
        raise SignInRequired
    if status >= 500:
        log.warning("%s answered %s", service, status)
        return Reply(status, shown=problems.unavailable(service))
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    if status >= 400:
        return Reply(status, shown=problems.from_problem(status, body))
    return Reply(status, data=body)
