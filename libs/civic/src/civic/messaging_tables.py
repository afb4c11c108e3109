"""Tables that every service database holds for reliable messaging.

* ``outbox_message``: events written in the same transaction as the state change that
  caused them; the relay publishes and marks them.
* ``processed_event``: one row per (consumer group, event id) applied, written in the
  same transaction as the effect; a redelivered event finds its row and changes nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from civic.db import make_metadata

messaging_metadata = make_metadata()

outbox_message = Table(
    "outbox_message",
    messaging_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Index(
        "ix_outbox_message_unpublished",
        "id",
        postgresql_where=text("published_at IS NULL"),
    ),
)

processed_event = Table(
    "processed_event",
    messaging_metadata,
    Column("consumer", Text, primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("topic", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("subject_key", Text, nullable=False),
    Column("kafka_partition", Integer),
    Column("kafka_offset", BigInteger),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

idempotency_record = Table(
    "idempotency_record",
    messaging_metadata,
    Column("scope", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("request_hash", Text, nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
