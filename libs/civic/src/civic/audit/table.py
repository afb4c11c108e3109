"""The ``read_audit`` table every service holds, append-only by trigger."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, MetaData, Table, Text, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY


def define_read_audit(metadata: MetaData) -> Table:
    """The ``read_audit`` table in ``metadata`` (a service's ORM and its migration)."""
    return Table(
        "read_audit",
        metadata,
        Column("read_id", Uuid, primary_key=True),
        Column("read_at", DateTime(timezone=True), nullable=False),
        Column("user_id", Text, nullable=False),
        Column("roles", ARRAY(Text), nullable=False),
        Column("division", Text),
        Column("provider_code", Text),
        Column("what", Text, nullable=False),
        Column("route", Text, nullable=False),
        Column("person_ids", ARRAY(Uuid), nullable=False),
        Column("client", Text),
        Column("purpose", Text),
        Column("trace_id", Text),
        Index("ix_read_audit_read_at", "read_at"),
        Index("ix_read_audit_user_read_at", "user_id", "read_at"),
        Index("ix_read_audit_person_ids", "person_ids", postgresql_using="gin"),
    )


#: Refuses every change but an insert: an audit trail nobody can edit, the service included.
APPEND_ONLY = (
    text(
        """
        CREATE FUNCTION read_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'read_audit is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    ),
    text(
        "CREATE TRIGGER read_audit_no_change BEFORE UPDATE OR DELETE ON read_audit "
        "FOR EACH ROW EXECUTE FUNCTION read_audit_append_only()"
    ),
    text(
        "CREATE TRIGGER read_audit_no_truncate BEFORE TRUNCATE ON read_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION read_audit_append_only()"
    ),
)

read_audit = define_read_audit(MetaData())
