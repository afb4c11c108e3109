"""settlement: payment batches, bank files and their reconciliation; payment reversals.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from civic.migrations import create_sealing_keys, drop_sealing_keys

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _now(name: str) -> sa.Column[Any]:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _batch_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["batch_id"],
        ["payment_batch.batch_id"],
        name=op.f(f"fk_{table}_batch_id_payment_batch"),
    )


def _statement_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["statement_id"],
        ["statement.statement_id"],
        name=op.f(f"fk_{table}_statement_id_statement"),
    )


def upgrade() -> None:
    # settlement seals providers' bank accounts (civic.sealing): its data keys live here.
    create_sealing_keys()
    _accounts()
    _formats()
    _batches()
    _lines()
    _returns()
    _exceptions()
    _reversals()


def _accounts() -> None:
    op.create_table(
        "provider_bank_account",
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("account_no", sa.Text(), nullable=False),
        sa.Column("account_last4", sa.Text(), nullable=False),
        sa.Column("account_name", sa.Text(), nullable=False),
        sa.Column("bank_name", sa.Text(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        _now("set_at"),
        sa.PrimaryKeyConstraint("provider_code", name=op.f("pk_provider_bank_account")),
    )


def _formats() -> None:
    op.create_table(
        "payment_format",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("columns", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("return_columns", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("has_header", sa.Boolean(), nullable=False),
        sa.Column("delimiter", sa.Text(), nullable=False),
        sa.Column("encoding", sa.Text(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        _now("set_at"),
        sa.CheckConstraint(
            "encoding IN ('utf-8-sig', 'gbk')", name=op.f("ck_payment_format_encoding_known")
        ),
        sa.PrimaryKeyConstraint("county_code", name=op.f("pk_payment_format")),
    )


def _batches() -> None:
    op.create_table(
        "payment_batch",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("batch_no", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _now("created_at"),
        sa.Column("approved_by", sa.Text(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('created', 'approved', 'sent', 'closed')",
            name=op.f("ck_payment_batch_status_known"),
        ),
        sa.CheckConstraint(
            "approved_by IS NULL OR approved_by <> created_by",
            name=op.f("ck_payment_batch_four_eyes"),
        ),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_payment_batch")),
        sa.UniqueConstraint("batch_no", name=op.f("uq_payment_batch_batch_no")),
    )
    op.create_index(
        "ix_payment_batch_township", "payment_batch", ["township_code", "batch_no"], unique=False
    )


def _lines() -> None:
    op.create_table(
        "payment_line",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_ref", sa.Text(), nullable=False),
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("bank_serial", sa.Text(), nullable=True),
        sa.Column("bank_reason", sa.Text(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'paid', 'failed')",
            name=op.f("ck_payment_line_status_known"),
        ),
        sa.CheckConstraint(
            "status <> 'paid' OR bank_serial IS NOT NULL",
            name=op.f("ck_payment_line_paid_has_serial"),
        ),
        _batch_fk("payment_line"),
        _statement_fk("payment_line"),
        sa.PrimaryKeyConstraint("batch_id", "line_no", name=op.f("pk_payment_line")),
        sa.UniqueConstraint("line_ref", name=op.f("uq_payment_line_line_ref")),
    )
    op.create_index("ix_payment_line_statement", "payment_line", ["statement_id"], unique=False)
    op.create_index(
        "uq_payment_line_open_statement",
        "payment_line",
        ["statement_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('pending', 'sent')"),
    )


def _returns() -> None:
    op.create_table(
        "payment_return",
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("file_sha256", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("paid", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.Text(), nullable=False),
        _now("imported_at"),
        _batch_fk("payment_return"),
        sa.PrimaryKeyConstraint("return_id", name=op.f("pk_payment_return")),
    )
    op.create_index("ix_payment_return_batch", "payment_return", ["batch_id"], unique=False)


def _exceptions() -> None:
    op.create_table(
        "payment_exception",
        sa.Column("exception_id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("line_ref", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("detail_zh", sa.Text(), nullable=False),
        sa.Column("row_values", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("flagged_by", sa.Text(), nullable=False),
        _now("flagged_at"),
        _batch_fk("payment_exception"),
        sa.PrimaryKeyConstraint("exception_id", name=op.f("pk_payment_exception")),
        sa.UniqueConstraint("batch_id", "fingerprint", name=op.f("uq_payment_exception_batch_id")),
    )
    op.create_index(
        "ix_payment_exception_township",
        "payment_exception",
        ["township_code", "flagged_at"],
        unique=False,
    )


def _reversals() -> None:
    op.create_table(
        "payment_reversal",
        sa.Column("reversal_id", sa.Uuid(), nullable=False),
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("payment_reference", sa.Text(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_by", sa.Text(), nullable=True),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        _now("requested_at"),
        sa.Column("approved_by", sa.Text(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved')", name=op.f("ck_payment_reversal_status_known")
        ),
        sa.CheckConstraint(
            "approved_by IS NULL OR approved_by <> requested_by",
            name=op.f("ck_payment_reversal_four_eyes"),
        ),
        _statement_fk("payment_reversal"),
        sa.PrimaryKeyConstraint("reversal_id", name=op.f("pk_payment_reversal")),
    )
    op.create_index(
        "uq_payment_reversal_pending",
        "payment_reversal",
        ["statement_id"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    for table in (
        "payment_reversal",
        "payment_exception",
        "payment_return",
        "payment_line",
        "payment_batch",
        "payment_format",
        "provider_bank_account",
    ):
        op.drop_table(table)
    drop_sealing_keys()
