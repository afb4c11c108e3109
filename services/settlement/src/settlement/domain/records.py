"""Which service records a late fact re-prices (a recipient's stop, an order's pause...)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RecordSelection:
    """The service records to re-check: by record, recipient or order, optionally narrowed."""

    record_id: uuid.UUID | None = None
    #: Several records at once (a batch of delivered services).
    record_ids: tuple[uuid.UUID, ...] = ()
    recipient_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    #: Only records still waiting (pending) for the recipient or order.
    pending_only: bool = False
    #: Only records that stand for this day or later (their service covers it).
    covering_from: date | None = None


@dataclass(frozen=True)
class ServiceRecord:
    """A kept service record: who was served, by whom, what, when, and under which order."""

    record_id: uuid.UUID
    person_id: uuid.UUID
    recipient_id: uuid.UUID
    order_id: uuid.UUID | None
    provider_id: uuid.UUID
    provider_code: str
    county_code: str
    township_code: str
    item_code: str
    funding_source: str
    mode: str
    unit: str
    quantity: int
    service_date: date
    #: Where it stands for payment (billed, not_billable, pending) and why it is not billed.
    billing_status: str = "pending"
    reason_code: str | None = None
    #: The item's service category as the record was kept (a fund's rule may limit it).
    service_category: str | None = None
