"""SQL of the dashboards' read model: merging facts (in any order, any number of times) and
reading chains, stops, coverage and caseload for a division."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from archive.domain.chain import STEPS, Chain, ChainFact
from archive.domain.dashboards import (
    Caseload,
    EndedOrder,
    OrderEnd,
    ServedFile,
    Stop,
    Unacknowledged,
)
from archive.domain.files import SERVED_STATUSES
from archive.domain.items import ItemsState
from archive.orm import archive_file, file_order, service_record
from archive.orm_dashboards import chain_case, stop_case, stop_order
from archive.repository.services import OPEN_ORDER_STATES

_SERVED = [status.value for status in SERVED_STATUSES]
_WHERE = ("application_id", "county_code", "township_code", "village_code", "category")


def _newer(column: str, stamp: str) -> Any:
    """The incoming value when it is given and said later than the kept one."""
    kept, new = chain_case.c[column], insert(chain_case).excluded[column]
    kept_at, new_at = chain_case.c[stamp], insert(chain_case).excluded[stamp]
    take = and_(new.is_not(None), or_(kept.is_(None), kept_at.is_(None), new_at >= kept_at))
    return case((take, new), else_=kept)


def _merge_values() -> dict[str, Any]:
    new = insert(chain_case).excluded
    c = chain_case.c
    # LEAST ignores NULL: each step keeps the first time it happened.
    values: dict[str, Any] = {f"{s}_at": func.least(c[f"{s}_at"], new[f"{s}_at"]) for s in STEPS}
    values["withdrawn_at"] = func.least(c.withdrawn_at, new.withdrawn_at)
    first = or_(c.decided_at.is_(None), new.decided_at < c.decided_at)
    values["decision"] = case(
        (and_(new.decision.is_not(None), first), new.decision), else_=c.decision
    )
    values |= {column: _newer(column, "facts_at") for column in _WHERE}
    values |= {column: _newer(column, "named_at") for column in ("display_name", "route")}
    values["facts_at"] = func.greatest(c.facts_at, new.facts_at)
    values["named_at"] = func.greatest(c.named_at, new.named_at)
    return values


def _row_of(fact: ChainFact) -> dict[str, Any]:
    row: dict[str, Any] = {"person_id": fact.person_id}
    if fact.step is not None:
        row[f"{fact.step}_at"] = fact.at
    if fact.village_code is not None:
        row |= {column: getattr(fact, column) for column in _WHERE} | {"facts_at": fact.at}
    if fact.display_name is not None:
        row |= {"display_name": fact.display_name, "route": fact.route, "named_at": fact.at}
    return row | ({"decision": fact.decision} if fact.decision else {})


async def merge_chain(session: AsyncSession, fact: ChainFact) -> None:
    """Folds one fact into the person's chain (commutative and idempotent)."""
    stmt = insert(chain_case).values(_row_of(fact))
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["person_id"], set_=_merge_values())
    )


async def save_stop(session: AsyncSession, stop: Stop) -> None:
    """Keeps a stop once."""
    values = {
        "stop_event_id": stop.stop_event_id,
        "person_id": stop.person_id,
        "status": stop.status,
        "effective_date": stop.effective_date,
        "stopped_at": stop.stopped_at,
    }
    await session.execute(insert(stop_case).values(values).on_conflict_do_nothing())


async def save_order_end(session: AsyncSession, end: OrderEnd) -> None:
    """Keeps the order end a status change caused."""
    values = {
        "order_id": end.order_id,
        "person_id": end.person_id,
        "cause_event_id": end.cause_event_id,
        "cancelled_at": end.cancelled_at,
    }
    new = insert(stop_order).excluded
    stmt = insert(stop_order).values(values)
    update = {"cause_event_id": new.cause_event_id, "cancelled_at": new.cancelled_at}
    await session.execute(stmt.on_conflict_do_update(index_elements=["order_id"], set_=update))


async def save_unacknowledged(session: AsyncSession, late: Unacknowledged) -> None:
    """Keeps the latest deadline a provider let pass on the order."""
    values = {
        "order_id": late.order_id,
        "person_id": late.person_id,
        "provider_code": late.provider_code,
        "unacknowledged_by": late.by,
        "escalated_at": late.escalated_at,
    }
    new, c = insert(stop_order).excluded, stop_order.c
    later = or_(c.unacknowledged_by.is_(None), new.unacknowledged_by > c.unacknowledged_by)
    update = {
        "provider_code": func.coalesce(c.provider_code, new.provider_code),
        "unacknowledged_by": func.greatest(c.unacknowledged_by, new.unacknowledged_by),
        "escalated_at": case((later, new.escalated_at), else_=c.escalated_at),
    }
    stmt = insert(stop_order).values(values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["order_id"], set_=update))


async def clear(session: AsyncSession) -> None:
    """Empties the read model (before a rebuild)."""
    for table in (chain_case, stop_case, stop_order):
        await session.execute(delete(table))


def _under(column: Any, prefix: str) -> ColumnElement[bool]:
    return column.startswith(prefix, autoescape=True)


def _closed_at() -> Any:
    c = chain_case.c
    rejected = case((c.decision == "rejected", c.decided_at), else_=None)
    return func.coalesce(c.first_delivered_at, rejected, c.withdrawn_at)


