"""The middleware that holds an answer holding personal data until its read is recorded.

The line is written (and its event put in the outbox) before the answer leaves: if the
audit cannot be written, the caller gets a 503 and no personal data, never data unaudited.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute
from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic import clock
from civic.audit import store
from civic.audit.marks import NOT_PERSONAL, declared, start_seeing, stop_seeing
from civic.errors import Unavailable, problem_response
from civic.rate_limits import client_address
from civic.security import Principal
from contracts.audit import MAX_PEOPLE_PER_READ, PersonalDataRead

log = logging.getLogger(__name__)

#: A caller may say why it reads (percent-encoded UTF-8), e.g. 入户核查.
PURPOSE_HEADER = "x-access-purpose"


class AuditReads:
    """ASGI middleware: records every successful answer of a route that reads personal data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen, token = start_seeing()
        answer = _HeldAnswer(scope, receive, send, seen)
        try:
            await self.app(scope, receive, answer.send)
        finally:
            stop_seeing(token)


class _HeldAnswer:
    """Passes an answer through, or holds it whole while its read is recorded."""

    def __init__(self, scope: Scope, receive: Receive, send: Send, seen: list[uuid.UUID]) -> None:
        self.scope, self.receive, self.downstream, self.seen = scope, receive, send, seen
        self.what: str | None = None
        self.start: Message | None = None
        self.body: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.what = _what_is_read(self.scope, message["status"])
            if self.what is not None:
                self.start = message
                return
        if self.start is None or message["type"] != "http.response.body":
            await self.downstream(message)
            return
        self.body.append(message.get("body", b""))
        if not message.get("more_body", False):
            await self._release()

    async def _release(self) -> None:
        assert self.start is not None
        assert self.what is not None
        body = b"".join(self.body)
        try:
            await record_read(self.scope, what=self.what, people=self._people(body))
        except Exception:  # an unaudited read must not leave
            log.exception("read audit not written; answer withheld")
            refusal = Unavailable(
                "访问记录暂时无法写入，未返回个人信息，请稍后重试", code="audit_unavailable"
            )
            await problem_response(refusal)(self.scope, self.receive, self.downstream)
            return
        await self.downstream(self.start)
        await self.downstream({"type": "http.response.body", "body": body})

    def _people(self, body: bytes) -> list[uuid.UUID]:
        people = list(self.seen)
        people += _uuids(self.scope.get("path_params", {}).get("person_id"))
        if _is_json(self.start):
            people += _person_ids_in(json.loads(body or b"null"))
        return list(dict.fromkeys(people))


def _what_is_read(scope: Scope, status: int) -> str | None:
    route = scope.get("route")
    if not isinstance(route, APIRoute) or not 200 <= status < 300:
        return None
    what = declared(route)
    return None if what in (None, NOT_PERSONAL) else what


def _is_json(start: Message | None) -> bool:
    headers = dict((start or {}).get("headers", []))
    return b"json" in headers.get(b"content-type", b"")


def _person_ids_in(value: Any) -> Iterator[uuid.UUID]:
    """Every ``person_id``/``*_person_id`` and ``person_ids`` value in a JSON document."""
    if isinstance(value, list):
        for item in value:
            yield from _person_ids_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "person_id" or key.endswith("_person_id") or key.endswith("person_ids"):
                yield from _uuids(item)
            else:
                yield from _person_ids_in(item)


def _uuids(value: Any) -> list[uuid.UUID]:
    values = value if isinstance(value, list) else [value]
    found = []
    for item in values:
        try:
            found.append(item if isinstance(item, uuid.UUID) else uuid.UUID(str(item)))
        except ValueError:
            continue
    return [] if value is None else found


async def record_read(scope: Scope, *, what: str, people: list[uuid.UUID]) -> None:
    """Writes the read's lines and their events in one transaction (one line per 500 people)."""
    runtime = scope["app"].state.runtime
    principal: Principal | None = scope.get("state", {}).get("principal")
    uow = runtime.uow()
    async with uow:
        for start in range(0, max(len(people), 1), MAX_PEOPLE_PER_READ):
            line = _line(scope, principal, what, people[start : start + MAX_PEOPLE_PER_READ])
            await store.add(uow.session, line)
            uow.emit(_event(line, producer=runtime.settings.service_name))
        await uow.commit()


def _line(
    scope: Scope, principal: Principal | None, what: str, people: list[uuid.UUID]
) -> store.ReadLine:
    route = scope["route"]
    ctx = trace.get_current_span().get_span_context()
    settings = scope["app"].state.runtime.settings
    return store.ReadLine(
        read_id=uuid.uuid4(),
        read_at=clock.now(),
        user_id=principal.user_id if principal else "anonymous",
        roles=tuple(sorted(r.value for r in principal.roles)) if principal else (),
        division=principal.division if principal else None,
        provider_code=principal.provider_code if principal else None,
        what=what,
        route=f"{scope['method']} {route.path}",
        person_ids=tuple(people),
        client=client_address(scope, settings.trusted_proxies)[:64],
        purpose=_purpose(scope),
        trace_id=format(ctx.trace_id, "032x") if ctx.is_valid else None,
    )


def _purpose(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == PURPOSE_HEADER.encode():
            text = urllib.parse.unquote(value.decode("latin-1"), errors="replace").strip()
            return text[:200] or None
    return None


def _event(line: store.ReadLine, *, producer: str) -> PersonalDataRead:
    fields = vars(line) | {"subject_key": line.user_id, "occurred_at": line.read_at}
    del fields["read_at"]
    return PersonalDataRead(producer=producer, **fields)  # type: ignore[arg-type]
