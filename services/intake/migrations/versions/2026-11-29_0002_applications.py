"""Applications, the person registry, household members, timeline, discoveries, catalogue copy.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN_STATUS_SQL = (
    "status IN ('submitted', 'registered', 'surveying', 'preliminary_passed', 'preliminary_failed')"
)


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("id_number", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_person"),
        sa.UniqueConstraint("id_number", name="uq_person_id_number"),
    )
    op.create_table(
        "application",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("special_conditions", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("requested_items", postgresql.JSONB(), nullable=False),
        sa.Column("need_categories", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("applicant_name", sa.Text(), nullable=False),
        sa.Column("applicant_phone", sa.Text(), nullable=True),
        sa.Column("consent_given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.Text(), nullable=False),
        sa.Column("submitted_by_role", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.Text(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discovery_id", sa.Uuid(), nullable=True),
        sa.Column("survey_id", sa.Uuid(), nullable=True),
        sa.Column("survey_version", sa.Integer(), nullable=True),
        sa.Column("status_note_zh", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.person_id"], name="fk_application_person_id_person"
        ),
        sa.PrimaryKeyConstraint("application_id", name="pk_application"),
    )
    op.create_index(
        "uq_application_open_person",
        "application",
        ["person_id"],
        unique=True,
        postgresql_where=sa.text(OPEN_STATUS_SQL),
    )
    op.create_index(
        "ix_application_township_status",
        "application",
        ["township_code", "status", "submitted_at"],
    )
    op.create_index(
        "ix_application_village_status", "application", ["village_code", "status", "submitted_at"]
    )
    op.create_index("ix_application_submitted_by", "application", ["submitted_by"])
    op.create_table(
        "application_member",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("relation", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.application_id"],
            name="fk_application_member_application_id_application",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.person_id"], name="fk_application_member_person_id_person"
        ),
        sa.PrimaryKeyConstraint("application_id", "position", name="pk_application_member"),
    )
    op.create_table(
        "application_step",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("note_zh", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.application_id"],
            name="fk_application_step_application_id_application",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_application_step"),
    )
    op.create_index("ix_application_step_application_id", "application_step", ["application_id"])
    op.create_table(
        "discovery",
        sa.Column("discovery_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("reported_by", sa.Text(), nullable=False),
        sa.Column("situation_zh", sa.Text(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.application_id"],
            name="fk_discovery_application_id_application",
        ),
        sa.PrimaryKeyConstraint("discovery_id", name="pk_discovery"),
        sa.UniqueConstraint("application_id", name="uq_discovery_application_id"),
    )
    op.create_table(
        "catalogue_version",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("items", postgresql.JSONB(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "version", name="pk_catalogue_version"),
    )


def downgrade() -> None:
    op.drop_table("catalogue_version")
    op.drop_table("discovery")
    op.drop_index("ix_application_step_application_id", table_name="application_step")
    op.drop_table("application_step")
    op.drop_table("application_member")
    op.drop_index("ix_application_submitted_by", table_name="application")
    op.drop_index("ix_application_village_status", table_name="application")
    op.drop_index("ix_application_township_status", table_name="application")
    op.drop_index("uq_application_open_person", table_name="application")
    op.drop_table("application")
    op.drop_table("person")
