"""Alembic plumbing shared by every service's ``migrations/env.py``, and the messaging
tables' own revisions.

Migrations run once however many replicas start together: each run holds a PostgreSQL
advisory lock for its duration, so a second replica waits, then finds the database at head
and does nothing. Revisions follow expand/contract (a new version runs against the previous
schema and the previous version against the new one); ``tests/test_rolling_deploys.py``
runs each service's previous code against its latest schema.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy import MetaData, pool, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from civic.audit.table import APPEND_ONLY, define_read_audit
from civic.db import make_metadata
from civic.messaging_tables import messaging_metadata
from civic.sealing.store import define_sealing_keys
from civic.settings import with_password

#: The advisory lock every migration run of a database holds (any constant will do).
MIGRATION_LOCK = 7_301_202_312


def _run_sync(connection: Connection, metadata: list[MetaData]) -> None:
    # Held for the session: replicas starting together migrate one after the other.
    connection.execute(text("select pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    connection.commit()
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


def _version_1() -> MetaData:
    """The messaging tables as revision 0001 of every service made them (never changes)."""
    md = make_metadata()
    now, empty = sa.func.now(), text("'{}'::jsonb")
    stamp = sa.DateTime(timezone=True)
    sa.Table(
        "outbox_message",
        md,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
        *(sa.Column(n, sa.Text, nullable=False) for n in ("event_type", "topic", "key", "payload")),
        sa.Column("headers", JSONB, nullable=False, server_default=empty),
        sa.Column("created_at", stamp, nullable=False, server_default=now),
        sa.Column("published_at", stamp),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=text("0")),
        sa.Column("last_error", sa.Text),
        sa.Index(
            "ix_outbox_message_unpublished", "id", postgresql_where=text("published_at IS NULL")
        ),
    )
    sa.Table(
        "processed_event",
        md,
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", sa.Uuid, primary_key=True),
        *(sa.Column(n, sa.Text, nullable=False) for n in ("topic", "event_type", "subject_key")),
        sa.Column("kafka_partition", sa.Integer),
        sa.Column("kafka_offset", sa.BigInteger),
        sa.Column("processed_at", stamp, nullable=False, server_default=now),
    )
    sa.Table(
        "idempotency_record",
        md,
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response", JSONB, nullable=False),
        sa.Column("created_at", stamp, nullable=False, server_default=now),
    )
    return md


def create_messaging_tables(connection: Connection) -> None:
    """Version 1 of the messaging tables (revision 0001 of every service)."""
    _version_1().create_all(connection)


def drop_messaging_tables(connection: Connection) -> None:
    """Drops the messaging tables (downgrade of revision 0001)."""
    _version_1().drop_all(connection)


def messaging_v1_upgrade() -> None:
    """Revision 0001 of every service: its migration names this as its ``upgrade``."""
    create_messaging_tables(op.get_bind())


def messaging_v1_downgrade() -> None:
    """The downgrade of revision 0001."""
    drop_messaging_tables(op.get_bind())


def upgrade_messaging_to_v2() -> None:
    """Parked outbox rows, the parked-message table and indexes for pruning (expand only:
    code of version 1 keeps working against it)."""
    op.add_column("outbox_message", sa.Column("parked_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_outbox_message_sendable",
        "outbox_message",
        ["id"],
        postgresql_where=text("published_at IS NULL AND parked_at IS NULL"),
    )
    op.drop_index("ix_outbox_message_unpublished", table_name="outbox_message")
    parked = text("parked_at IS NOT NULL")
    op.create_index(
        "ix_outbox_message_parked_key", "outbox_message", ["key"], postgresql_where=parked
    )
    op.create_index(
        "ix_outbox_message_published_at",
        "outbox_message",
        ["published_at"],
        postgresql_where=text("published_at IS NOT NULL"),
    )
    op.create_index("ix_processed_event_processed_at", "processed_event", ["processed_at"])
    op.create_index("ix_idempotency_record_created_at", "idempotency_record", ["created_at"])
    messaging_metadata.tables["parked_message"].create(op.get_bind())


def downgrade_messaging_from_v2() -> None:
    """Back to version 1."""
    op.drop_table("parked_message")
    op.drop_index("ix_idempotency_record_created_at", table_name="idempotency_record")
    op.drop_index("ix_processed_event_processed_at", table_name="processed_event")
    op.drop_index("ix_outbox_message_published_at", table_name="outbox_message")
    op.drop_index("ix_outbox_message_parked_key", table_name="outbox_message")
    op.create_index(
        "ix_outbox_message_unpublished",
        "outbox_message",
        ["id"],
        postgresql_where=text("published_at IS NULL"),
    )
    op.drop_index("ix_outbox_message_sendable", table_name="outbox_message")
    op.drop_column("outbox_message", "parked_at")


def create_sealing_keys() -> None:
    """The ``sealing_key`` table of a service that seals personal data (civic.sealing)."""
    tables = make_metadata()
    define_sealing_keys(tables)
    tables.create_all(op.get_bind())


def drop_sealing_keys() -> None:
    """Drops ``sealing_key``: values sealed under its keys no longer open (downgrade only)."""
    op.drop_table("sealing_key")


def create_read_audit() -> None:
    """The append-only ``read_audit`` table every service keeps (civic.audit)."""
    tables = make_metadata()
    define_read_audit(tables)
    bind = op.get_bind()
    tables.create_all(bind)
    for statement in APPEND_ONLY:
        bind.execute(statement)


def drop_read_audit() -> None:
    """Drops ``read_audit`` and its guard (downgrade only: the trail goes with it)."""
    op.drop_table("read_audit")
    op.execute("DROP FUNCTION read_audit_append_only()")
