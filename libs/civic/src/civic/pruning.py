"""Keeping the messaging tables bounded: what is old enough to forget is deleted in batches.

* sent outbox rows after ``outbox_retention_days`` (Kafka holds the events; the rows only
  served to send them);
* ``processed_event`` rows after ``processed_retention_days``, which must exceed how long
  any topic keeps its messages: a redelivery older than that cannot happen;
* idempotency records after ``idempotency_retention_days``, far beyond an app's retries.

Each batch deletes rows it could lock (``FOR UPDATE SKIP LOCKED``), so any number of
replicas may prune at once without waiting on each other or deleting twice. Ages are
measured by the database's own clock, which stamped these operational columns, never by
the business clock (a test may start that one years ahead).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

_BATCH = """
DELETE FROM {table} WHERE ctid IN (
  SELECT ctid FROM {table} WHERE {column} < now() - CAST(:age AS interval)
  LIMIT :batch FOR UPDATE SKIP LOCKED
)
"""
#: table → the column that says how old a row is (sent rows only, for the outbox).
TABLES = {
    "outbox_message": "published_at",
    "processed_event": "processed_at",
    "idempotency_record": "created_at",
}


async def prune_table(
    sessionmaker: async_sessionmaker[AsyncSession],
    table: str,
    *,
    older_than: timedelta,
    batch: int = 5000,
) -> int:
    """Deletes the table's rows older than ``older_than``, batch by batch; returns how many."""
    sql = text(_BATCH.format(table=table, column=TABLES[table]))
    total = 0
    while True:
        async with sessionmaker() as session, session.begin():
            result = await session.execute(sql, {"age": older_than, "batch": batch})
        deleted = int(result.rowcount)  # type: ignore[attr-defined]
        total += deleted
        if deleted < batch:
            return total
        await asyncio.sleep(0)  # let requests in between batches


async def prune_all(
    sessionmaker: async_sessionmaker[AsyncSession], windows: dict[str, timedelta]
) -> dict[str, int]:
    """Prunes every messaging table by its window; returns the rows deleted per table."""
    done = {t: await prune_table(sessionmaker, t, older_than=w) for t, w in windows.items()}
    if any(done.values()):
        log.info("pruned messaging tables: %s", done)
    return done
