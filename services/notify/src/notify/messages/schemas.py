"""What the messages API answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from notify.messages.models import DeliveryState
from pingan_shared.contracts.messages import Channel, Priority


class DeliveryOut(BaseModel):
    """One recipient on one channel (投递). Phones are masked, robot keys shown as a fingerprint."""

    id: uuid.UUID
    recipient_index: int = Field(description="Position of the recipient in the request")
    recipient_name: str | None
    channel: Channel
    address: str = Field(examples=["138****5678", "robot-key:1a2b3c4d"])
    state: DeliveryState
    attempts: int
    provider_message_id: str | None
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


class MessageOut(BaseModel):
    """A message (消息) and its deliveries."""

    id: uuid.UUID
    message_key: str
    template: str
    params: dict[str, Any]
    priority: Priority
    source: str | None
    dedupe_key: str | None
    send_at: datetime | None
    created_at: datetime
    deliveries: list[DeliveryOut]
