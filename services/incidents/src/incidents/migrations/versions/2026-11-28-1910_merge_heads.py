"""Join the branches written side by side (patrols, workflow, listing and Open311, intake
details to area boundaries), so the history has one head again and later migrations follow it.

Revision ID: 0011_merge_heads
Revises: 0002_patrols, 0009_area_boundaries, 0010_listing_team
Create Date: 2026-11-28 19:10:00+00:00
"""

from collections.abc import Sequence

revision: str = "0011_merge_heads"
down_revision: str | Sequence[str] | None = (
    "0002_patrols",
    "0009_area_boundaries",
    "0010_listing_team",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
