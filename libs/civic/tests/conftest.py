"""Fixtures shared by civic's integration tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, MetaData, Table, Text, Uuid
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.db import make_engine, make_sessionmaker
from civic.messaging_tables import messaging_metadata
from devstack.infra import Infra

#: The effect a test handler has: one row per event it applied (``note`` says which path).
effects = MetaData()
Table("effect", effects, Column("event_id", Uuid, primary_key=True), Column("note", Text))


@pytest.fixture
async def db(infra: Infra) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A fresh database with civic's messaging tables and the ``effect`` table."""
    url = infra.create_database(f"civic_{uuid.uuid4().hex[:10]}")
    engine = make_engine(url, pool_size=4)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
        await conn.run_sync(effects.create_all)
    yield make_sessionmaker(engine)
    await engine.dispose()
