"""What each service's read-audit test shares: call every route that reads personal data,
then find the line each call left, by person and by user, through ``/audit/reads``.

A service's test gives one call per audited route (``AuditedCall``); ``check_reads`` fails
for an audited route the test has no call for, so a new route cannot skip its audit test.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from civic.audit.rules import audited_routes


@dataclass(frozen=True)
class AuditedCall:
    """One call of an audited route as ``user_id``, and whose data its answer shows."""

    call: Callable[[], Awaitable[httpx.Response]]
    user_id: str
    #: The person the answer is about; None where it names no recipient (a provider's staff).
    person_id: uuid.UUID | str | None


async def check_reads(
    client: httpx.AsyncClient,
    calls: Mapping[str, AuditedCall],
    *,
    auditor: dict[str, str],
) -> list[str]:
    """Makes every call (in the mapping's order, ``GET /audit/reads`` last) and returns what
    is wrong: uncovered routes, lines not found."""
    app: Any = client._transport.app  # type: ignore[attr-defined]
    expected = audited_routes(app.routes)
    problems = [f"{key}: no call in the test" for key in sorted(set(expected) - set(calls))]
    problems += [f"{key}: not an audited route" for key in sorted(set(calls) - set(expected))]
    # The auditors' own route last, so it has the other reads to find.
    for key, audited in sorted(calls.items(), key=lambda item: item[0] == "GET /audit/reads"):
        if key in expected:
            problems += await _check_one(client, key, audited, auditor=auditor)
    return problems


async def _check_one(
    client: httpx.AsyncClient, key: str, audited: AuditedCall, *, auditor: dict[str, str]
) -> list[str]:
    response = await audited.call()
    if not response.is_success:
        return [f"{key}: the call itself failed ({response.status_code} {response.text[:200]})"]
    by_user = await reads(client, auditor, user_id=audited.user_id)
    mine = [line for line in by_user if line["route"] == key]
    if not mine:
        return [f"{key}: no line for user {audited.user_id}"]
    if audited.person_id is None:
        return []
    person = str(audited.person_id)
    if not any(person in line["person_ids"] for line in mine):
        return [f"{key}: the line does not name person {person}"]
    by_person = await reads(client, auditor, person_id=person)
    if not any(line["read_id"] == mine[0]["read_id"] for line in by_person):
        return [f"{key}: the line is not found by person {person}"]
    return []


async def reads(client: httpx.AsyncClient, auditor: dict[str, str], **query: str) -> list[Any]:
    """The audit lines of this service that match ``query`` (the first 200, newest first)."""
    response = await client.get("/audit/reads", params={**query, "size": 200}, headers=auditor)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items
