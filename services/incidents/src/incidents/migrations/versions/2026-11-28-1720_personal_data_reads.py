"""Who was shown reporters' phones in clear (append-only).

Revision ID: 0006_personal_data_reads
Revises: 0005_intake_details
Create Date: 2026-11-28 17:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_personal_data_reads"
down_revision: str | None = "0005_intake_details"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "personal_data_reads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("reader", sa.String(200), nullable=False),
        sa.Column("reader_roles", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("purpose", sa.String(60), nullable=False),
        sa.Column("incident_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_data_reads")),
    )
    op.create_index(
        "ix_personal_data_reads_incident_ids",
        "personal_data_reads",
        ["incident_ids"],
        postgresql_using="gin",
    )
    # The record is evidence: nothing may change or remove it.
    op.execute(
        """
        CREATE FUNCTION personal_data_reads_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'personal_data_reads is append-only';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER personal_data_reads_append_only
            BEFORE UPDATE OR DELETE ON personal_data_reads
            FOR EACH ROW EXECUTE FUNCTION personal_data_reads_append_only();
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER personal_data_reads_append_only ON personal_data_reads")
    op.execute("DROP FUNCTION personal_data_reads_append_only()")
    op.drop_index("ix_personal_data_reads_incident_ids", table_name="personal_data_reads")
    op.drop_table("personal_data_reads")
