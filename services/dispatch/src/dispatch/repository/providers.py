"""The provider registry's rows, and the candidates referral chooses from."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import ProviderType, ServiceMode
from dispatch.adapters.sealing import open_values, seal_values
from dispatch.domain.orders import OPEN_STATUSES
from dispatch.domain.providers import (
    Provider,
    ProviderStatus,
    Qualification,
    RegisteredProvider,
)
from dispatch.domain.referral import Candidate
from dispatch.orm import provider, provider_evaluation, service_order

_OPEN = [s.value for s in OPEN_STATUSES]


def to_domain(row: Mapping[Any, Any]) -> Provider:
    """The referral rules' view of a provider row."""
    return Provider(
        provider_id=row["provider_id"],
        code=row["code"],
        provider_type=ProviderType(row["provider_type"]),
        status=ProviderStatus(row["status"]),
        qualification=Qualification(
            row["qualification_name"],
            row["qualification_number"],
            row["qualified_from"],
            row["qualified_until"],
        ),
        township_codes=frozenset(row["township_codes"]),
        village_codes=frozenset(row["village_codes"]),
        item_codes=frozenset(row["item_codes"]),
        modes=frozenset(ServiceMode(m) for m in row["modes"]),
        capacity=row["capacity"],
        county_code=row["county_code"],
        name_zh=row["name_zh"],
        version=row["version"],
        agreement_ends_on=row["agreement_ends_on"],
    )


def for_referral(registered: RegisteredProvider) -> Provider:
    """The referral rules' view of a registered provider."""
    return to_domain(asdict(registered))


def _registered(row: Mapping[Any, Any]) -> RegisteredProvider:
    return RegisteredProvider(**open_values(provider, row, row=row["provider_id"]))


async def insert(session: AsyncSession, values: dict[str, Any]) -> None:
    """Adds a provider (its contacts sealed for its row)."""
    sealed = seal_values(provider, values, row=values["provider_id"])
    await session.execute(provider.insert().values(**sealed))


async def update_row(session: AsyncSession, provider_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Changes a provider's columns (new contacts sealed) and stamps the change."""
    stmt = update(provider).where(provider.c.provider_id == provider_id)
    sealed = seal_values(provider, values, row=provider_id)
    await session.execute(stmt.values(**sealed, updated_at=func.now()))


async def by_code(
    session: AsyncSession, code: str, *, for_update: bool = False
) -> RegisteredProvider | None:
    """One provider by its code."""
    stmt = select(provider).where(provider.c.code == code)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _registered(row)


async def listed(
    session: AsyncSession, *, county_code: str | None, page: int, size: int
) -> tuple[Sequence[RegisteredProvider], int]:
    """A page of providers (of one county, when given), by code."""
    where = [provider.c.county_code == county_code] if county_code else []
    total = await session.scalar(select(func.count()).select_from(provider).where(*where))
    stmt = select(provider).where(*where).order_by(provider.c.code)
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).mappings()
    return [_registered(row) for row in rows], int(total or 0)


async def active_codes(session: AsyncSession) -> list[str]:
    """Every active provider's code (to repair their topics and ACLs at start-up)."""
    stmt = select(provider.c.code).where(provider.c.status == "active")
    return list((await session.scalars(stmt)).all())


def _open_orders_of(column: Any, value: Any) -> Any:
    o = service_order.c
    return exists().where(
        o.provider_id == provider.c.provider_id, column == value, o.status.in_(_OPEN)
    )


async def candidates(
    session: AsyncSession, *, county_code: str, person_id: uuid.UUID, household_id: uuid.UUID
) -> list[Candidate]:
    """The county's providers, each with its open orders and whether it already serves here."""
    o = service_order.c
    load = (
        select(func.count())
        .where(o.provider_id == provider.c.provider_id, o.status.in_(_OPEN))
        .scalar_subquery()
    )
    latest = _latest_monthly_evaluation()
    stmt = (
        select(
            provider,
            load.label("open_orders"),
            _open_orders_of(o.person_id, person_id).label("serves_person"),
            _open_orders_of(o.household_id, household_id).label("serves_household"),
            latest.c.score,
            latest.c.referral_threshold,
        )
        .outerjoin(latest, latest.c.provider_id == provider.c.provider_id)
        .where(provider.c.county_code == county_code)
    )
    rows = (await session.execute(stmt)).mappings().all()
    return [
        Candidate(
            to_domain(r),
            r["open_orders"],
            r["serves_person"],
            r["serves_household"],
            r["score"],
            r["referral_threshold"],
        )
        for r in rows
    ]


def _latest_monthly_evaluation() -> Any:
    """Each provider's evaluation of its latest evaluated month (``YYYY-MM``)."""
    e = provider_evaluation.c
    months = (
        select(e.provider_id, func.max(e.period).label("period"))
        .where(func.length(e.period) == 7)
        .group_by(e.provider_id)
        .subquery()
    )
    return (
        select(e.provider_id, e.score, e.referral_threshold)
        .join(months, (months.c.provider_id == e.provider_id) & (months.c.period == e.period))
        .subquery()
    )


async def lock_and_count(session: AsyncSession, provider_id: uuid.UUID) -> int:
    """Locks the provider row (capacity is checked under it) and counts its open orders."""
    await session.execute(
        select(provider.c.provider_id)
        .where(provider.c.provider_id == provider_id)
        .with_for_update()
    )
    o = service_order.c
    stmt = select(func.count()).where(o.provider_id == provider_id, o.status.in_(_OPEN))
    return int(await session.scalar(stmt) or 0)
