"""Queries and writes of the recipient registry and each recipient's status history."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.review import RecipientStatusChanged
from contracts.values import ApprovedItem
from review.domain.access import RecipientQuery, Scope, masked_name_pattern
from review.domain.decision import Recipient
from review.orm import recipient, recipient_item, recipient_status_history
from review.repository.common import columns, page, plain, within

#: What the status history keeps of a RecipientStatusChanged.
_HISTORY_FIELDS = {
    "recipient_id",
    "version",
    "status",
    "previous_status",
    "effective_date",
    "expected_end",
    "reason_code",
    "reason_zh",
    "source",
    "decided_by",
    "event_id",
    "new_category",
    "new_county_code",
    "new_township_code",
    "new_village_code",
}


async def open_recipient_of(session: AsyncSession, person_id: uuid.UUID) -> uuid.UUID | None:
    """The person's registry entry that is not stopped or deceased, if any."""
    recipients = recipient.c
    stmt = select(recipients.recipient_id).where(
        recipients.person_id == person_id, recipients.status.not_in(("stopped", "deceased"))
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def last_recipient_of(session: AsyncSession, person_id: uuid.UUID) -> uuid.UUID | None:
    """The person's latest registry entry, whatever its status (a stopped one too), if any."""
    recipients = recipient.c
    stmt = (
        select(recipients.recipient_id)
        .where(recipients.person_id == person_id)
        .order_by(recipients.approved_at.desc(), recipients.recipient_id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_recipient(session: AsyncSession, approved: Recipient, *, event_id: uuid.UUID) -> None:
    """Registers the recipient with its items and the first entry of its status history."""
    await session.execute(recipient.insert().values(**columns(approved, exclude={"items"})))
    await session.execute(
        recipient_item.insert(),
        [
            {
                "recipient_id": approved.recipient_id,
                "frequency_times": item.frequency.times,
                "frequency_per": item.frequency.per.value,
                **item.model_dump(mode="json", exclude={"frequency"}),
            }
            for item in approved.items
        ],
    )
    await session.execute(
        recipient_status_history.insert().values(
            recipient_id=approved.recipient_id,
            version=approved.status_version,
            status=approved.status.value,
            effective_date=approved.status_effective_date,
            source="review_officer",
            decided_by=approved.approved_by,
            event_id=event_id,
        )
    )


async def _with_items(session: AsyncSession, rows: list[Any]) -> list[Recipient]:
    ids = [row.recipient_id for row in rows]
    item_rows = (
        await session.execute(
            select(recipient_item)
            .where(recipient_item.c.recipient_id.in_(ids))
            .order_by(recipient_item.c.item_code)
        )
    ).all()
    items: dict[uuid.UUID, list[ApprovedItem]] = {recipient_id: [] for recipient_id in ids}
    for item in item_rows:
        frequency = {"times": item.frequency_times, "per": item.frequency_per}
        items[item.recipient_id].append(
            ApprovedItem.model_validate({**item._mapping, "frequency": frequency})
        )
    return [
        Recipient.model_validate({**row._mapping, "items": items[row.recipient_id]}) for row in rows
    ]


async def get_recipient(
    session: AsyncSession, recipient_id: uuid.UUID, *, lock: bool = False
) -> Recipient | None:
    """A recipient of the registry with its items (locked for update when ``lock``), or None."""
    stmt = select(recipient).where(recipient.c.recipient_id == recipient_id)
    row = (await session.execute(stmt.with_for_update() if lock else stmt)).first()
    return (await _with_items(session, [row]))[0] if row else None


async def list_recipients(
    session: AsyncSession, query: RecipientQuery, scope: Scope
) -> tuple[list[Recipient], int]:
    """One page of the registry within ``scope``, earliest approval first."""
    recipients = recipient.c
    stmt = select(recipient).where(within(recipient, scope))
    if query.village_code is not None:
        stmt = stmt.where(recipients.village_code == query.village_code)
    if query.status is not None:
        stmt = stmt.where(recipients.status == query.status)
    if query.name:
        stmt = stmt.where(recipients.display_name.regexp_match(masked_name_pattern(query.name)))
    stmt = stmt.order_by(recipients.approved_at, recipients.recipient_id)
    rows, total = await page(session, stmt, query.page, query.size)
    return await _with_items(session, rows), total


async def suspensions_due(session: AsyncSession, today: date, *, limit: int) -> list[uuid.UUID]:
    """Suspended recipients whose expected end has come, locked; rows another sweep holds are
    skipped, so two replicas never resume the same recipient."""
    recipients = recipient.c
    stmt = (
        select(recipients.recipient_id)
        .where(recipients.status == "suspended", recipients.expected_end <= today)
        .order_by(recipients.expected_end, recipients.recipient_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


async def status_reference_known(session: AsyncSession, external_reference: str) -> bool:
    """Whether a change with this external reference (the city's report) was recorded."""
    history = recipient_status_history.c
    stmt = select(history.version).where(history.external_reference == external_reference).limit(1)
    return (await session.execute(stmt)).first() is not None


async def save_status_change(
    session: AsyncSession,
    changed: Recipient,
    event: RecipientStatusChanged,
    *,
    external_reference: str | None,
) -> None:
    """Writes the changed recipient and its history row (the event's facts, by version)."""
    recipients = recipient.c
    place = {"county_code": changed.county_code, "township_code": changed.township_code}
    done = await session.execute(
        update(recipient)
        .where(
            recipients.recipient_id == changed.recipient_id,
            recipients.status_version == changed.status_version - 1,
        )
        .values(
            **place,
            village_code=changed.village_code,
            category=changed.category.value,
            status=changed.status.value,
            status_version=changed.status_version,
            status_effective_date=changed.status_effective_date,
            expected_end=changed.expected_end,
            updated_at=func.now(),
        )
    )
    # The row was locked when read, so the version it held is still the one before.
    assert done.rowcount == 1, "recipient changed under a lock"  # type: ignore[attr-defined]
    facts = {k: plain(v) for k, v in event.model_dump(include=_HISTORY_FIELDS).items()}
    await session.execute(
        recipient_status_history.insert().values(**facts, external_reference=external_reference)
    )
