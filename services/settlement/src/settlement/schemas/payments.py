"""Requests and answers of payment batches, bank formats, bank returns and reversals."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

BankField = Literal[
    "line_ref",
    "provider_code",
    "payee_name",
    "account_no",
    "account_name",
    "bank_name",
    "amount_yuan",
    "amount_fen",
    "purpose",
]
ReturnField = Literal[
    "line_ref", "result", "bank_serial", "reason", "paid_on", "amount_yuan", "amount_fen"
]
Header = Field(min_length=1, max_length=30, description="Chinese header of the column.")


class BankColumn(BaseModel):
    """One column of the payment file."""

    model_config = ConfigDict(extra="forbid")

    field: BankField = Field(description="What the column holds.")
    header_zh: str = Header


class ReturnColumn(BaseModel):
    """One column of the bank's return file."""

    model_config = ConfigDict(extra="forbid")

    field: ReturnField = Field(description="What the column holds.")
    header_zh: str = Header


class PaymentFormatSet(BaseModel):
    """The county's bank file format: columns in order, header row, delimiter, encoding."""

    model_config = ConfigDict(extra="forbid")

    columns: list[BankColumn] = Field(min_length=1, max_length=9)
    return_columns: list[ReturnColumn] = Field(
        min_length=2, max_length=7, description="Must include line_ref and result."
    )
    has_header: bool = Field(default=True, description="First row holds the headers.")
    delimiter: Literal[",", ";", "|", "\t"] = ","
    encoding: Literal["utf-8-sig", "gbk"] = "utf-8-sig"


class PaymentFormatRead(PaymentFormatSet):
    """A county's bank file format (the default one until the county sets its own)."""

    county_code: str
    is_default: bool
    set_by: str | None = None
    set_at: datetime | None = None


class BatchCreate(BaseModel):
    """Make a payment batch of the township's confirmed statements."""

    model_config = ConfigDict(extra="forbid")

    township_code: str = Field(pattern=r"^\d{9}$", description="Township/street that pays.")


class BatchLineRead(BaseModel):
    """One statement in a batch and what the bank said of it."""

    line_no: int
    line_ref: str = Field(description="Reference the bank file and its return carry.")
    statement_id: uuid.UUID
    provider_id: uuid.UUID
    provider_code: str
    amount_fen: int
    status: str
    status_zh: str
    bank_serial: str | None = None
    bank_reason: str | None = Field(default=None, description="The bank's reason of a failure.")
    paid_on: date | None = None


class PaymentExceptionRead(BaseModel):
    """A return row staff must act on: unknown line, wrong amount or conflicting result."""

    exception_id: uuid.UUID
    batch_id: uuid.UUID
    township_code: str
    row_no: int
    line_ref: str
    kind: str
    detail_zh: str
    row_values: dict[str, str] = Field(description="The row as the bank wrote it.")
    flagged_by: str
    flagged_at: datetime
    resolved_by: str | None = Field(default=None, description="Who dealt with it (null: open).")
    resolved_at: datetime | None = None
    resolution_note_zh: str | None = Field(default=None, description="What was done, and why.")


class ExceptionResolution(BaseModel):
    """Record that a person dealt with a flagged row: what was done and why (no money moves)."""

    model_config = ConfigDict(extra="forbid")

    note_zh: str = Field(
        max_length=500, description="What was done about the row, in Chinese (required)."
    )

    @field_validator("note_zh")
    @classmethod
    def _said(cls, value: str) -> str:
        """A note that says something (blank is refused)."""
        if not value.strip():
            raise PydanticCustomError(
                "note_required",
                "note_zh is required",
                {"reason_code": "note_required", "message_zh": "请填写处理说明"},
            )
        return value.strip()


class BatchRead(BaseModel):
    """A payment batch: who made it, who approved (paid) it, its lines and exceptions."""

    batch_id: uuid.UUID
    batch_no: int
    county_code: str
    township_code: str
    status: str
    status_zh: str
    line_count: int
    total_fen: int
    created_by: str
    created_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    sent_by: str | None = None
    sent_at: datetime | None = None
    lines: list[BatchLineRead] = Field(default_factory=list)
    exceptions: list[PaymentExceptionRead] = Field(default_factory=list)


class ReturnRowRead(BaseModel):
    """What one row of the bank's return did."""

    row_no: int
    line_ref: str
    outcome: str
    outcome_zh: str
    statement_id: uuid.UUID | None = None
    flag: str | None = Field(default=None, description="Why the row was flagged.")
    detail_zh: str | None = None


class ReturnRead(BaseModel):
    """The result of importing a bank return."""

    batch_id: uuid.UUID
    batch_status: str
    already_imported: bool = Field(description="This very file was imported before.")
    counts: dict[str, int] = Field(
        description="Rows per outcome: paid, failed, unchanged, flagged."
    )
    rows: list[ReturnRowRead]


class ReversalCreate(BaseModel):
    """Ask to reverse a statement's payment (a second person approves)."""

    model_config = ConfigDict(extra="forbid")

    reason_zh: str = Field(min_length=1, max_length=200, description="Why, in Chinese.")


class ReversalRead(BaseModel):
    """A payment reversal and where it stands."""

    reversal_id: uuid.UUID
    statement_id: uuid.UUID
    township_code: str
    amount_fen: int
    payment_reference: str
    paid_on: date | None = None
    paid_by: str | None = None
    reason_zh: str
    status: str
    requested_by: str
    requested_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    statement_status: str


class BankAccountSet(BaseModel):
    """Where a provider is paid: account number, account name and bank."""

    model_config = ConfigDict(extra="forbid")

    account_no: str = Field(pattern=r"^\d{8,32}$", description="Account number (digits).")
    account_name: str = Field(min_length=1, max_length=60, description="Name on the account.")
    bank_name: str = Field(min_length=1, max_length=60, description="Bank and branch.")


class BankAccountRead(BaseModel):
    """A provider's bank account, the number masked to its last four digits."""

    provider_code: str
    county_code: str
    account_no_masked: str
    account_name: str
    bank_name: str
    set_by: str
    set_at: datetime
