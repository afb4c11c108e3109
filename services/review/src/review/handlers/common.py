"""What review's use cases share: the caller's jurisdiction as a filter."""

from __future__ import annotations

from typing import Any

from civic.errors import Forbidden
from civic.idempotency import Retry, request_fingerprint
from civic.security import Principal, ensure_jurisdiction
from review.domain.access import Scope, scope_of


def jurisdiction_scope(principal: Principal, village_code: str | None) -> Scope:
    """The caller's jurisdiction as a filter; the village asked for must lie inside it."""
    found = scope_of(principal.division)
    if found is None:
        raise Forbidden("您的账号未设置有效的管辖区划", code="no_jurisdiction")
    if village_code is not None:
        ensure_jurisdiction(principal, village_code)
    return found


def retry_of(key: str | None, *, scope: str, body: Any) -> Retry | None:
    """The officer's Idempotency-Key (checked by the route) for one request, or None.

    review keys a retry by what it changes (the application or the recipient), not by the
    caller, as it always has: the stored answers keep their scopes across the upgrade."""
    return None if key is None else Retry(scope, key, request_fingerprint(body))