async def chains_alive(session: AsyncSession, prefix: str, since: datetime) -> list[Chain]:
    """Chains under a division not closed before ``since``, with the file's service number."""
    c = chain_case.c
    closed = _closed_at()
    stmt = (
        select(chain_case, archive_file.c.service_number)
        .outerjoin(archive_file, archive_file.c.person_id == c.person_id)
        .where(_under(c.village_code, prefix), or_(closed.is_(None), closed >= since))
    )
    return [_chain(row) for row in (await session.execute(stmt)).mappings()]


def _chain(row: Any) -> Chain:
    return Chain(
        person_id=row["person_id"],
        township_code=row["township_code"],
        village_code=row["village_code"],
        category=row["category"] or "",
        display_name=row["display_name"],
        service_number=row["service_number"],
        times={step: row[f"{step}_at"] for step in STEPS},
        decision=row["decision"],
        withdrawn_at=row["withdrawn_at"],
        application_id=row["application_id"],
    )


async def stops_in(
    session: AsyncSession, prefix: str, start: date, end: date
) -> list[tuple[Stop, Any]]:
    """Stops effective in [start, end) of people whose file lies under the division."""
    s, f = stop_case.c, archive_file.c
    stmt = (
        select(stop_case, f.township_code, f.village_code, f.display_name, f.service_number)
        .join(archive_file, f.person_id == s.person_id)
        .where(_under(f.village_code, prefix), s.effective_date >= start, s.effective_date < end)
        .order_by(s.effective_date, s.stop_event_id)
    )
    rows = (await session.execute(stmt)).mappings()
    return [(Stop(**{k: row[k] for k in _STOP_FIELDS}), row) for row in rows]


_STOP_FIELDS = ("stop_event_id", "person_id", "status", "effective_date", "stopped_at")


async def ended_orders(
    session: AsyncSession, causes: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[EndedOrder]]:
    """The orders each status change ended, with their provider."""
    o, fo = stop_order.c, file_order.c
    provider = func.coalesce(fo.provider_code, o.provider_code).label("provider_code")
    stmt = (
        select(o.order_id, o.cause_event_id, o.cancelled_at, o.unacknowledged_by, provider)
        .outerjoin(file_order, fo.order_id == o.order_id)
        .where(o.cause_event_id.in_(causes), o.cancelled_at.is_not(None))
        .order_by(o.cancelled_at, o.order_id)
    )
    out: dict[uuid.UUID, list[EndedOrder]] = defaultdict(list)
    for row in (await session.execute(stmt)).mappings():
        ended = EndedOrder(
            row["order_id"], row["provider_code"], row["cancelled_at"], row["unacknowledged_by"]
        )
        out[row["cause_event_id"]].append(ended)
    return out


async def open_orders(session: AsyncSession, people: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many orders of each person are still open or paused (not yet ended)."""
    fo = file_order.c
    states = (*OPEN_ORDER_STATES, "paused")
    stmt = (
        select(fo.person_id, func.count())
        .where(fo.person_id.in_(people), fo.state.in_(states))
        .group_by(fo.person_id)
    )
    return {row[0]: int(row[1]) for row in await session.execute(stmt)}


async def served_files(session: AsyncSession, prefix: str, day: date) -> list[ServedFile]:
    """Current recipients under the division with the items in force on ``day``."""
    f = archive_file.c
    columns = (f.person_id, f.township_code, f.village_code, f.approved_items)
    items = (f.services_version, f.services_effective_date, f.previous_items, f.temporary_until)
    stmt = select(*columns, *items).where(_under(f.village_code, prefix), f.status.in_(_SERVED))
    out = []
    for row in (await session.execute(stmt)).mappings():
        state = ItemsState(**{k: row[k] for k in ("approved_items", *[c.name for c in items])})
        codes = [item["item_code"] for item in state.items_on(day)]
        out.append(ServedFile(row["person_id"], row["township_code"], row["village_code"], codes))
    return out


async def served_items(
    session: AsyncSession, prefix: str, start: date, end: date
) -> dict[uuid.UUID, set[str]]:
    """Per person, the items with at least one validated service in [start, end)."""
    r = service_record.c
    stmt = (
        select(r.person_id, r.item_code)
        .where(_under(r.village_code, prefix), r.outcome == "delivered")
        .where(r.service_date >= start, r.service_date < end)
        .distinct()
    )
    out: dict[uuid.UUID, set[str]] = defaultdict(set)
    for row in await session.execute(stmt):
        out[row[0]].add(row[1])
    return dict(out)


async def caseload(session: AsyncSession, prefix: str) -> list[Caseload]:
    """Current recipients under the division per village and category."""
    f = archive_file.c
    served = func.count().filter(f.status.in_(_SERVED))
    suspended = func.count().filter(f.status == "suspended")
    stmt = (
        select(f.township_code, f.village_code, f.category, served, suspended)
        .where(_under(f.village_code, prefix))
        .group_by(f.township_code, f.village_code, f.category)
        .order_by(f.village_code, f.category)
    )
    rows = await session.execute(stmt)
    return [Caseload(t, v, c, int(n), int(s)) for t, v, c, n, s in rows if n or s]
