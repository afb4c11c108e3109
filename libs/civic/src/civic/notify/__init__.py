"""Messages that reach people's phones: the one way for every service (issue 20).

A use case *enqueues* a message in its own unit of work (``store.enqueue``: one row, like
the outbox), so a message exists exactly when the change that caused it commits. A
background job (``sender.message_sender``) claims due rows with ``FOR UPDATE SKIP LOCKED``,
sends each through the county's channel (an SMS gateway's HTTP API or WeChat template
messages, ``channels``), retries what may pass (5xx, timeouts, connection errors) with
backoff for a bounded number of attempts, and marks the rest *failed*, where staff see it.
The gateway's delivery receipt closes a message (delivered / undeliverable).

Rules (``rules``): a person's channel, phone or openid and quiet hours (Chizhou time) are
their *preference*; the address is sealed at rest and masked in logs. Doorbell alerts ignore
quiet hours; everything else waits for them to end. A message carries only what its
template needs (a template code and a few short params: masked name, village, short code),
never an ID number, a phone, an address or health details.

The tables are defined on the service's own metadata (``tables.define_message_tables``)
and created by the service's migration, like ``civic.audit``'s ``read_audit``.

What a service mounts is the same everywhere: the routes (``api.message_router``, given the
service's tables and role dependencies) over the use cases (``handlers``: a county's channel,
a person's preference, the staff list, receipts), the sender job (``jobs.message_sender``,
its settings ``jobs.MessageSettings``; a service may pass a ``fallback`` that reaches a person
who set no preference) and the gauge (``metrics.install``). Only *what* a service's changes
enqueue, and to whom, is the service's own. Each sending service holds its own tables, so a
county configures its channel in each (the cost of no shared database).
"""

from civic.notify.rules import (
    URGENT,
    ChannelKind,
    MessageState,
    Purpose,
    QuietHours,
    RetryPolicy,
)
from civic.notify.tables import MessageTables, define_message_tables

__all__ = [
    "URGENT",
    "ChannelKind",
    "MessageState",
    "MessageTables",
    "Purpose",
    "QuietHours",
    "RetryPolicy",
    "define_message_tables",
]
