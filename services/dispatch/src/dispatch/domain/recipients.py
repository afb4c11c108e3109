"""A recipient as review approved them, and their status as review last told it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Recipient:
    """Who is served, where they live, and how their aid stands (codes as stored)."""

    recipient_id: uuid.UUID
    person_id: uuid.UUID
    household_id: uuid.UUID
    version: int
    display_name: str
    category: str
    county_code: str
    township_code: str
    village_code: str
    effective_date: date
    created_at: datetime
    status: str
    status_effective_date: date | None
    status_reason_code: str | None
    ended_on: date | None
    expected_end: date | None
    services_version: int = 1
    route: str = "review"
    temporary_until: date | None = None
    medical_institution_needed: bool = False


@dataclass(frozen=True)
class RecipientContact:
    """How the serving provider reaches a recipient at home."""

    address: str
    phone: str
    emergency_contact: str | None
    notes_zh: str | None


@dataclass(frozen=True)
class ContactAccess:
    """One read of a recipient's contact details: who, for which provider, when."""

    user_id: str
    provider_code: str
    accessed_at: datetime
