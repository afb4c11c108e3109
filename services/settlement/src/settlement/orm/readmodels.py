"""Read copies of other services' facts: recipients and their status, orders, providers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Date, DateTime, Index, Integer, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from settlement.orm.base import created_at, metadata

recipient = Table(
    "recipient",
    metadata,
    Column("recipient_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("approved_on", Date, nullable=False),
    Column("event_id", Uuid, nullable=False),
    created_at("received_at"),
    # What a restricted fund looks at; none for a recipient kept before they were kept.
    Column("category", Text),
    Column("special_conditions", JSONB),
)


def _version_history(name: str, owner: str, state: str, *more: Column[Any]) -> Table:
    """A table keeping every version of an owner's ``state`` (never overwritten)."""
    return Table(
        name,
        metadata,
        Column(owner, Uuid, primary_key=True),
        Column("version", Integer, primary_key=True),
        Column(state, Text, nullable=False),
        Column("effective_date", Date, nullable=False),
        Column("reason_code", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        created_at("received_at"),
        *more,
    )


# Every status version is kept: billing asks "what was true that day". A category change
# names the new category, so a restricted fund knows the category on a service day.
recipient_status = _version_history(
    "recipient_status", "recipient_id", "status", Column("new_category", Text)
)

# Every version of a recipient's approved items (approval is 1, each change of services one
# more): from a change on, a service is paid only for an item in the set in effect that day,
# from the fund that set names.
recipient_items = Table(
    "recipient_items",
    metadata,
    Column("recipient_id", Uuid, primary_key=True),
    Column("services_version", Integer, primary_key=True),
    Column("effective_date", Date, nullable=False),
    Column("items", JSONB, nullable=False),  # [{item_code, funding_source, mode, frequency}]
    Column("change_id", Uuid),  # none for the approval
    Column("event_id", Uuid, nullable=False),
    created_at("received_at"),
)

provider = Table(
    "provider",
    metadata,
    Column("provider_id", Uuid, primary_key=True),
    Column("provider_code", Text, nullable=False),
    Column("name_zh", Text, nullable=False),
    Column("provider_type", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

service_order = Table(
    "service_order",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("recipient_id", Uuid, nullable=False),
    Column("provider_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("item_code", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("funding_source", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("frequency_times", Integer, nullable=False),
    Column("frequency_per", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("admission_date", Date),
    Column("ordered_at", DateTime(timezone=True), nullable=False),
    Column("accepted_at", DateTime(timezone=True)),
    Column("declined_at", DateTime(timezone=True)),
    Index("ix_service_order_county_provider", "county_code", "provider_id"),
)

# Every pause, resumption or cancellation is kept, as an order's versions.
order_change = _version_history("order_change", "order_id", "state")
