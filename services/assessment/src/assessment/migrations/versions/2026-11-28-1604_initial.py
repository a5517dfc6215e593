"""Assessed units; outbox and idempotency keys.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28 16:04:59.843527+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pingan_shared.migration_ops import create_infrastructure_v1, drop_infrastructure_v1

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIT_KINDS = (
    "institution",
    "residential_compound",
    "campus",
    "market",
    "family",
    "community",
    "village",
)


def upgrade() -> None:
    create_infrastructure_v1()
    op.create_table(
        "units",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(100), nullable=True),
        sa.Column("kind", sa.Enum(*UNIT_KINDS, name="unitkind"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("incidents_place_id", sa.String(100), nullable=True),
        sa.Column("contact_name", sa.String(100), nullable=False),
        sa.Column("contact_phone", sa.String(20), nullable=False),
        sa.Column("contact_wecom_user_id", sa.String(64), nullable=True),
        sa.Column("parent_unit_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["parent_unit_id"], ["units.id"], name=op.f("fk_units_parent_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("area_code", "name", name=op.f("uq_units_area_code_name")),
        sa.UniqueConstraint("key", name=op.f("uq_units_key")),
    )
    op.create_index(op.f("ix_units_parent_unit_id"), "units", ["parent_unit_id"], unique=False)
    op.create_index(
        "ix_units_area_code_pattern",
        "units",
        ["area_code"],
        unique=False,
        postgresql_ops={"area_code": "text_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_units_area_code_pattern", table_name="units")
    op.drop_index(op.f("ix_units_parent_unit_id"), table_name="units")
    op.drop_table("units")
    sa.Enum(name="unitkind").drop(op.get_bind(), checkfirst=True)
    drop_infrastructure_v1()
