"""Alembic plumbing shared by every service's ``migrations/env.py``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from civic.messaging_tables import messaging_metadata
from civic.settings import with_password


def _run_sync(connection: Connection, metadata: list[MetaData]) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str, metadata: list[MetaData]) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync, metadata)
    await engine.dispose()


def run_migrations(service_metadata: MetaData) -> None:
    """Runs the service's migrations online against ``DATABASE_URL``."""
    url = os.environ.get("DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set DATABASE_URL to the service's database")
    password_file = os.environ.get("DATABASE_PASSWORD_FILE")
    url = with_password(url, Path(password_file) if password_file else None)
    asyncio.run(_run_async(url, [service_metadata, messaging_metadata]))


def create_messaging_tables(connection: Connection) -> None:
    """Creates the outbox, processed-event and idempotency tables (first migration)."""
    messaging_metadata.create_all(connection)


def drop_messaging_tables(connection: Connection) -> None:
    """Drops the messaging tables (downgrade of the first migration)."""
    messaging_metadata.drop_all(connection)
