"""The city system's status reports, its new admissions, and the monthly follow-ups.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "city_status_report",
        sa.Column("external_reference", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("city_reason_code", sa.Text(), nullable=False),
        sa.Column("resolved_event_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.person_id"], name="fk_city_status_report_person_id_person"
        ),
        sa.PrimaryKeyConstraint("external_reference", name="pk_city_status_report"),
    )
    op.create_index("ix_city_status_report_person_id", "city_status_report", ["person_id"])
    op.create_table(
        "city_admission",
        sa.Column("external_reference", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=True),
        sa.Column("village_code", sa.Text(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["external_reference"],
            ["city_status_report.external_reference"],
            name="fk_city_admission_external_reference_city_status_report",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.person_id"], name="fk_city_admission_person_id_person"
        ),
        sa.PrimaryKeyConstraint("external_reference", name="pk_city_admission"),
    )
    op.create_index("ix_city_admission_person_id", "city_admission", ["person_id"])
    op.create_table(
        "follow_up",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.person_id"], name="fk_follow_up_person_id_person"
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.application_id"],
            name="fk_follow_up_application_id_application",
        ),
        sa.PrimaryKeyConstraint("person_id", "month", name="pk_follow_up"),
    )


def downgrade() -> None:
    op.drop_table("follow_up")
    op.drop_index("ix_city_admission_person_id", table_name="city_admission")
    op.drop_table("city_admission")
    op.drop_index("ix_city_status_report_person_id", table_name="city_status_report")
    op.drop_table("city_status_report")
