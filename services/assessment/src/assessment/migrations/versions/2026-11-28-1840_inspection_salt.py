"""The salt of a covert inspection's sealed commitment, kept server-side until the reveal.

Revision ID: 0003_inspection_salt
Revises: 0002_assessment_core
Create Date: 2026-11-28 18:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_inspection_salt"
down_revision: str | None = "0002_assessment_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inspections", sa.Column("seal_salt", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("inspections", "seal_salt")
