"""The Alembic revisions build exactly the tables orm.py declares, and history is append-only
(a value may only be replaced by its sealed form)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, insert, update
from sqlalchemy.exc import DBAPIError

from archive.orm import file_history, metadata
from civic.db import make_engine
from civic.messaging_tables import messaging_metadata

pytestmark = pytest.mark.integration


async def test_archive_migrations_match_the_declared_tables(
    fresh_archive_database: Callable[[], str],
) -> None:
    engine = make_engine(fresh_archive_database(), pool_size=1)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}),
                    [metadata, messaging_metadata],
                )
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_archive_the_history_refuses_updates_and_deletes(
    fresh_archive_database: Callable[[], str],
) -> None:
    engine = make_engine(fresh_archive_database(), pool_size=1)
    event_id = uuid.uuid4()
    row = {
        "event_id": event_id,
        "person_id": uuid.uuid4(),
        "topic": "review.decisions.v1",
        "event_type": "review.RecipientApproved",
        "occurred_at": datetime(2026, 11, 3, tzinfo=UTC),
        "summary": "审核确认为服务对象",
        "data": "{}",  # as migration 0005 leaves an event stored before sealing
    }
    where = file_history.c.event_id == event_id
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(file_history).values(**row))
        async with engine.begin() as conn:  # what the keeper's re-seal job does
            await conn.execute(update(file_history).where(where).values(data="s1.k1.sealed"))
        for change in (
            update(file_history).where(where).values(summary="改"),
            update(file_history).where(where).values(data="{}"),
            update(file_history).where(where).values(person_id=uuid.uuid4(), data="s1.k1.x"),
            delete(file_history).where(where),
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                async with engine.begin() as conn:
                    await conn.execute(change)
    finally:
        await engine.dispose()
