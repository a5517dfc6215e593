"""Possible duplicates: later reports that may repeat earlier ones, and how alike they are.

Revision ID: 0007_duplicate_candidates
Revises: 0006_personal_data_reads
Create Date: 2026-11-28 17:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_duplicate_candidates"
down_revision: str | None = "0006_personal_data_reads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_candidates",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("minutes_apart", sa.Float(), nullable=False),
        sa.Column("text_similarity", sa.Float(), nullable=False),
        sa.Column(
            "found_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_duplicate_candidates_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["incidents.id"],
            name=op.f("fk_duplicate_candidates_candidate_id_incidents"),
        ),
        sa.PrimaryKeyConstraint(
            "incident_id", "candidate_id", name=op.f("pk_duplicate_candidates")
        ),
    )
    op.create_index(
        op.f("ix_duplicate_candidates_candidate_id"), "duplicate_candidates", ["candidate_id"]
    )
    op.create_index("ix_incidents_category_occurred_at", "incidents", ["category", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_incidents_category_occurred_at", table_name="incidents")
    op.drop_index(op.f("ix_duplicate_candidates_candidate_id"), table_name="duplicate_candidates")
    op.drop_table("duplicate_candidates")
