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
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from civic import clock
from civic.uow import UnitOfWork
from contracts.dispatch import NeighbourServiceRecorded, ServiceDelivered
from contracts.settlement import version_in_force
from settlement.domain import billing, months, postings
from settlement.domain.billing import Entitlement, FundControl, Price
from settlement.domain.fund_rules import FundRuleVersion, Resolution
from settlement.domain.reasons import WAITING, BillingStatus, NotBillableReason
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
from settlement.repository.billing import (
    BillingMark,
    BillingStore,
    SqlBillingStore,
    StatementKey,
)
from settlement.repository.fund_rules import HoldNote


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
    planned, marks, holds = list[_PlannedLine](), list[BillingMark](), list[HoldNote]()
    for row in rows:
        caused_by = cause[row.record_id] if isinstance(cause, Mapping) else cause
        entitlement = _entitle(row, facts)
        posted = facts.posted.get(row.record_id, [])
        for line in postings.plan(row.record_id, entitlement, posted, str(caused_by)):
            planned.append((row, line, caused_by))
        reason = entitlement.reason
        marks.append((row.record_id, _status_of(entitlement), reason and reason.value, clock.now()))
        if reason is NotBillableReason.FUND_RESTRICTED:
            holds.append(_hold_note(row, entitlement))
    moved = await _append(uow, store, planned)
    await store.set_billing(marks)
    if holds:
        await store.note_fund_holds(holds)
    return moved


def _hold_note(row: ServiceRecord, entitlement: Entitlement) -> HoldNote:
    """Why the record is held, for the county's list of holds."""
    fund = entitlement.funding_source or row.funding_source
    why = entitlement.note_zh or NotBillableReason.FUND_RESTRICTED.label_zh
    return (row.record_id, row.county_code, row.township_code, fund, why, clock.now())


async def judge(
    row: ServiceRecord, *, store: BillingStore, resolution: Resolution | None = None
) -> Entitlement:
    """What a record is owed from the facts known now, as if the county had so resolved it."""
    return _entitle(row, await _load_facts(store, [row]), resolution)


@dataclass(frozen=True)
class _Facts:
    recipients: dict[uuid.UUID, RecipientTimeline]
    orders: dict[uuid.UUID, OrderTimeline]
    prices: dict[tuple[str, str, date], Price]
    posted: dict[uuid.UUID, list[postings.PostedLine]]
    disallowed: dict[uuid.UUID, NotBillableReason]
    #: Fund rule versions of the batch's counties that have any (专款专用), newest first.
    fund_rules: dict[str, list[FundRuleVersion]] = field(default_factory=dict)
    #: Of the records in those counties: the county's decisions on held lines.
    resolutions: dict[uuid.UUID, Resolution] = field(default_factory=dict)


async def _load_facts(store: BillingStore, rows: Sequence[ServiceRecord]) -> _Facts:
    ids = [row.record_id for row in rows]
    prices = await store.prices((row.county_code, row.item_code, row.service_date) for row in rows)
    # One read of the rules per batch; only the records they may touch need more facts.
    rules = await store.fund_rules({row.county_code for row in rows})
    ruled = [row.record_id for row in rows if row.county_code in rules]
    return _Facts(
        fund_rules=rules,
        resolutions=await store.fund_resolutions(ruled) if ruled else {},
        recipients=await store.recipient_timelines({row.recipient_id for row in rows}),
        # A village's neighbour-aid record has no order.
        orders=await store.order_timelines({row.order_id for row in rows if row.order_id}),
        prices=prices,
        posted=await store.posted(ids),
        disallowed=await store.disallowed(ids),
    )


#: A line to append: the record it corrects, the line, and the event that caused it.
_PlannedLine = tuple[ServiceRecord, postings.PlannedLine, uuid.UUID]


def _entitle(
    row: ServiceRecord, facts: _Facts, resolution: Resolution | None = None
) -> Entitlement:
    """What the record is owed, from the facts known now (and the county's fund rules)."""
    service, funds = service_of(row), billing.UNRESTRICTED
    versions = facts.fund_rules.get(row.county_code)
    if versions:
        service = replace(service, service_category=row.service_category)
        resolution = resolution or facts.resolutions.get(row.record_id)
        funds = FundControl(version_in_force(versions, row.service_date), resolution)
    return billing.entitle(
        service,
        recipient=facts.recipients.get(row.recipient_id),
        order=None if row.order_id is None else facts.orders.get(row.order_id),
        price=facts.prices[(row.county_code, row.item_code, row.service_date)],
        disallowed=facts.disallowed.get(row.record_id),
        funds=funds,
    )


def _status_of(entitlement: Entitlement) -> BillingStatus:
    if entitlement.billable:
        return BillingStatus.BILLED
    return BillingStatus.PENDING if entitlement.reason in WAITING else BillingStatus.NOT_BILLABLE


async def landing_periods(
    store: BillingStore, wanted: set[StatementKey]
) -> dict[StatementKey, str]:
    """The open statement month each (township, provider, service month) lands on; holds
    them open until the transaction ends."""
    found: dict[StatementKey, str] = {}
    while wanted:
        since = min(month for _, _, month in wanted)
        pairs = {(township, provider) for township, provider, _ in wanted}
        closed = await store.closed_periods(pairs, since)
        periods = {key: _landing(key, closed) for key in wanted}
        # Confirming takes such a lock exclusively, so it waits for these lines and sees them.
        await store.hold_periods_open((*key[:2], period) for key, period in periods.items())
        closed = await store.closed_periods(pairs, since)
        for key, period in periods.items():
            if (*key[:2], period) not in closed:
                found[key] = period
        # A month confirmed between the two looks: look again for the keys landing on it.
        wanted = wanted - found.keys()
    return found


def _landing(key: StatementKey, closed: set[StatementKey]) -> str:
    township, provider, month = key
    closed_months = {m for t, p, m in closed if t == township and p == provider}
    return months.landing_period(month, closed_months)


async def _append(uow: UnitOfWork, store: BillingStore, planned: list[_PlannedLine]) -> int:
    """Appends the planned lines in one statement, each on its open statement month, and
    emits those appended; returns the fen moved."""
    wanted = {
        (row.township_code, row.provider_id, months.month_of(row.service_date))
        for row, _, _ in planned
    }
    periods = await landing_periods(store, wanted)
    rows = []
    for row, line, cause in planned:
        key = (row.township_code, row.provider_id, months.month_of(row.service_date))
        values = line_values(row, line, period=periods[key], cause=cause, line_id=new_line_id())
        rows.append(values)
    appended = await store.append(rows)
    moved = 0
    for values, (_, line, _) in zip(rows, planned, strict=True):
        if values["line_id"] in appended:
            uow.emit(line_posted(values))
            moved += line.amount_fen
    return moved
