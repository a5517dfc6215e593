"""Places; what a report may say beyond the basics: place, suspects, modus operandi, loss,
attachments.

Revision ID: 0005_intake_details
Revises: 0001_initial
Create Date: 2026-11-28 17:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_intake_details"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACE_KINDS = (
    "institution",
    "residential_compound",
    "campus",
    "market",
    "family",
    "street",
    "shop",
    "entertainment",
    "transport",
    "guard_point",
    "other",
)


def upgrade() -> None:
    op.create_table(
        "places",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("area_code", sa.String(20), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("external_key", sa.String(100), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in PLACE_KINDS) + ")",
            name=op.f("ck_places_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_places_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("external_key", name=op.f("uq_places_external_key")),
    )
    op.create_index(op.f("ix_places_area_code"), "places", ["area_code"])
    op.add_column("incidents", sa.Column("place_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_incidents_place_id_places"), "incidents", "places", ["place_id"], ["id"]
    )
    op.create_index(
        "ix_incidents_place_id",
        "incidents",
        ["place_id"],
        postgresql_where=sa.text("place_id IS NOT NULL"),
    )
    op.add_column("incidents", sa.Column("suspect_count", sa.Integer(), nullable=True))
    op.add_column("incidents", sa.Column("suspect_gender", sa.String(10), nullable=True))
    op.add_column("incidents", sa.Column("suspect_age_band", sa.String(10), nullable=True))
    op.add_column("incidents", sa.Column("suspect_non_local", sa.Boolean(), nullable=True))
    op.add_column("incidents", sa.Column("suspect_traits", sa.String(500), nullable=True))
    op.add_column(
        "incidents",
        sa.Column(
            "modus_operandi", postgresql.ARRAY(sa.String(40)), server_default="{}", nullable=False
        ),
    )
    op.add_column("incidents", sa.Column("loss_amount", sa.Numeric(12, 2), nullable=True))
    op.add_column(
        "incidents",
        sa.Column("attachments", postgresql.JSONB(), server_default="[]", nullable=False),
    )
    op.create_check_constraint(
        "suspect_gender", "incidents", "suspect_gender IN ('male', 'female', 'mixed', 'unknown')"
    )
    op.create_check_constraint(
        "suspect_age_band",
        "incidents",
        "suspect_age_band IN ('under_18', '18_25', '26_35', '36_50', 'over_50', 'unknown')",
    )
    op.create_index(
        "ix_incidents_modus_operandi", "incidents", ["modus_operandi"], postgresql_using="gin"
    )


def downgrade() -> None:
    op.drop_index("ix_incidents_modus_operandi", table_name="incidents")
    op.drop_constraint(op.f("ck_incidents_suspect_age_band"), "incidents", type_="check")
    op.drop_constraint(op.f("ck_incidents_suspect_gender"), "incidents", type_="check")
    for column in (
        "attachments",
        "loss_amount",
        "modus_operandi",
        "suspect_traits",
        "suspect_non_local",
        "suspect_age_band",
        "suspect_gender",
        "suspect_count",
    ):
        op.drop_column("incidents", column)
    op.drop_index("ix_incidents_place_id", table_name="incidents")
    op.drop_constraint(op.f("fk_incidents_place_id_places"), "incidents", type_="foreignkey")
    op.drop_column("incidents", "place_id")
    op.drop_index(op.f("ix_places_area_code"), table_name="places")
    op.drop_table("places")
