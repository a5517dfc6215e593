"""Migration steps for the infrastructure tables, frozen per version.

A service's migration calls `create_infrastructure_v1()`; a later change to these tables becomes a
new `…_v2` step, so old migrations keep doing exactly what they did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


def create_infrastructure_v1() -> None:
    """Create `outbox` and `idempotency_keys` as of version 1."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("queue", sa.String(100), nullable=False),
        sa.Column("job", sa.String(100), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_unsent", "outbox", ["created_at"], postgresql_where=sa.text("sent_at IS NULL")
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(200), nullable=False),
        sa.Column("operation", sa.String(100), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", postgresql.JSONB(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("principal", "operation", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])


def drop_infrastructure_v1() -> None:
    """Undo `create_infrastructure_v1`."""
    op.drop_table("idempotency_keys")
    op.drop_table("outbox")
