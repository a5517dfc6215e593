"""Analysis index and statistics: what the times and hot-spot aggregates read.

Revision ID: 0013_analysis_index
Revises: 0012_focus_problems
Create Date: 2026-11-28 20:20:00+00:00

- A partial covering index of the incidents known only by a window (occurred_from–occurred_to):
  the aoristic part of the times analysis reads them alone, by area prefix and period, from the
  index (a small share of the incidents) instead of scanning the whole period.
- Extended statistics on the hot-spot grid square (`round(lat / 0.0001)`, `round(lon / 0.0001)`,
  the expressions `incidents.analysis.repository_spatial` groups by): with them the planner knows
  the number of occupied squares and aggregates in parallel workers. The expressions must stay
  identical to the query's for the planner to match them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_analysis_index"
down_revision: str | Sequence[str] | None = "0012_focus_problems"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_incidents_analysis_windowed ON incidents "
        "(area_code text_pattern_ops, occurred_at) "
        "INCLUDE (status, category, severity, place_id, occurred_from, occurred_to) "
        "WHERE occurred_from IS NOT NULL AND occurred_to IS NOT NULL"
    )
    op.execute(
        "CREATE STATISTICS st_incidents_snapped_square (ndistinct) ON "
        "(round(lat / 0.0001::double precision)::integer), "
        "(round(lon / 0.0001::double precision)::integer) FROM incidents"
    )


def downgrade() -> None:
    op.execute("DROP STATISTICS st_incidents_snapped_square")
    op.execute("DROP INDEX ix_incidents_analysis_windowed")
