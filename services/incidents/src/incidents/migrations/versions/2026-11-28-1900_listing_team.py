"""Lists by patrol team and by supervision: partial indexes of the handling rows.

Revision ID: 0010_listing_team
Revises: 0004_listing_open311
Create Date: 2026-11-28 19:00:00+00:00

`GET /v1/incidents?team=` keeps the incidents dispatched to one patrol team, `supervised=true`
the supervised ones (督办): both are few among all incidents, so each has a partial index of
the handling rows it needs, and PostgreSQL can start from them rather than walk the whole
keyset index looking for matches. `supervised=false` keeps most incidents: the keyset index
answers it, probing each row's handling by its primary key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_listing_team"
down_revision: str | Sequence[str] | None = ("0004_listing_open311", "0003_workflow")
branch_labels: str | Sequence[str] | None = None
# The handling table comes from the workflow's branch.
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_incident_handling_patrol_team",
        "incident_handling",
        ["target_id", "incident_id"],
        postgresql_where=sa.text("target_kind = 'patrol_team'"),
    )
    op.create_index(
        "ix_incident_handling_supervised",
        "incident_handling",
        ["incident_id"],
        postgresql_where=sa.text("supervised"),
    )


def downgrade() -> None:
    op.drop_index("ix_incident_handling_supervised", table_name="incident_handling")
    op.drop_index("ix_incident_handling_patrol_team", table_name="incident_handling")
