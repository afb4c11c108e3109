"""Billing: keep every delivered service, and post the lines that make its ledger total right.

A record is (re)checked when it arrives and whenever something that decides its price
arrives later: the recipient's approval or status change, the order or its pause,
resumption or cancellation, a failed spot check. Each check plans lines with the pure
rules in ``domain`` and appends them; the ledger's unique (source, kind) keeps a repeated
check from posting twice. Every read and write goes through ``repository.billing``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from civic import clock
from civic.uow import UnitOfWork
from contracts.dispatch import NeighbourServiceRecorded, ServiceDelivered
from settlement.domain import billing, months, postings
from settlement.domain.billing import Entitlement, Price
from settlement.domain.reasons import WAITING, BillingStatus
from settlement.domain.records import RecordSelection, ServiceRecord
from settlement.domain.rows import (
    line_posted,
    line_values,
    neighbour_values,
    record_values,
    service_of,
)
from settlement.domain.timelines import OrderTimeline, RecipientTimeline
from settlement.ids import new_line_id
from settlement.repository.billing import BillingMark, BillingStore, SqlBillingStore


async def record_service(
    event: ServiceDelivered, *, uow: UnitOfWork, store: BillingStore | None = None
) -> None:
    """Keeps a delivered service (billed or with its reason); a repeated record changes nothing."""
    await record_services([event], uow=uow, store=store)


async def record_services(
    events: Sequence[ServiceDelivered], *, uow: UnitOfWork, store: BillingStore | None = None
) -> None:
    """``record_service`` for a run of delivered services at once (a consumer's batch)."""
    now = clock.now()
    records = [({**record_values(event), "evaluated_at": now}, event) for event in events]
    await _keep_records(records, uow=uow, store=store)


async def record_neighbour_service(
    event: NeighbourServiceRecorded, *, uow: UnitOfWork, store: BillingStore | None = None
) -> None:
    """Keeps a village's record of a neighbour's help; it counts towards the yearly subsidy."""
    values = {
        **neighbour_values(event),
        "billing_status": BillingStatus.PENDING.value,
        "evaluated_at": clock.now(),
    }
    await _keep_records([(values, event)], uow=uow, store=store)


async def _keep_records(
    records: Sequence[tuple[dict[str, Any], ServiceDelivered | NeighbourServiceRecorded]],
    *,
    uow: UnitOfWork,
    store: BillingStore | None,
) -> None:
    """Keeps each record once and prices the new ones, each caused by its own event."""
    async with uow:
        store = store or SqlBillingStore(uow)
        # A service, its order and the recipient's approval or stop arrive on different
        # topics concurrently: holding the people keeps a check from missing one of them.
        await store.hold_people(event.person_id for _, event in records)
        new = await store.add_records([values for values, _ in records])
        causes = {values["record_id"]: event.event_id for values, event in reversed(records)}
        causes = {record_id: cause for record_id, cause in causes.items() if record_id in new}
        if causes:
            which = RecordSelection(record_ids=tuple(causes))
            await recheck(which, uow=uow, cause=causes, store=store)
        await uow.commit()


async def recheck(
    which: RecordSelection,
    *,
    uow: UnitOfWork,
    cause: uuid.UUID | Mapping[uuid.UUID, uuid.UUID],
    store: BillingStore | None = None,
) -> int:
    """Re-prices the selected records and appends the lines that correct them; returns fen
    moved. ``cause`` is the event behind it, or each record's own (by record id)."""
    store = store or SqlBillingStore(uow)
    rows = await store.find_records(which)
    if not rows:
        return 0
    facts = await _load_facts(store, rows)
    moved, marks = 0, list[BillingMark]()
    for row in rows:
        caused_by = cause[row.record_id] if isinstance(cause, Mapping) else cause
        moved_now, mark = await _settle_record(uow, store, row, facts, caused_by)
        moved += moved_now
        marks.append(mark)
    await store.set_billing(marks)
    return moved


@dataclass(frozen=True)
class _Facts:
    recipients: dict[uuid.UUID, RecipientTimeline]
    orders: dict[uuid.UUID, OrderTimeline]
    prices: dict[tuple[str, str, date], Price]
    posted: dict[uuid.UUID, list[postings.PostedLine]]
    disallowed: set[uuid.UUID]


async def _load_facts(store: BillingStore, rows: Sequence[ServiceRecord]) -> _Facts:
    ids = [row.record_id for row in rows]
    prices = {}
    for key in {(row.county_code, row.item_code, row.service_date) for row in rows}:
        prices[key] = await store.price(*key)
    return _Facts(
        recipients=await store.recipient_timelines({row.recipient_id for row in rows}),
        # A village's neighbour-aid record has no order.
        orders=await store.order_timelines({row.order_id for row in rows if row.order_id}),
        prices=prices,
        posted=await store.posted(ids),
        disallowed=await store.disallowed(ids),
    )


async def _settle_record(
    uow: UnitOfWork, store: BillingStore, row: ServiceRecord, facts: _Facts, cause: uuid.UUID
) -> tuple[int, BillingMark]:
    """Appends the record's correcting lines; returns the fen moved and where it stands."""
    entitlement = billing.entitle(
        service_of(row),
        recipient=facts.recipients.get(row.recipient_id),
        order=None if row.order_id is None else facts.orders.get(row.order_id),
        price=facts.prices[(row.county_code, row.item_code, row.service_date)],
        disallowed=row.record_id in facts.disallowed,
    )
    planned = postings.plan(
        row.record_id, entitlement, facts.posted.get(row.record_id, []), str(cause)
    )
    moved = 0
    for line in planned:
        moved += await _append(uow, store, row, line, cause)
    reason = entitlement.reason
    return moved, (row.record_id, _status_of(entitlement), reason and reason.value, clock.now())


def _status_of(entitlement: Entitlement) -> BillingStatus:
    if entitlement.billable:
        return BillingStatus.BILLED
    return BillingStatus.PENDING if entitlement.reason in WAITING else BillingStatus.NOT_BILLABLE


async def landing_period(
    store: BillingStore, township: str, provider_id: uuid.UUID, month: str
) -> str:
    """The open statement month a new line lands on; holds it open until the line commits."""
    while True:
        closed = await store.closed_periods(township, provider_id, month)
        period = months.landing_period(month, closed)
        # Confirming takes this lock exclusively, so it waits for the line and then sees it.
        await store.hold_period_open(township, provider_id, period)
        if period not in await store.closed_periods(township, provider_id, period):
            return period


async def _append(
    uow: UnitOfWork,
    store: BillingStore,
    row: ServiceRecord,
    line: postings.PlannedLine,
    cause: uuid.UUID,
) -> int:
    month = months.month_of(row.service_date)
    period = await landing_period(store, row.township_code, row.provider_id, month)
    values = line_values(row, line, period=period, cause=cause, line_id=new_line_id())
    if not await store.append(values):
        return 0
    uow.emit(line_posted(values))
    return line.amount_fen
