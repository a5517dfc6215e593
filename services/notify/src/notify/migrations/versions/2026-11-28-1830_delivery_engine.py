"""Delivery engine: deferrals, leases, failure classes, fallback, digests, receipts;
recipients' preferences.

Revision ID: 0002_delivery_engine
Revises: 0001_initial
Create Date: 2026-11-28 18:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_delivery_engine"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("recipients", postgresql.JSONB(), nullable=True))
    op.add_column("messages", sa.Column("channels", postgresql.ARRAY(sa.String(20)), nullable=True))
    for column in (
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure", sa.String(20), nullable=True),
        sa.Column("deferred_reason", sa.String(40), nullable=True),
        sa.Column("quiet_bypass", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("opt_out_override", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("check_status", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("fallback_from", sa.Uuid(), nullable=True),
        sa.Column("digest_id", sa.Uuid(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    ):
        op.add_column("deliveries", column)
    op.create_foreign_key(
        op.f("fk_deliveries_fallback_from_deliveries"),
        "deliveries",
        "deliveries",
        ["fallback_from"],
        ["id"],
    )
    op.create_index(
        "ix_deliveries_due",
        "deliveries",
        ["not_before"],
        postgresql_where=sa.text("state IN ('queued', 'sending')"),
    )
    op.create_index(
        "ix_deliveries_provider_message_id",
        "deliveries",
        ["channel", "provider_message_id"],
        postgresql_where=sa.text("provider_message_id IS NOT NULL"),
    )
    op.create_index("ix_deliveries_target", "deliveries", ["target"])
    op.create_index("ix_deliveries_created_at_id", "deliveries", ["created_at", "id"])
    op.add_column("delivery_attempts", sa.Column("failure", sa.String(20), nullable=True))
    op.add_column("delivery_attempts", sa.Column("note", sa.String(200), nullable=True))
    op.create_table(
        "recipient_preferences",
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("channels", postgresql.ARRAY(sa.String(20)), nullable=True),
        sa.Column("quiet_start", sa.Time(), nullable=True),
        sa.Column("quiet_end", sa.Time(), nullable=True),
        sa.Column("quiet_hours", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("opt_out_routine", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_recipient_preferences")),
    )


def downgrade() -> None:
    op.drop_table("recipient_preferences")
    op.drop_column("delivery_attempts", "note")
    op.drop_column("delivery_attempts", "failure")
    for index in (
        "ix_deliveries_created_at_id",
        "ix_deliveries_target",
        "ix_deliveries_provider_message_id",
        "ix_deliveries_due",
    ):
        op.drop_index(index, table_name="deliveries")
    op.drop_constraint(
        op.f("fk_deliveries_fallback_from_deliveries"), "deliveries", type_="foreignkey"
    )
    for name in (
        "delivered_at",
        "digest_id",
        "fallback_from",
        "check_status",
        "opt_out_override",
        "quiet_bypass",
        "deferred_reason",
        "failure",
        "lease_until",
        "not_before",
    ):
        op.drop_column("deliveries", name)
    op.drop_column("messages", "channels")
    op.drop_column("messages", "recipients")
