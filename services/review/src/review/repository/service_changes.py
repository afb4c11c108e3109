"""Queries and writes of service change requests and a recipient's approved services."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from review.adapters.sealing import open_values, seal_values
from review.domain.access import ChangeQuery, Scope
from review.domain.decision import Recipient
from review.domain.service_change import ChangeRequest, ChangeState
from review.orm import recipient, recipient_item, service_change
from review.repository.common import page, plain, within

_PROPOSAL = ("reason_code", "reason_zh", "effective_date", "self_care_level", "note_zh")


def _values(req: ChangeRequest) -> dict[str, Any]:
    """The row of a request, its reason, note and refusal sealed to it."""
    p = req.proposal
    values = {
        **req.model_dump(exclude={"proposal", "outcome", "state", "source"}),
        **{k: plain(v) for k, v in p.model_dump(include=set(_PROPOSAL)).items()},
        "changes": [c.model_dump(mode="json") for c in p.changes],
        "state": req.state.value,
        "source": req.source.value,
        "outcome": req.outcome.model_dump(mode="json") if req.outcome else None,
    }
    return seal_values(service_change, values, row=req.change_id)


def _request_of(row: Any) -> ChangeRequest:
    data = open_values(service_change, row._mapping, row=row.change_id)
    proposal = {k: data.pop(k) for k in (*_PROPOSAL, "changes")}
    return ChangeRequest.model_validate({**data, "proposal": proposal})


async def add_change(session: AsyncSession, req: ChangeRequest) -> None:
    """Keeps a new change request."""
    await session.execute(service_change.insert().values(**_values(req)))


async def get_change(
    session: AsyncSession, change_id: uuid.UUID, *, lock: bool = False
) -> ChangeRequest | None:
    """A change request (locked for update when ``lock``), or None."""
    stmt = select(service_change).where(service_change.c.change_id == change_id)
    row = (await session.execute(stmt.with_for_update() if lock else stmt)).first()
    return _request_of(row) if row else None


async def decide_change(session: AsyncSession, req: ChangeRequest) -> None:
    """Writes the decision on a change request that was pending (read under a lock)."""
    values = _values(req)
    decided = {k: values[k] for k in ("state", "decided_by", "decided_at", "refusal_zh")}
    done = await session.execute(
        update(service_change)
        .where(service_change.c.change_id == req.change_id, service_change.c.state == "pending")
        .values(**decided, services_version=req.services_version, outcome=values["outcome"])
    )
    assert done.rowcount == 1, "change decided under a lock"  # type: ignore[attr-defined]


async def list_changes(
    session: AsyncSession, query: ChangeQuery, scope: Scope
) -> tuple[list[ChangeRequest], int]:
    """One page of change requests within ``scope``, oldest first."""
    c = service_change.c
    stmt = select(service_change).where(
        within(service_change, scope), c.state == (query.state or ChangeState.PENDING.value)
    )
    for column, value in (
        (c.village_code, query.village_code),
        (c.recipient_id, query.recipient_id),
        (c.county_decides, query.county_decides),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    stmt = stmt.order_by(c.requested_at, c.change_id)
    rows, total = await page(session, stmt, query.page, query.size)
    return [_request_of(r) for r in rows], total


async def save_services(session: AsyncSession, after: Recipient) -> None:
    """Writes a recipient's new services (items, version, assessed facts) over the old."""
    r = recipient.c
    done = await session.execute(
        update(recipient)
        .where(
            r.recipient_id == after.recipient_id, r.services_version == after.services_version - 1
        )
        .values(
            services_version=after.services_version,
            category=after.category.value,
            special_conditions=plain(after.special_conditions),
            self_care_level=plain(after.self_care_level),
            need_categories=plain(after.need_categories),
            catalogue_version=after.catalogue_version,
            updated_at=func.now(),
        )
    )
    # The row was locked when read, so the version it held is still the one before.
    assert done.rowcount == 1, "services changed under a lock"  # type: ignore[attr-defined]
    await session.execute(
        delete(recipient_item).where(recipient_item.c.recipient_id == after.recipient_id)
    )
    await session.execute(
        recipient_item.insert(),
        [
            {
                "recipient_id": after.recipient_id,
                "frequency_times": item.frequency.times,
                "frequency_per": item.frequency.per.value,
                **item.model_dump(mode="json", exclude={"frequency"}),
            }
            for item in after.items
        ],
    )
