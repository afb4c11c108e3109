"""dispatch: changes of a recipient's services, emergency referral, and plan agreement.

* ``recipient`` learns the version of its approved services (a change applies once), how it
  became a recipient (route, an emergency's last day) and whether only a medical institution
  may serve its health and institutional items.
* ``services_change`` keeps each RecipientServicesChanged once (one that overtook the
  approval waits there); ``pending_item`` holds items added while the recipient is suspended,
  placed when the suspension ends.
* ``service_plan`` gets its agreement state and who answered; ``plan_rule`` is each county's
  versioned rule for services under an unagreed plan; ``service_record.flag`` marks them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    _recipient()
    _services_change()
    _pending_item()
    _plans()
    op.add_column("service_record", sa.Column("flag", sa.Text()))
    op.create_index(
        "ix_service_record_flag",
        "service_record",
        ["flag"],
        postgresql_where=sa.text("flag IS NOT NULL"),
    )


def _recipient() -> None:
    op.add_column(
        "recipient",
        sa.Column("services_version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.add_column(
        "recipient", sa.Column("route", sa.Text(), nullable=False, server_default="review")
    )
    op.add_column("recipient", sa.Column("temporary_until", sa.Date()))
    op.add_column(
        "recipient",
        sa.Column(
            "medical_institution_needed",
            sa.Boolean(),
            nullable=False,
            server_default=sa.text("false"),
        ),
    )


def _services_change() -> None:
    op.create_table(
        "services_change",
        sa.Column("recipient_id", sa.Uuid(), primary_key=True),
        sa.Column("services_version", sa.Integer(), primary_key=True),
        sa.Column("change_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("cause_event_id", sa.Uuid(), nullable=False),
        sa.Column("applied_at", TZ),
        sa.Column("received_at", TZ, nullable=False, server_default=sa.func.now()),
    )


def _pending_item() -> None:
    op.create_table(
        "pending_item",
        sa.Column("recipient_id", sa.Uuid(), primary_key=True),
        sa.Column("item_code", sa.Text(), primary_key=True),
        sa.Column("service_category", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("frequency_times", sa.Integer(), nullable=False),
        sa.Column("frequency_per", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("provider_code", sa.Text()),
        sa.Column("replaces_order_id", sa.Uuid()),
        sa.Column("services_version", sa.Integer(), nullable=False),
        sa.Column("source_event_id", sa.Uuid()),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
    )


def _plans() -> None:
    op.add_column(
        "service_plan", sa.Column("state", sa.Text(), nullable=False, server_default="proposed")
    )
    op.add_column("service_plan", sa.Column("recipient_id", sa.Uuid()))
    for name in ("county_code", "township_code", "decided_by", "return_reason_zh"):
        op.add_column("service_plan", sa.Column(name, sa.Text()))
    op.add_column(
        "service_plan",
        sa.Column("decision_level", sa.Text(), nullable=False, server_default="township"),
    )
    op.add_column("service_plan", sa.Column("decided_at", TZ))
    op.create_index("ix_service_plan_township_state", "service_plan", ["township_code", "state"])
    # Plans kept before agreement existed: their person's orders say where they belong.
    op.execute(
        """
        UPDATE service_plan p
           SET recipient_id = o.recipient_id,
               county_code = o.county_code,
               township_code = o.township_code
          FROM plan_item i JOIN service_order o ON o.order_id = i.order_id
         WHERE i.plan_id = p.plan_id
        """
    )
    op.create_table(
        "plan_rule",
        sa.Column("county_code", sa.Text(), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("flag_unagreed", sa.Boolean(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("plan_rule")
    op.drop_index("ix_service_plan_township_state", table_name="service_plan")
    for name in (
        "decided_at",
        "decision_level",
        "return_reason_zh",
        "decided_by",
        "township_code",
        "county_code",
        "recipient_id",
        "state",
    ):
        op.drop_column("service_plan", name)
    op.drop_table("pending_item")
    op.drop_table("services_change")
    for name in ("medical_institution_needed", "temporary_until", "route", "services_version"):
        op.drop_column("recipient", name)
    op.drop_index("ix_service_record_flag", table_name="service_record")
    op.drop_column("service_record", "flag")
