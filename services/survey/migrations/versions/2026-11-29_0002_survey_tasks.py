"""Survey tasks, their findings and the preliminary review (初审).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_STATUSES = "'open', 'team_assigned', 'findings_submitted', 'passed', 'failed', 'cancelled'"


def upgrade() -> None:
    op.create_table(
        "survey_task",
        sa.Column("survey_id", sa.Uuid, primary_key=True),
        sa.Column("application_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("household_id", sa.Uuid, nullable=False),
        sa.Column("county_code", sa.Text, nullable=False),
        sa.Column("township_code", sa.Text, nullable=False),
        sa.Column("village_code", sa.Text, nullable=False),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("special_conditions", JSONB, nullable=False),
        sa.Column("requested_item_codes", JSONB, nullable=False),
        sa.Column("need_categories", JSONB, nullable=False),
        sa.Column("household_size", sa.Integer, nullable=False),
        sa.Column("application_version", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("village_staff_id", sa.Text),
        sa.Column("coordinator_id", sa.Text),
        sa.Column("team_assigned_by", sa.Text),
        sa.Column("team_assigned_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("survey_id", name="pk_survey_task"),
        sa.UniqueConstraint("application_id", name="uq_survey_task_application_id"),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="ck_survey_task_status_known"),
        sa.CheckConstraint(
            "village_staff_id <> coordinator_id", name="ck_survey_task_team_two_people"
        ),
    )
    op.create_index(
        "ix_survey_task_village_status_due", "survey_task", ["village_code", "status", "due_date"]
    )
    op.create_table(
        "survey_findings",
        sa.Column("survey_id", sa.Uuid, nullable=False),
        sa.Column("submission_id", sa.Uuid, nullable=False),
        sa.Column("submitted_by", sa.Text, nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("self_care_level", sa.Text, nullable=False),
        sa.Column("body", JSONB, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("survey_id", name="pk_survey_findings"),
        sa.UniqueConstraint("submission_id", name="uq_survey_findings_submission_id"),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey_task.survey_id"],
            name="fk_survey_findings_survey_id_survey_task",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "preliminary_review",
        sa.Column("survey_id", sa.Uuid, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("body", JSONB, nullable=False),
        sa.Column("reviewed_by", JSONB, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("survey_id", name="pk_preliminary_review"),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey_task.survey_id"],
            name="fk_preliminary_review_survey_id_survey_task",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "outcome IN ('passed', 'failed')", name="ck_preliminary_review_outcome_known"
        ),
    )


def downgrade() -> None:
    op.drop_table("preliminary_review")
    op.drop_table("survey_findings")
    op.drop_index("ix_survey_task_village_status_due", table_name="survey_task")
    op.drop_table("survey_task")
