"""Messages to people's phones: civic.notify's routes (a county's channel, a person's
preference, the staff list of messages, the gateway's receipts) on dispatch's tables, for
dispatch's callers. What dispatch enqueues is in handlers/messages.py."""

from __future__ import annotations

from civic.notify.api import message_router
from dispatch.api.deps import AnyStaff, CountyOfficer, Officer
from dispatch.orm_messages import message_tables

router = message_router(
    message_tables, county_officer=CountyOfficer, officer=Officer, staff=AnyStaff
)
