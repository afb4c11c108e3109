"""Billing: keep every delivered service, and post the lines that make its ledger total right.

A record is (re)checked when it arrives and whenever something that decides its price
arrives later: the recipient's approval or status change, the order or its pause,
resumption or cancellation, a failed spot check. Each check plans lines with the pure
rules in ``domain`` and appends them; the ledger's unique (source, kind) keeps a repeated
check from posting twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from civic import clock
from civic.uow import UnitOfWork
from contracts.dispatch import NeighbourServiceRecorded, ServiceDelivered
from contracts.enums import FeeUnit, FundingSource, ServiceCategory, ServiceMode
from contracts.settlement import LedgerLinePosted
from settlement.domain import billing, months, postings
from settlement.domain.billing import Entitlement, Price, Service
from settlement.domain.reasons import WAITING, BillingStatus
from settlement.domain.timelines import OrderTimeline, RecipientTimeline
from settlement.ids import new_line_id
from settlement.repository import catalogue, ledger, locks, readmodels


async def hold_person(uow: UnitOfWork, person_id: uuid.UUID) -> None:
    """Serialises everything that prices one person's services until the transaction ends.

    A service, its order and the recipient's approval or stop arrive on different topics
    and are applied concurrently; without this, a service could be marked as waiting while
    the approval it waits for commits unseen, or be billed beside a stop it did not see.
    """
    await locks.lock(uow.session, "person", person_id)


async def record_service(event: ServiceDelivered, *, uow: UnitOfWork) -> None:
    """Keeps a delivered service (billed or with its reason); a repeated record changes nothing."""
    await hold_person(uow, event.person_id)
    values = _record_values(event)
    if await ledger.add_record(uow.session, values):
        await recheck([ledger.r.record_id == event.record_id], uow=uow, cause=event.event_id)


async def record_neighbour_service(event: NeighbourServiceRecorded, *, uow: UnitOfWork) -> None:
    """Keeps a village's record of a neighbour's help; it counts towards the yearly subsidy."""
    await hold_person(uow, event.person_id)
    values = {
        **_neighbour_values(event),
        "billing_status": BillingStatus.PENDING.value,
        "evaluated_at": clock.now(),
    }
    if await ledger.add_record(uow.session, values):
        await recheck([ledger.r.record_id == event.record_id], uow=uow, cause=event.event_id)


async def recheck(
    conditions: list[ColumnElement[bool]], *, uow: UnitOfWork, cause: uuid.UUID
) -> int:
    """Re-prices the matching records and appends the lines that correct them; returns fen moved."""
    rows = await ledger.find_records(uow.session, *conditions)
    if not rows:
        return 0
    facts = await _load_facts(uow.session, rows)
    moved = 0
    for row in rows:
        moved += await _settle_record(uow, row, facts, cause)
    return moved


@dataclass(frozen=True)
class _Facts:
    recipients: dict[uuid.UUID, RecipientTimeline]
    orders: dict[uuid.UUID, OrderTimeline]
    prices: dict[tuple[str, str, date], Price]
    posted: dict[uuid.UUID, list[postings.PostedLine]]
    disallowed: set[uuid.UUID]


async def _load_facts(session: AsyncSession, rows: Sequence[Row[Any]]) -> _Facts:
    ids = [row.record_id for row in rows]
    prices = {}
    for key in {(row.county_code, row.item_code, row.service_date) for row in rows}:
        prices[key] = await catalogue.price(session, *key)
    return _Facts(
        recipients=await readmodels.recipient_timelines(session, (x.recipient_id for x in rows)),
        orders=await readmodels.order_timelines(session, (x.order_id for x in rows)),
        prices=prices,
        posted=await ledger.posted(session, ids),
        disallowed=await ledger.disallowed(session, ids),
    )


async def _settle_record(uow: UnitOfWork, row: Row[Any], facts: _Facts, cause: uuid.UUID) -> int:
    entitlement = billing.entitle(
        _service_of(row),
        recipient=facts.recipients.get(row.recipient_id),
        order=facts.orders.get(row.order_id),
        price=facts.prices[(row.county_code, row.item_code, row.service_date)],
        disallowed=row.record_id in facts.disallowed,
    )
    planned = postings.plan(
        row.record_id, entitlement, facts.posted.get(row.record_id, []), str(cause)
    )
    moved = 0
    for line in planned:
        moved += await _append(uow, row, line, cause)
    reason = entitlement.reason
    status = _status_of(entitlement)
    await ledger.set_billing(
        uow.session, row.record_id, status, reason and reason.value, clock.now()
    )
    return moved


def _status_of(entitlement: Entitlement) -> BillingStatus:
    if entitlement.billable:
        return BillingStatus.BILLED
    return BillingStatus.PENDING if entitlement.reason in WAITING else BillingStatus.NOT_BILLABLE


async def landing_period(
    session: AsyncSession, township: str, provider_id: uuid.UUID, month: str
) -> str:
    """The open statement month a new line lands on; holds it open until the line commits."""
    while True:
        closed = await ledger.closed_periods(session, township, provider_id, month)
        period = months.landing_period(month, closed)
        # Confirming takes this lock exclusively, so it waits for the line and then sees it.
        await locks.lock_shared(session, "statement", township, provider_id, period)
        if period not in await ledger.closed_periods(session, township, provider_id, period):
            return period


async def _append(
    uow: UnitOfWork, row: Row[Any], line: postings.PlannedLine, cause: uuid.UUID
) -> int:
    month = months.month_of(row.service_date)
    period = await landing_period(uow.session, row.township_code, row.provider_id, month)
    line_id = new_line_id()
    values = {
        "line_id": line_id,
        "kind": line.kind.value,
        "source_id": postings.source_id(line.source_key),
        "record_id": row.record_id,
        "person_id": row.person_id,
        "recipient_id": row.recipient_id,
        "order_id": row.order_id,
        "provider_id": row.provider_id,
        "provider_code": row.provider_code,
        "county_code": row.county_code,
        "township_code": row.township_code,
        "period_kind": "monthly",
        "period": period,
        "service_month": month,
        "service_date": row.service_date,
        "item_code": row.item_code,
        "funding_source": row.funding_source,
        "unit": row.unit,
        "quantity": line.quantity,
        "unit_fee_fen": line.unit_fee_fen,
        "amount_fen": line.amount_fen,
        "catalogue_version": line.catalogue_version,
        "reverses_line_id": line.reverses_line_id,
        "cause_event_id": cause,
        "reason_zh": line.note_zh,
    }
    if not await ledger.append(uow.session, values):
        return 0
    uow.emit(line_posted(values))
    return line.amount_fen


def line_posted(values: dict[str, Any]) -> LedgerLinePosted:
    """The event announcing one appended ledger line."""
    return LedgerLinePosted(
        person_id=values["person_id"],
        line_id=values["line_id"],
        kind=values["kind"],
        recipient_id=values["recipient_id"],
        provider_id=values["provider_id"],
        township_code=values["township_code"],
        period=values["period"],
        item_code=values["item_code"],
        funding_source=values["funding_source"],
        unit=values["unit"],
        quantity=values["quantity"],
        unit_fee_fen=values["unit_fee_fen"],
        amount_fen=values["amount_fen"],
        catalogue_version=values["catalogue_version"],
        service_date=values["service_date"],
        record_id=values["record_id"],
        order_id=values["order_id"],
        reverses_line_id=values["reverses_line_id"],
        cause_event_id=values["cause_event_id"],
        reason_zh=values["reason_zh"],
    )


def _service_of(row: Row[Any]) -> Service:
    return Service(
        row.provider_id,
        ServiceMode(row.mode),
        FeeUnit(row.unit),
        row.quantity,
        row.service_date,
        ordered=row.order_id is not None,
    )


def _record_values(event: ServiceDelivered) -> dict[str, Any]:
    service = Service(event.provider_id, event.mode, event.unit, event.quantity, event.service_date)
    return {
        "record_id": event.record_id,
        "event_id": event.event_id,
        "person_id": event.person_id,
        "recipient_id": event.recipient_id,
        "order_id": event.order_id,
        "provider_id": event.provider_id,
        "provider_code": event.provider_code,
        "item_code": event.item_code,
        "service_category": event.service_category.value,
        "mode": event.mode.value,
        "funding_source": FundingSource(event.funding_source).value,
        "unit": event.unit.value,
        "quantity": event.quantity,
        "service_date": event.service_date,
        "covers_until": billing.covers_until(service),
        "county_code": event.county_code,
        "township_code": event.township_code,
        "village_code": event.village_code,
        "billing_status": BillingStatus.PENDING.value,
        "evaluated_at": clock.now(),
    }


#: Neighbours give home care (seed 三(六)6); a record without an item counts as that.
NEIGHBOUR_DEFAULT_ITEM = "LC-01"


def helper_code(helper_id: uuid.UUID) -> str:
    """The payee code of a neighbour helper on statements (helpers are not providers)."""
    return f"nb-{helper_id.hex[:12]}"


def _neighbour_values(event: NeighbourServiceRecorded) -> dict[str, Any]:
    return {
        "record_id": event.record_id,
        "event_id": event.event_id,
        "person_id": event.person_id,
        "recipient_id": event.recipient_id,
        "order_id": None,
        "provider_id": event.helper_id,
        "provider_code": helper_code(event.helper_id),
        "item_code": event.item_code or NEIGHBOUR_DEFAULT_ITEM,
        "service_category": ServiceCategory.LIFE_CARE.value,
        "mode": ServiceMode.NEIGHBOUR_MUTUAL_AID.value,
        # The township chooses the fund when it pays the yearly subsidy.
        "funding_source": FundingSource.OTHER_SERVICE_AID.value,
        "unit": FeeUnit.VISIT.value,
        "quantity": event.count,
        "service_date": event.service_date,
        "covers_until": event.service_date,
        "county_code": event.county_code,
        "township_code": event.township_code,
        "village_code": event.village_code,
    }
