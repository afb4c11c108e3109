"""Messages to applicants' phones: civic.notify's routes (a county's channel, a person's
preference, the staff list of messages, the gateway's receipts) on intake's tables. A
county configures intake's channel here as it does dispatch's: each service holds its own."""

from __future__ import annotations

from civic.notify.api import message_router
from intake.api.roles import CountyOfficer, MessageReader, StaffChanger
from intake.orm import message_tables

router = message_router(
    message_tables, county_officer=CountyOfficer, officer=MessageReader, staff=StaffChanger
)
