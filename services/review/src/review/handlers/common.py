"""What review's use cases share: refusals as problem documents, the caller's scope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from civic.errors import Conflict, Forbidden, Unprocessable
from civic.security import Principal, ensure_jurisdiction
from review.domain.access import Scope, scope_of
from review.domain.case import RuleViolation, StateConflict


@contextmanager
def refusals() -> Iterator[None]:
    """Turns the domain's refusals into problem documents (409 or 422)."""
    try:
        yield
    except StateConflict as exc:
        raise Conflict(exc.message_zh, code=exc.code, extra=exc.extra) from exc
    except RuleViolation as exc:
        raise Unprocessable(exc.message_zh, code=exc.code, field=exc.field) from exc


def jurisdiction_scope(principal: Principal, village_code: str | None) -> Scope:
    """The caller's jurisdiction as a filter; the village asked for must lie inside it."""
    found = scope_of(principal.division)
    if found is None:
        raise Forbidden("您的账号未设置有效的管辖区划", code="no_jurisdiction")
    if village_code is not None:
        ensure_jurisdiction(principal, village_code)
    return found
