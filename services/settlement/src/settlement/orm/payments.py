"""Payment batches, bank formats, bank returns and payment reversals.

Together they are the payment ledger: every batch keeps who made it and who approved it
(paid), every line what the bank answered, every reversal who asked and who approved.
Nothing here is deleted.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from civic.sealing.store import define_sealing_keys
from settlement.orm.base import created_at, fen, metadata

#: settlement's data keys (civic.sealing): they seal providers' bank accounts.
sealing_key = define_sealing_keys(metadata)

provider_bank_account = Table(
    "provider_bank_account",
    metadata,
    Column("provider_code", Text, primary_key=True),
    Column("county_code", Text, nullable=False),
    # Sealed (adapters/sealing.py); the last four digits stay in clear for masked answers.
    Column("account_no", Text, nullable=False),
    Column("account_last4", Text, nullable=False),
    Column("account_name", Text, nullable=False),
    Column("bank_name", Text, nullable=False),
    Column("set_by", Text, nullable=False),
    created_at("set_at"),
)

payment_format = Table(
    "payment_format",
    metadata,
    Column("county_code", Text, primary_key=True),
    # [[field, header_zh], ...] in file order, for the payment file and the bank's return.
    Column("columns", JSONB, nullable=False),
    Column("return_columns", JSONB, nullable=False),
    Column("has_header", Boolean, nullable=False),
    Column("delimiter", Text, nullable=False),
    Column("encoding", Text, nullable=False),
    Column("set_by", Text, nullable=False),
    created_at("set_at"),
    CheckConstraint("encoding IN ('utf-8-sig', 'gbk')", name="encoding_known"),
)

payment_batch = Table(
    "payment_batch",
    metadata,
    Column("batch_id", Uuid, primary_key=True),
    Column("batch_no", Integer, nullable=False, unique=True),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("line_count", Integer, nullable=False),
    fen("total_fen"),
    Column("created_by", Text, nullable=False),
    created_at(),
    Column("approved_by", Text),
    Column("approved_at", DateTime(timezone=True)),
    Column("sent_by", Text),
    Column("sent_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('created', 'approved', 'sent', 'closed')", name="status_known"),
    CheckConstraint("approved_by IS NULL OR approved_by <> created_by", name="four_eyes"),
    Index("ix_payment_batch_township", "township_code", "batch_no"),
)

payment_line = Table(
    "payment_line",
    metadata,
    Column(
        "batch_id",
        Uuid,
        ForeignKey("payment_batch.batch_id"),
        primary_key=True,
    ),
    Column("line_no", Integer, primary_key=True),
    Column("line_ref", Text, nullable=False, unique=True),
    Column("statement_id", Uuid, ForeignKey("statement.statement_id"), nullable=False),
    Column("provider_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    fen("amount_fen"),
    Column("status", Text, nullable=False),
    Column("bank_serial", Text),
    Column("bank_reason", Text),
    Column("paid_on", Date),
    Column("returned_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('pending', 'sent', 'paid', 'failed')", name="status_known"),
    CheckConstraint("status <> 'paid' OR bank_serial IS NOT NULL", name="paid_has_serial"),
    Index("ix_payment_line_statement", "statement_id"),
    # A statement waits for the bank in one batch at a time.
    Index(
        "uq_payment_line_open_statement",
        "statement_id",
        unique=True,
        postgresql_where=text("status IN ('pending', 'sent')"),
    ),
)

payment_return = Table(
    "payment_return",
    metadata,
    Column("return_id", Uuid, primary_key=True),
    Column("batch_id", Uuid, ForeignKey("payment_batch.batch_id"), nullable=False),
    Column("file_sha256", Text, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("paid", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("flagged", Integer, nullable=False),
    Column("imported_by", Text, nullable=False),
    created_at("imported_at"),
    Index("ix_payment_return_batch", "batch_id"),
)

payment_exception = Table(
    "payment_exception",
    metadata,
    Column("exception_id", Uuid, primary_key=True),
    Column("batch_id", Uuid, ForeignKey("payment_batch.batch_id"), nullable=False),
    Column("township_code", Text, nullable=False),
    Column("row_no", Integer, nullable=False),
    Column("line_ref", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("detail_zh", Text, nullable=False),
    Column("row_values", JSONB, nullable=False),
    # The row as read, hashed: the same row imported again is the same exception.
    Column("fingerprint", Text, nullable=False),
    Column("flagged_by", Text, nullable=False),
    created_at("flagged_at"),
    # Who dealt with the row, when and why; nothing is paid or unpaid by resolving it.
    Column("resolved_by", Text),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolution_note_zh", Text),
    CheckConstraint(
        "(resolved_by IS NULL) = (resolved_at IS NULL)"
        " AND (resolved_by IS NULL) = (resolution_note_zh IS NULL)",
        name="resolution_complete",
    ),
    UniqueConstraint("batch_id", "fingerprint"),
    Index("ix_payment_exception_township", "township_code", "flagged_at"),
)

payment_reversal = Table(
    "payment_reversal",
    metadata,
    Column("reversal_id", Uuid, primary_key=True),
    Column("statement_id", Uuid, ForeignKey("statement.statement_id"), nullable=False),
    Column("township_code", Text, nullable=False),
    fen("amount_fen"),
    Column("payment_reference", Text, nullable=False),
    Column("paid_on", Date),
    Column("paid_by", Text),
    Column("reason_zh", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    created_at("requested_at"),
    Column("approved_by", Text),
    Column("approved_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('pending', 'approved')", name="status_known"),
    CheckConstraint("approved_by IS NULL OR approved_by <> requested_by", name="four_eyes"),
    Index(
        "uq_payment_reversal_pending",
        "statement_id",
        unique=True,
        postgresql_where=text("status = 'pending'"),
    ),
)
