"""Database engine, session factory and the declarative base each service derives from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, MetaData, Uuid
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata() -> MetaData:
    """Builds a MetaData with the project's constraint naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def part_of(parent: str, key: str) -> Column[Any]:
    """A primary-key column naming the parent row (``parent.key``); the rows go with the parent."""
    return Column(key, Uuid, ForeignKey(f"{parent}.{key}", ondelete="CASCADE"), primary_key=True)


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """Creates the async engine for a service's own database."""
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Creates the session factory; objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
