"""The providers' evaluations as settlement published them (provider_evaluation)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.domain.evaluations import Evaluation
from dispatch.orm import provider_evaluation

e = provider_evaluation.c


async def held(session: AsyncSession, provider_id: uuid.UUID, period: str) -> Evaluation | None:
    """The evaluation kept for a provider and period, locked for the change that follows."""
    stmt = (
        select(provider_evaluation)
        .where(e.provider_id == provider_id, e.period == period)
        .with_for_update()
    )
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else Evaluation(**row)


async def keep(session: AsyncSession, evaluation: Evaluation, *, replacing: bool) -> None:
    """Writes the evaluation, over the one held for its period when ``replacing``."""
    values = asdict(evaluation)
    if replacing:
        stmt = provider_evaluation.update().where(
            e.provider_id == evaluation.provider_id, e.period == evaluation.period
        )
        await session.execute(stmt.values(**values))
    else:
        await session.execute(provider_evaluation.insert().values(**values))


async def of_provider(
    session: AsyncSession, provider_id: uuid.UUID, *, page: int, size: int
) -> tuple[Sequence[Evaluation], int]:
    """A page of a provider's evaluations, latest period first."""
    where = e.provider_id == provider_id
    total = await session.scalar(select(func.count()).select_from(provider_evaluation).where(where))
    stmt = select(provider_evaluation).where(where).order_by(e.period.desc())
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).mappings()
    return [Evaluation(**row) for row in rows], int(total or 0)
