"""Lists and Open311: keyset indexes for incident lists, trigram text search, a point index for
bounding boxes; Open311 API keys and what an Open311 client sent beside the incident.

Revision ID: 0004_listing_open311
Revises: 0001_initial
Create Date: 2026-11-28 18:00:00+00:00

The list's default order is (occurred_at, id) descending. `ix_incidents_occurred_keyset` is that
order followed by the columns lists filter on, so a page scans the index in order and rejects
rows of other areas, categories or statuses inside the index, touching the table only for the
rows it returns; `ix_incidents_severity_keyset` does the same for the severity order. The partial
index holds the open incidents of each area (the triage queue, Open311 `status=open`): few rows.
Measured over a million incidents in bench/incident_list.py.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_listing_open311"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PATTERN_OPS = {"area_code": "text_pattern_ops"}
OPEN = "status NOT IN ('resolved', 'closed', 'rejected', 'merged')"


def upgrade() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_incidents_occurred_keyset",
        "incidents",
        ["occurred_at", "id", "area_code", "category", "status", "severity"],
        postgresql_ops=PATTERN_OPS,
    )
    op.create_index(
        "ix_incidents_open_area_keyset",
        "incidents",
        ["area_code", "occurred_at", "id"],
        postgresql_ops=PATTERN_OPS,
        postgresql_where=sa.text(OPEN),
    )
    op.create_index(
        "ix_incidents_severity_keyset",
        "incidents",
        ["severity", "occurred_at", "id", "area_code", "category", "status"],
        postgresql_ops=PATTERN_OPS,
    )
    op.create_index("ix_incidents_updated_at_id", "incidents", ["updated_at", "id"])
    op.execute("CREATE INDEX ix_incidents_title_trgm ON incidents USING gin (title gin_trgm_ops)")
    op.execute(
        "CREATE INDEX ix_incidents_description_trgm "
        "ON incidents USING gin (description gin_trgm_ops)"
    )
    op.execute("CREATE INDEX ix_incidents_location ON incidents USING gist (point(lon, lat))")

    op.create_table(
        "open311_api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("client_name", sa.String(100), nullable=False),
        sa.Column("areas", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "key_hash ~ '^[0-9a-f]{64}$'", name=op.f("ck_open311_api_keys_key_hash_sha256")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_api_keys_key_hash")),
        sa.UniqueConstraint("client_name", name=op.f("uq_open311_api_keys_client_name")),
    )
    op.create_table(
        "open311_requests",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("api_key_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.String(200), nullable=True),
        sa.Column("media_url", sa.String(2000), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_open311_requests_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["open311_api_keys.id"],
            name=op.f("fk_open311_requests_api_key_id_open311_api_keys"),
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_open311_requests")),
    )
    op.create_index(
        op.f("ix_open311_requests_api_key_id"), "open311_requests", ["api_key_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_open311_requests_api_key_id"), table_name="open311_requests")
    op.drop_table("open311_requests")
    op.drop_table("open311_api_keys")
    for name in (
        "ix_incidents_location",
        "ix_incidents_description_trgm",
        "ix_incidents_title_trgm",
        "ix_incidents_updated_at_id",
        "ix_incidents_severity_keyset",
        "ix_incidents_open_area_keyset",
        "ix_incidents_occurred_keyset",
    ):
        op.drop_index(name, table_name="incidents")
    # The extension stays: other objects may have come to use it.
