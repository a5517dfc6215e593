"""Message, delivery and delivery-attempt tables."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from notify.tables import Table
from pingan_shared.contracts.messages import Channel, Priority


class DeliveryState(StrEnum):
    """Where a delivery is (待发 → 发送中 → 已发 → 已送达; 失败, 过期, 放弃)."""

    queued = "queued"
    sending = "sending"
    sent = "sent"
    delivered = "delivered"  # a provider's receipt confirmed it
    failed = "failed"  # refused for good
    expired = "expired"
    dead = "dead"  # retried until the limit (dead letter)


class AttemptOutcome(StrEnum):
    """What one call to a provider came to."""

    sent = "sent"
    retryable = "retryable"
    failed = "failed"


def _timestamp() -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )


class Message(Table, table=True):
    """A message to send (消息): one template, its parameters, one idempotency key."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_created_at_id", "created_at", "id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    message_key: str = Field(max_length=200, unique=True)
    template: str = Field(max_length=100)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    priority: Priority
    source: str | None = Field(default=None, max_length=100)
    dedupe_key: str | None = Field(default=None, max_length=200)
    send_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # Every address of every recipient, for falling back to another channel; never returned.
    recipients: list[dict[str, Any]] | None = Field(default=None, sa_type=JSONB)
    channels: list[str] | None = Field(default=None, sa_type=ARRAY(String(20)))
    created_at: datetime | None = _timestamp()


class Delivery(Table, table=True):
    """One recipient on one channel (投递). `target` is what the provider needs and never leaves
    the service; `address` is what answers and logs show (masked phone, robot-key fingerprint)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "recipient_index", "channel"),
        Index("ix_deliveries_state_updated_at", "state", "updated_at"),
        Index(
            "ix_deliveries_due",
            "not_before",
            postgresql_where=text("state IN ('queued', 'sending')"),
        ),
        Index(
            "ix_deliveries_provider_message_id",
            "channel",
            "provider_message_id",
            postgresql_where=text("provider_message_id IS NOT NULL"),
        ),
        Index("ix_deliveries_target", "target"),
        Index("ix_deliveries_created_at_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    message_id: uuid.UUID = Field(foreign_key="messages.id")
    recipient_index: int
    recipient_name: str | None = Field(default=None, max_length=100)
    channel: Channel
    address: str = Field(max_length=200)
    target: str | None = Field(default=None, max_length=200)
    state: DeliveryState = DeliveryState.queued
    provider_message_id: str | None = Field(default=None, max_length=200)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    last_error: str | None = Field(default=None, sa_type=Text)
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    delivered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    not_before: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    lease_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    failure: str | None = Field(default=None, max_length=20)
    deferred_reason: str | None = Field(default=None, max_length=40)
    quiet_bypass: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    opt_out_override: bool = Field(
        default=False, sa_column_kwargs={"server_default": text("false")}
    )
    check_status: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    fallback_from: uuid.UUID | None = Field(default=None, foreign_key="deliveries.id")
    digest_id: uuid.UUID | None = None
    created_at: datetime | None = _timestamp()
    updated_at: datetime | None = _timestamp()


class DeliveryAttempt(Table, table=True):
    """One call to a provider (投递记录); append-only."""

    __tablename__ = "delivery_attempts"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    delivery_id: uuid.UUID = Field(foreign_key="deliveries.id", index=True)
    at: datetime | None = _timestamp()
    outcome: AttemptOutcome
    http_status: int | None = None
    provider_code: str | None = Field(default=None, max_length=40)
    detail: str | None = Field(default=None, sa_type=Text)
    failure: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=200)


class RecipientPreference(Table, table=True):
    """A recipient's channel order, quiet hours and opt-out (接收偏好), by one of its addresses
    (phone, WeCom user id or openid)."""

    __tablename__ = "recipient_preferences"

    address: str = Field(primary_key=True, max_length=200)
    channels: list[str] | None = Field(default=None, sa_type=ARRAY(String(20)))
    quiet_start: time | None = None
    quiet_end: time | None = None
    quiet_hours: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    opt_out_routine: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    version: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    updated_at: datetime | None = _timestamp()
