"""Tables that every service database holds for reliable messaging (schema version 2).

* ``outbox_message``: events written in the same transaction as the state change that
  caused them; the relay publishes them and marks each as Kafka acknowledges it. A row that
  cannot be sent however often it is tried is *parked* (``parked_at``): it and the later
  rows of the same key wait for an operator (``civic-outbox``), every other key goes on.
* ``processed_event``: one row per (consumer group, event id) applied, written in the
  same transaction as the effect; a redelivered event finds its row and changes nothing.
* ``idempotency_record``: the first answer to an app's ``Idempotency-Key``.
* ``parked_message``: a consumed message that no code could act on (a type this version
  does not know, a refusal a person must look at), kept whole so it can be applied again.

Revision 0001 of every service creates version 1 of these tables and a later revision
upgrades them (``civic.migrations``); the schema-sync test of each service compares the
migrated database with this module.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
    UniqueConstraint,
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
    Column("parked_at", DateTime(timezone=True)),
    Index(
        "ix_outbox_message_sendable",
        "id",
        postgresql_where=text("published_at IS NULL AND parked_at IS NULL"),
    ),
    Index("ix_outbox_message_parked_key", "key", postgresql_where=text("parked_at IS NOT NULL")),
    Index(
        "ix_outbox_message_published_at",
        "published_at",
        postgresql_where=text("published_at IS NOT NULL"),
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
    Index("ix_processed_event_processed_at", "processed_at"),
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
    Index("ix_idempotency_record_created_at", "created_at"),
)

parked_message = Table(
    "parked_message",
    messaging_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("consumer", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("kafka_partition", Integer, nullable=False),
    Column("kafka_offset", BigInteger, nullable=False),
    Column("key", LargeBinary),
    Column("value", LargeBinary, nullable=False),
    Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("event_type", Text),
    Column("reason", Text, nullable=False),
    Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolution", Text),
    UniqueConstraint("consumer", "topic", "kafka_partition", "kafka_offset"),
    Index("ix_parked_message_open", "parked_at", postgresql_where=text("resolved_at IS NULL")),
)
