"""How a route says what it reads, and how a handler names the people it showed."""

from __future__ import annotations

import contextvars
import uuid
from typing import Any

from fastapi.routing import APIRoute

#: The OpenAPI extension that carries a route's declaration (so the API's readers see it).
EXTENSION = "x-personal-data"
#: Declared by routes whose answers hold nobody's personal data.
NOT_PERSONAL = "none"

_seen: contextvars.ContextVar[list[uuid.UUID] | None] = contextvars.ContextVar(
    "civic_audit_seen", default=None
)


def reads_personal(what: str | None) -> dict[str, Any]:
    """``openapi_extra`` of a route: what personal data it answers with (None: nothing)."""
    if what is not None and (not what.replace("_", "").isalpha() or not what.islower()):
        raise ValueError(f"what a route reads is a lower-case name: {what!r}")
    return {EXTENSION: what or NOT_PERSONAL}


def declared(route: APIRoute) -> str | None:
    """The route's declaration (a name, or ``NOT_PERSONAL``), or None if it made none."""
    extra = route.openapi_extra or {}
    value = extra.get(EXTENSION)
    return str(value) if value is not None else None


def saw(*person_ids: uuid.UUID) -> None:
    """Names people whose data the current answer shows and the answer itself does not name."""
    seen = _seen.get()
    if seen is not None:  # outside an audited request there is nothing to record
        seen.extend(person_ids)


def start_seeing() -> tuple[list[uuid.UUID], contextvars.Token[list[uuid.UUID] | None]]:
    """Opens the list ``saw`` adds to for one request (the middleware's business)."""
    seen: list[uuid.UUID] = []
    return seen, _seen.set(seen)


def stop_seeing(token: contextvars.Token[list[uuid.UUID] | None]) -> None:
    """Closes the request's list."""
    _seen.reset(token)
