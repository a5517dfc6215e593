"""Receipts with which residents follow their own reports.

Revision ID: 0008_public_receipts
Revises: 0007_duplicate_candidates
Create Date: 2026-11-28 17:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_public_receipts"
down_revision: str | None = "0007_duplicate_candidates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "public_receipts",
        sa.Column("receipt_hash", sa.String(64), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_public_receipts_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("receipt_hash", name=op.f("pk_public_receipts")),
    )
    op.create_index(op.f("ix_public_receipts_incident_id"), "public_receipts", ["incident_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_public_receipts_incident_id"), table_name="public_receipts")
    op.drop_table("public_receipts")
