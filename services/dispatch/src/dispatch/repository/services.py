"""Service plans and service records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.adapters.sealing import open_values, seal_values
from dispatch.domain.records import PlannedForOrder, ReportedRecord
from dispatch.orm import plan_item, service_plan, service_record


async def plan_version(session: AsyncSession, plan_id: uuid.UUID) -> tuple[int, str] | None:
    """(version, provider code) of a plan already held."""
    stmt = select(service_plan.c.version, service_plan.c.provider_code).where(
        service_plan.c.plan_id == plan_id
    )
    row = (await session.execute(stmt)).first()
    return (row.version, row.provider_code) if row else None


async def save_plan(
    session: AsyncSession, plan: dict[str, Any], items: list[dict[str, Any]]
) -> None:
    """Stores a plan, or replaces it with a newer revision (its summary sealed for its row)."""
    stmt = pg_insert(service_plan).values(**seal_values(service_plan, plan, row=plan["plan_id"]))
    fields = {k: stmt.excluded[k] for k in plan if k != "plan_id"}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[service_plan.c.plan_id],
            set_={**fields, "submitted_at": func.now()},
        )
    )
    await session.execute(delete(plan_item).where(plan_item.c.plan_id == plan["plan_id"]))
    await session.execute(plan_item.insert(), items)


async def plans_for_order(session: AsyncSession, order_id: uuid.UUID) -> list[PlannedForOrder]:
    """The plans that cover an order, with the items planned for it."""
    plan = service_plan.c
    stmt = (
        select(
            plan.plan_id,
            plan.version,
            plan.provider_code,
            plan.starts_on,
            plan.ends_on,
            plan.summary_zh,
            plan.submitted_at,
            plan_item.c.item_code,
            plan_item.c.frequency_times,
            plan_item.c.frequency_per,
        )
        .join(plan_item, plan_item.c.plan_id == service_plan.c.plan_id)
        .where(plan_item.c.order_id == order_id)
        .order_by(service_plan.c.submitted_at)
    )
    rows = (await session.execute(stmt)).mappings()
    return [PlannedForOrder(**open_values(service_plan, row, row=row["plan_id"])) for row in rows]


async def record(session: AsyncSession, record_id: uuid.UUID) -> ReportedRecord | None:
    """One service record, as first received."""
    r = service_record.c
    stmt = select(r.record_id, r.provider_code, r.outcome, r.check_code).where(
        r.record_id == record_id
    )
    row = (await session.execute(stmt)).mappings().first()
    return ReportedRecord(**row) if row else None


async def add_record(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keeps a service record with its outcome (its location sealed for its row)."""
    sealed = seal_values(service_record, values, row=values["record_id"])
    await session.execute(service_record.insert().values(**sealed))


async def lock_worker(session: AsyncSession, provider_code: str, worker_ref: str) -> None:
    """Serialises records of one worker, so two overlapping ones cannot both pass."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"dispatch-worker:{provider_code}:{worker_ref}"},
    )


async def worker_busy(
    session: AsyncSession, provider_code: str, worker_ref: str, start: datetime, end: datetime
) -> bool:
    """True if the worker has a delivered record overlapping [start, end)."""
    r = service_record.c
    stmt = select(
        exists().where(
            r.provider_code == provider_code,
            r.worker_ref == worker_ref,
            r.outcome == "delivered",
            r.started_at < end,
            r.ended_at > start,
        )
    )
    return bool(await session.scalar(stmt))


async def records_of_order(session: AsyncSession, order_id: uuid.UUID) -> list[ReportedRecord]:
    """Every record reported under an order, by start time."""
    r = service_record.c
    stmt = (
        select(r.record_id, r.provider_code, r.outcome, r.check_code)
        .where(r.order_id == order_id)
        .order_by(r.started_at)
    )
    return [ReportedRecord(**row) for row in (await session.execute(stmt)).mappings()]
