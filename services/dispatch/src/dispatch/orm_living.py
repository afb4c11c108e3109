"""Tables of issue 20 ("living cases"), on dispatch's ``metadata`` (migration 0010).

``services_change`` keeps each change of a recipient's services once; ``pending_item`` the
items added while the recipient is suspended; ``plan_rule`` each county's versioned rule for
services under a plan not yet agreed.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB

from dispatch.orm import metadata


def _at(name: str, *, nullable: bool = True) -> Column[object]:
    default = None if nullable else func.now()
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=default)


services_change = Table(
    "services_change",
    metadata,
    Column("recipient_id", Uuid, primary_key=True),
    Column("services_version", Integer, primary_key=True),
    Column("change_id", Uuid, nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("payload", JSONB, nullable=False),  # the event without its free-text note
    Column("cause_event_id", Uuid, nullable=False),
    _at("applied_at"),  # none: waits for the approval
    _at("received_at", nullable=False),
)

pending_item = Table(
    "pending_item",
    metadata,
    Column("recipient_id", Uuid, primary_key=True),
    Column("item_code", Text, primary_key=True),
    Column("service_category", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("frequency_times", Integer, nullable=False),
    Column("frequency_per", Text, nullable=False),
    Column("funding_source", Text, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("provider_code", Text),  # the township's choice, if any
    Column("replaces_order_id", Uuid),
    Column("services_version", Integer, nullable=False),
    Column("source_event_id", Uuid),
    _at("created_at", nullable=False),
)

plan_rule = Table(
    "plan_rule",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("flag_unagreed", Boolean, nullable=False),
    Column("grace_days", Integer, nullable=False),
    Column("set_by", Text, nullable=False),
    _at("created_at", nullable=False),
)
