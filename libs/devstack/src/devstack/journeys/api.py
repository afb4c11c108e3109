"""HTTP calls the front-line apps and staff make, with tokens from the stack's keys."""

from __future__ import annotations

from typing import Any

import httpx

from devstack.stack import Stack


class Api:
    """A small client for one running stack."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def token(
        self,
        *,
        roles: list[str],
        division: str | None = None,
        user_id: str = "e2e-user",
        provider_code: str | None = None,
    ) -> str:
        """Mints a token the services accept."""
        return self.stack.mint(
            user_id=user_id, roles=roles, division=division, provider_code=provider_code
        )

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Calls a service's HTTP API."""
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        async with httpx.AsyncClient(base_url=self.stack.service_url(service), timeout=30) as c:
            return await c.request(method, path, json=json, headers=all_headers)
