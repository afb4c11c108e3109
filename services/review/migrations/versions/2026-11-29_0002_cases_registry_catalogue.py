"""Review cases, the catalogue's read copy, the recipient registry and needs assessments.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, TS, nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "review_case",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("category", sa.Text()),
        sa.Column("county_code", sa.Text()),
        sa.Column("township_code", sa.Text()),
        sa.Column("village_code", sa.Text()),
        sa.Column("preliminary_outcome", sa.Text()),
        sa.Column("registered_at", TS),
        sa.Column("registration", JSONB()),
        sa.Column("findings", JSONB()),
        sa.Column("preliminary", JSONB()),
        sa.Column("withdrawal", JSONB()),
        sa.Column("decision", JSONB()),
        sa.Column("decided_at", TS),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("application_id", name="pk_review_case"),
    )
    op.create_index("ix_review_case_person_id", "review_case", ["person_id"])
    op.create_index(
        "ix_review_case_township_queue",
        "review_case",
        ["township_code", "status", "registered_at"],
    )
    op.create_index(
        "ix_review_case_county_queue", "review_case", ["county_code", "status", "registered_at"]
    )

    op.create_table(
        "catalogue_version",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("items", JSONB(), nullable=False),
        sa.Column("published_by", sa.Text(), nullable=False),
        sa.Column("published_at", TS, nullable=False),
        _stamp("received_at"),
        sa.PrimaryKeyConstraint("county_code", "version", name="pk_catalogue_version"),
    )

    op.create_table(
        "recipient",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("special_conditions", ARRAY(sa.Text()), nullable=False),
        sa.Column("self_care_level", sa.Text()),
        sa.Column("need_categories", ARRAY(sa.Text()), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_version", sa.Integer(), nullable=False),
        sa.Column("status_effective_date", sa.Date(), nullable=False),
        sa.Column("expected_end", sa.Date()),
        sa.Column("admitted_on", sa.Date(), nullable=False),
        sa.Column("catalogue_version", sa.Integer()),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("approved_at", TS, nullable=False),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("recipient_id", name="pk_recipient"),
        sa.UniqueConstraint("application_id", name="uq_recipient_application_id"),
    )
    op.create_index("ix_recipient_person_id", "recipient", ["person_id"])
    op.create_index("ix_recipient_village_status", "recipient", ["village_code", "status"])
    op.create_index("ix_recipient_township_status", "recipient", ["township_code", "status"])
    op.create_index("ix_recipient_county_status", "recipient", ["county_code", "status"])
    op.create_index(
        "uq_recipient_open_person",
        "recipient",
        ["person_id"],
        unique=True,
        postgresql_where=sa.text("status NOT IN ('stopped', 'deceased')"),
    )

    op.create_table(
        "recipient_item",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("service_category", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("frequency_times", sa.Integer(), nullable=False),
        sa.Column("frequency_per", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("recipient_id", "item_code", name="pk_recipient_item"),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name="fk_recipient_item_recipient_id_recipient",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "recipient_status_history",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("previous_status", sa.Text()),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("expected_end", sa.Date()),
        sa.Column("reason_code", sa.Text()),
        sa.Column("reason_zh", sa.Text()),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text()),
        sa.Column("external_reference", sa.Text()),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        _stamp("recorded_at"),
        sa.PrimaryKeyConstraint("recipient_id", "version", name="pk_recipient_status_history"),
        sa.UniqueConstraint(
            "external_reference", name="uq_recipient_status_history_external_reference"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name="fk_recipient_status_history_recipient_id_recipient",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "needs_assessment",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("self_care_level", sa.Text(), nullable=False),
        sa.Column("need_categories", ARRAY(sa.Text()), nullable=False),
        sa.Column("notes", sa.Text()),
        sa.Column("assessed_by", sa.Text(), nullable=False),
        sa.Column("assessed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("application_id", name="pk_needs_assessment"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["review_case.application_id"],
            name="fk_needs_assessment_application_id_review_case",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name="fk_needs_assessment_recipient_id_recipient",
        ),
    )


def downgrade() -> None:
    op.drop_table("needs_assessment")
    op.drop_table("recipient_status_history")
    op.drop_table("recipient_item")
    op.drop_table("recipient")
    op.drop_table("catalogue_version")
    op.drop_table("review_case")
