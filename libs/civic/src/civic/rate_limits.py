"""Per-client rate limits on the public pages and the routes the front-line apps call.

A route opts in with a dependency on its router: ``dependencies=[PUBLIC_RATE_LIMIT]`` for
pages anyone may open (the village notice boards), ``[APP_RATE_LIMIT]`` for the routes the
applicant and coordinator apps call. Each client has a token bucket per kind of route:
it holds up to a minute's worth of requests (``RATE_LIMIT_PUBLIC_PER_MINUTE``,
``RATE_LIMIT_APP_PER_MINUTE``) and refills at that rate; an empty bucket is answered 429
``rate_limited`` with ``Retry-After``.

The client is the token's subject when the token verifies (one user, wherever they are),
else the network address; ``X-Forwarded-For`` is believed only from ``TRUSTED_PROXIES``.
An unverified token does not name a client: otherwise a caller could dodge its address's
bucket by making up a new subject for every request.

The buckets live in this process only: with N instances behind a proxy, a client may make
N times the limit (the proxy, or a shared store, would be the place for an exact one).
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from fastapi import Depends, Request
from starlette.datastructures import Headers
from starlette.types import Scope

from civic import clock
from civic.errors import TooManyRequests, Unauthorized
from civic.security import TokenVerifier

RouteKind = Literal["public", "app"]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Clients remembered per kind of route; the longest idle are forgotten first (their
#: buckets would have refilled by then, or nearly: forgetting errs in the client's favour).
MAX_CLIENTS = 50_000


@dataclass
class _Bucket:
    tokens: float
    at: datetime


class TokenBuckets:
    """One token bucket per client: ``per_minute`` requests at once, refilled at that rate."""

    def __init__(self, *, per_minute: int, max_clients: int = MAX_CLIENTS) -> None:
        self.capacity = float(per_minute)
        self.per_second = per_minute / 60
        self.max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}

    def take(self, client: str) -> int:
        """Takes a request from ``client``'s bucket: 0 if it may pass, else seconds to wait."""
        now = clock.now()
        bucket = self._buckets.pop(client, None) or _Bucket(self.capacity, now)
        self._buckets[client] = bucket  # the most recently seen last
        # The one clock, so tests can move time; a clock set back refills nothing.
        elapsed = max((now - bucket.at).total_seconds(), 0.0)
        bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.per_second)
        bucket.at = now
        while len(self._buckets) > self.max_clients:
            del self._buckets[next(iter(self._buckets))]
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / self.per_second))


class RateLimits:
    """The buckets of each kind of route (a kind with no limit has none)."""

    def __init__(
        self,
        *,
        per_minute: dict[RouteKind, int],
        verifier: TokenVerifier,
        trusted_proxies: Sequence[IPNetwork] = (),
    ) -> None:
        self.buckets = {
            kind: TokenBuckets(per_minute=limit) for kind, limit in per_minute.items() if limit
        }
        self.verifier = verifier
        self.trusted_proxies = tuple(trusted_proxies)

    def client_of(self, request: Request) -> str:
        """Whose bucket a request takes from: the token's subject, else the address."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            with contextlib.suppress(Unauthorized):
                return f"user:{self.verifier.verify(token.strip()).user_id}"
        return f"address:{client_address(request.scope, self.trusted_proxies)}"

    def check(self, kind: RouteKind, request: Request) -> None:
        """Raises TooManyRequests when the request's client has used up its bucket."""
        buckets = self.buckets.get(kind)
        if buckets is None:
            return
        wait_s = buckets.take(self.client_of(request))
        if wait_s:
            raise TooManyRequests(
                f"请求过于频繁，请 {wait_s} 秒后重试",
                headers={"Retry-After": str(wait_s)},
                extra={"retry_after_s": wait_s},
            )


def client_address(scope: Scope, trusted_proxies: Sequence[IPNetwork]) -> str:
    """The client's address: the peer, or, behind trusted proxies, whom the nearest
    untrusted hop in ``X-Forwarded-For`` names (entries to its left are the client's word)."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if not _trusted(peer, trusted_proxies):
        return str(peer)
    hops = _forwarded_for(Headers(scope=scope).getlist("x-forwarded-for"))
    for hop in reversed(hops):
        if not _trusted(hop, trusted_proxies):
            return hop
    return hops[0] if hops else str(peer)


def _forwarded_for(values: Iterable[str]) -> list[str]:
    return [hop.strip() for value in values for hop in value.split(",") if hop.strip()]


def _trusted(address: str, trusted_proxies: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_proxies)


def rate_limited(kind: RouteKind) -> Any:
    """A router dependency that takes one request from the client's bucket of ``kind``."""

    async def take_one(request: Request) -> None:
        limits: RateLimits = request.app.state.rate_limits
        limits.check(kind, request)

    return Depends(take_one)


#: For pages anyone may open without logging in (clients are mostly addresses).
PUBLIC_RATE_LIMIT = rate_limited("public")
#: For the routes the applicant and coordinator apps call (clients are mostly users).
APP_RATE_LIMIT = rate_limited("app")
