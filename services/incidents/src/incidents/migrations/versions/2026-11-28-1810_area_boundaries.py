"""Area boundaries (区划边界): GeoJSON on the area, and one built-in `polygon` per ring for lookups.

Revision ID: 0009_area_boundaries
Revises: 0008_public_receipts
Create Date: 2026-11-28 18:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009_area_boundaries"
down_revision: str | None = "0008_public_receipts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class _Polygon(sa.types.UserDefinedType[str]):
    """PostgreSQL's built-in geometric `polygon` (PostGIS is not installed)."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "POLYGON"


def upgrade() -> None:
    op.add_column("areas", sa.Column("boundary", postgresql.JSONB(), nullable=True))
    # One row per ring of each polygon of a (Multi)Polygon: ring 0 is the outline, later rings
    # are holes. Keeping every part (not only the largest) lets a village with a detached
    # hamlet resolve points in both.
    op.create_table(
        "area_boundaries",
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("part", sa.SmallInteger(), nullable=False),
        sa.Column("ring", sa.SmallInteger(), nullable=False),
        sa.Column("shape", _Polygon(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["areas.code"],
            name=op.f("fk_area_boundaries_area_code_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_code", "part", "ring", name=op.f("pk_area_boundaries")),
    )
    op.create_index(
        op.f("ix_area_boundaries_shape"), "area_boundaries", ["shape"], postgresql_using="gist"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_area_boundaries_shape"), table_name="area_boundaries")
    op.drop_table("area_boundaries")
    op.drop_column("areas", "boundary")
