"""The three tables of messages, defined on a service's own metadata (its ORM and its
migration create them, as ``civic.audit.table.define_read_audit``):

* ``notification_channel``: one per county: kind, endpoint, template codes per purpose and
  the secret (sealed) that signs what the service sends and authenticates the receipts;
* ``message_preference``: one per person (a login or a contact): channel, phone or openid
  (sealed), quiet hours (Chizhou time) and the division whose staff may change it;
* ``notification_message``: every message, its state, attempts, next due time, the
  gateway's reference and its receipt. Params hold only template values (no personal data).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    Time,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


@dataclass(frozen=True)
class MessageTables:
    """A service's message tables, and the sealing purposes of their sealed columns."""

    channel: Table
    preference: Table
    message: Table
    service: str

    @property
    def secret_purpose(self) -> str:
        """Sealing purpose of a channel's secret."""
        return f"{self.service}.notification_channel.secret"

    @property
    def address_purpose(self) -> str:
        """Sealing purpose of a person's phone or openid."""
        return f"{self.service}.message_preference.address"


def _at(name: str, *, nullable: bool = True) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _created() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def define_message_tables(metadata: MetaData, *, service: str) -> MessageTables:
    """The message tables in ``metadata``."""
    channel = Table(
        "notification_channel",
        metadata,
        Column("county_code", Text, primary_key=True),
        Column("kind", Text, nullable=False),
        Column("endpoint_url", Text, nullable=False),
        Column("templates", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("secret", Text, nullable=False),  # sealed
        Column("updated_by", Text, nullable=False),
        _at("updated_at", nullable=False),
    )
    preference = Table(
        "message_preference",
        metadata,
        Column("user_id", Text, primary_key=True),
        Column("division_code", Text, nullable=False),
        Column("kind", Text, nullable=False),
        Column("address", Text, nullable=False),  # sealed phone or openid
        Column("quiet_start", Time),
        Column("quiet_end", Time),
        Column("updated_by", Text, nullable=False),
        _at("updated_at", nullable=False),
    )
    message = Table(
        "notification_message",
        metadata,
        Column("message_id", Uuid, primary_key=True),
        Column("dedupe_key", Text, nullable=False, unique=True),
        Column("user_id", Text, nullable=False),
        Column("county_code", Text, nullable=False),
        Column("township_code", Text, nullable=False),
        Column("purpose", Text, nullable=False),
        Column("params", JSONB, nullable=False),
        Column("state", Text, nullable=False),
        Column("kind", Text),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        _at("due_at", nullable=False),
        Column("last_error", Text),
        Column("gateway_ref", Text),
        _at("sent_at"),
        _at("failed_at"),
        _at("receipt_at"),
        _created(),
        Index("ix_notification_message_due", "due_at", postgresql_where=text("state = 'pending'")),
        Index("ix_notification_message_township_state", "township_code", "state"),
    )
    return MessageTables(channel, preference, message, service)
