"""Answers of the service records and the ledger."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from contracts.enums import FeeUnit, FundingSource


class RecordRead(BaseModel):
    """A delivered service and where it stands for payment."""

    record_id: uuid.UUID
    person_id: uuid.UUID = Field(description="The person served (stable id, never the ID number).")
    recipient_id: uuid.UUID
    order_id: uuid.UUID
    provider_id: uuid.UUID
    provider_code: str
    township_code: str
    item_code: str
    mode: str
    funding_source: FundingSource
    unit: FeeUnit
    quantity: int
    service_date: date
    billing_status: str = Field(description="billed, not_billable or pending.")
    billing_status_zh: str
    reason_code: str | None = Field(description="Why it is not billed.")
    reason_zh: str | None


class LedgerLineRead(BaseModel):
    """One ledger line (append-only)."""

    line_id: uuid.UUID
    kind: str
    period: str = Field(description="Statement period the line lands on.")
    service_month: str
    service_date: date | None
    record_id: uuid.UUID | None
    person_id: uuid.UUID = Field(description="The person served (stable id, never the ID number).")
    recipient_id: uuid.UUID
    provider_id: uuid.UUID
    provider_code: str
    township_code: str
    item_code: str
    funding_source: FundingSource
    unit: FeeUnit
    quantity: int
    unit_fee_fen: int
    amount_fen: int
    catalogue_version: int
    reverses_line_id: uuid.UUID | None
    reason_zh: str | None
    posted_at: datetime
