"""Tables of the dashboards' read model (issue 22), on archive's metadata (migration 0009).

Filled from events archive already consumes and merged so that order and repetition do not
matter (``domain/chain.py``); ``python -m archive.rebuild_dashboards`` rebuilds them from the
topics. They hold codes, times and the masked name only (nothing sealed).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Table, Text, Uuid

from archive.orm import metadata

#: One person's chain: when each step first happened (UTC instants), where, which category.
chain_case = Table(
    "chain_case",
    metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("application_id", Uuid),
    Column("county_code", Text),
    Column("township_code", Text),
    Column("village_code", Text),
    Column("category", Text),
    Column("display_name", Text),  # masked (张*三), as events carry it
    Column("route", Text),
    # When the residence and category (facts_at) and the name and route (named_at) were
    # said: the newest saying wins, so the merge is the same in any order.
    Column("facts_at", DateTime(timezone=True)),
    Column("named_at", DateTime(timezone=True)),
    Column("submitted_at", DateTime(timezone=True)),
    Column("registered_at", DateTime(timezone=True)),
    Column("surveyed_at", DateTime(timezone=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision", Text),  # of the first decision: approved or rejected
    Column("first_accepted_at", DateTime(timezone=True)),
    Column("first_delivered_at", DateTime(timezone=True)),
    Column("withdrawn_at", DateTime(timezone=True)),
    Index("ix_chain_case_township", "township_code"),
    Index("ix_chain_case_county", "county_code"),
)

#: A recipient's aid stopped (or ended by death): the status change every order end names.
stop_case = Table(
    "stop_case",
    metadata,
    Column("stop_event_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("status", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("stopped_at", DateTime(timezone=True), nullable=False),
)

#: An order ended because of a status change, and whether dispatch escalated it because its
#: provider did not acknowledge the end in time (ServiceOrderEscalated change_not_acknowledged).
stop_order = Table(
    "stop_order",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("cause_event_id", Uuid, index=True),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("provider_code", Text),
    # The latest unacknowledged-change escalation: its deadline and when it was raised.
    Column("unacknowledged_by", DateTime(timezone=True)),
    Column("escalated_at", DateTime(timezone=True)),
)
