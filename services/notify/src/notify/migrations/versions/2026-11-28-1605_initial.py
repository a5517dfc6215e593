"""Messages, deliveries and delivery attempts; outbox and idempotency keys.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28 16:05:19.359697+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pingan_shared.migration_ops import create_infrastructure_v1, drop_infrastructure_v1

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNELS = ("wecom_robot", "wecom_app", "wechat_template", "aliyun_sms", "tencent_sms", "log")
STATES = ("queued", "sending", "sent", "delivered", "failed", "expired", "dead")


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("message_key", sa.String(200), nullable=False),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("params", postgresql.JSONB(), nullable=False),
        sa.Column(
            "priority", sa.Enum("routine", "urgent", "critical", name="priority"), nullable=False
        ),
        sa.Column("source", sa.String(100), nullable=True),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("message_key", name=op.f("uq_messages_message_key")),
    )
    op.create_index("ix_messages_created_at_id", "messages", ["created_at", "id"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_index", sa.Integer(), nullable=False),
        sa.Column("recipient_name", sa.String(100), nullable=True),
        sa.Column("channel", sa.Enum(*CHANNELS, name="channel"), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("state", sa.Enum(*STATES, name="deliverystate"), nullable=False),
        sa.Column("provider_message_id", sa.String(200), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_deliveries_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint(
            "message_id",
            "recipient_index",
            "channel",
            name=op.f("uq_deliveries_message_id_recipient_index_channel"),
        ),
    )
    op.create_index("ix_deliveries_state_updated_at", "deliveries", ["state", "updated_at"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("sent", "retryable", "failed", name="attemptoutcome"),
            nullable=False,
        ),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("provider_code", sa.String(40), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivery_attempts_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
    )
    op.create_index(op.f("ix_delivery_attempts_delivery_id"), "delivery_attempts", ["delivery_id"])
    create_infrastructure_v1()


def downgrade() -> None:
    drop_infrastructure_v1()
    op.drop_table("delivery_attempts")
    op.drop_table("deliveries")
    op.drop_table("messages")
    for name in ("attemptoutcome", "deliverystate", "channel", "priority"):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
