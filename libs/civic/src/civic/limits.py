"""Request bodies limited in size before anything reads them (413, a problem document).

FastAPI reads a route's body (JSON, or a multipart upload spooled to disk) before it solves
the route's dependencies, the bearer token among them: without a limit, a stranger's 3 GB
upload is read in full before the 401. This middleware sits under every route: it refuses
a request whose ``Content-Length`` is over the limit without reading a byte, and counts the
bytes of a streamed (chunked) body, stopping at the first chunk past the limit.

Every route shares one limit (``HTTP_BODY_MAX_BYTES``); a route that takes more (archive's
document upload) is given its own in ``create_service_app(..., body_limits={path: bytes})``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic.errors import ContentTooLarge, problem_response


class BodySizeLimit:
    """Pure ASGI middleware: a body over its route's limit is answered 413, unread."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, body_limits: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Route templates ("/files/{file_id}/documents") as the router matches them.
        self.larger: list[tuple[re.Pattern[str], int]] = [
            (compile_path(path)[0], limit) for path, limit in (body_limits or {}).items()
        ]

    def limit_for(self, path: str) -> int:
        """The most bytes a request to ``path`` may carry."""
        return next((limit for route, limit in self.larger if route.match(path)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(_route_path(scope))
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            # Nothing was received yet, so a client that sent "Expect: 100-continue"
            # never sends the body at all.
            await too_large(limit, scope, receive, send)
            return
        await _CountedBody(self.app, limit).serve(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path as the router matches it (without the prefix a proxy mounts the app at)."""
    root, path = scope.get("root_path", ""), scope["path"]
    return path[len(root) :] if root and path.startswith(root) else path


def declared_length(scope: Scope) -> int | None:
    """The request's ``Content-Length``, if it has a readable one."""
    value = Headers(scope=scope).get("content-length")
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


async def too_large(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    """Answers 413 with the problem document."""
    refusal = ContentTooLarge(
        f"请求内容过大：不得超过 {_readable(limit)}，未作任何保存",
        field="body",
        extra={"max_bytes": limit},
        # Otherwise the server keeps the connection and reads the rest of the body only to
        # throw it away: closing it stops a 3 GB upload at the limit on the wire as well.
        headers={"Connection": "close"},
    )
    await problem_response(refusal)(scope, receive, send)


def _readable(size: int) -> str:
    """``1 MB``, ``10.1 MB``, ``64 KB``: a size a window clerk can read."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{size / 1024:.0f} KB"


class _PastTheLimit(Exception):
    """Raised into whoever reads the body once it has passed the limit."""


class _CountedBody:
    """One request whose body is counted as the app reads it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.received = 0
        self.past_the_limit = False
        self.app_answered = False  # the app's own answer had begun before the limit was passed
        self.refused = False

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Runs the app; once the body passed the limit, the answer is the 413."""

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
                if self.received > self.limit:
                    self.past_the_limit = True
                    raise _PastTheLimit  # the rest of the body is never read
            return message

        async def guarded_send(message: Message) -> None:
            if self.past_the_limit and not self.app_answered:
                # Whatever the app made of the aborted read (FastAPI answers 400 for a body
                # it could not read), the client is told why: 413.
                await self.refuse(scope, receive, send)
                return
            self.app_answered = self.app_answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not self.past_the_limit or self.app_answered:
                raise
            await self.refuse(scope, receive, send)

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Sends the 413, once."""
        if not self.refused:
            self.refused = True
            await too_large(self.limit, scope, receive, send)
