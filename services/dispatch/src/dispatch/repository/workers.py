"""The providers' worker registers (provider_worker), read and written as domain workers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import ServiceCategory
from dispatch.domain.workers import Certificate, NamedOnRecord, Training, Worker
from dispatch.orm import provider_worker, service_record

w = provider_worker.c


def _worker(row: Mapping[Any, Any]) -> Worker:
    certificate = None
    if row["qualification_name"] is not None:
        certificate = Certificate(
            row["qualification_name"], row["qualification_number"] or "", row["qualified_until"]
        )
    trainings = tuple(
        Training(
            t["name_zh"],
            frozenset(ServiceCategory(c) for c in t["categories"]),
            date.fromisoformat(t["completed_on"]),
        )
        for t in row["trainings"]
    )
    return Worker(
        provider_id=row["provider_id"],
        worker_ref=row["worker_ref"],
        name_zh=row["name_zh"],
        qualification=certificate,
        trainings=trainings,
        evaluated_on=row["evaluated_on"],
        active=row["active"],
        version=row["version"],
    )


def _columns(worker: Worker) -> dict[str, Any]:
    q = worker.qualification
    return {
        "name_zh": worker.name_zh,
        "qualification_name": q and q.name_zh,
        "qualification_number": q and q.number,
        "qualified_until": q and q.valid_until,
        "trainings": [
            {
                "name_zh": t.name_zh,
                "categories": sorted(c.value for c in t.categories),
                "completed_on": t.completed_on.isoformat(),
            }
            for t in worker.trainings
        ],
        "evaluated_on": worker.evaluated_on,
        "active": worker.active,
        "version": worker.version,
    }


async def get(
    session: AsyncSession, provider_id: uuid.UUID, worker_ref: str, *, for_update: bool = False
) -> Worker | None:
    """One entry of a provider's register (locked for the change that follows, when asked)."""
    stmt = select(provider_worker).where(w.provider_id == provider_id, w.worker_ref == worker_ref)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _worker(row)


async def insert(session: AsyncSession, worker: Worker) -> None:
    """Adds a worker to the register."""
    identity = {"provider_id": worker.provider_id, "worker_ref": worker.worker_ref}
    await session.execute(provider_worker.insert().values(**identity, **_columns(worker)))


async def replace(session: AsyncSession, worker: Worker) -> None:
    """Writes a worker's entry as given (its version already bumped)."""
    stmt = update(provider_worker).where(
        w.provider_id == worker.provider_id, w.worker_ref == worker.worker_ref
    )
    await session.execute(stmt.values(**_columns(worker), updated_at=func.now()))


async def of_provider(
    session: AsyncSession, provider_id: uuid.UUID, *, active_only: bool, page: int, size: int
) -> tuple[Sequence[Worker], int]:
    """A page of a provider's register, by worker_ref."""
    where = [w.provider_id == provider_id] + ([w.active.is_(True)] if active_only else [])
    total = await session.scalar(select(func.count()).select_from(provider_worker).where(*where))
    stmt = select(provider_worker).where(*where).order_by(w.worker_ref)
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).mappings()
    return [_worker(row) for row in rows], int(total or 0)


async def named_on_record(session: AsyncSession, record_id: uuid.UUID) -> NamedOnRecord | None:
    """The worker a service record names, and its order and day."""
    r = service_record.c
    stmt = select(r.record_id, r.order_id, r.provider_code, r.worker_ref, r.service_date).where(
        r.record_id == record_id
    )
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else NamedOnRecord(**row)
