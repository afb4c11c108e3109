"""A ledger line as read back: one charge, reversal or adjustment, never edited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class LedgerLine:
    """One posted line of a provider's ledger, on the statement period it landed on."""

    line_id: uuid.UUID
    kind: str
    source_id: uuid.UUID
    record_id: uuid.UUID
    person_id: uuid.UUID
    recipient_id: uuid.UUID
    order_id: uuid.UUID | None
    provider_id: uuid.UUID
    provider_code: str
    county_code: str
    township_code: str
    period_kind: str
    period: str
    service_month: str
    service_date: date | None
    item_code: str
    funding_source: str
    unit: str
    quantity: int
    unit_fee_fen: int
    amount_fen: int
    catalogue_version: int
    reverses_line_id: uuid.UUID | None
    cause_event_id: uuid.UUID | None
    reason_zh: str | None
    posted_at: datetime


@dataclass(frozen=True)
class LineFilter:
    """Which ledger lines to read: a township's period, optionally one provider's."""

    township_code: str
    period: str
    provider_id: uuid.UUID | None = None
    period_kind: str | None = None


@dataclass(frozen=True)
class RecordFilter:
    """Which service records to list: a township's month, optionally by billing status."""

    township_code: str
    first_day: date
    last_day: date
    billing_status: str | None = None
