"""What the delivery lists and counts answer."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from notify.messages.models import DeliveryState
from notify.messages.schemas import DeliveryOut
from pingan_shared.contracts.messages import Channel, Priority


class DeliveryRow(DeliveryOut):
    """A delivery (投递) in a list, with what identifies its message."""

    message_id: uuid.UUID
    template: str
    priority: Priority
    source: str | None = Field(description="The service or system that sent the message")


class StateChannelCount(BaseModel):
    """How many deliveries are in one state on one channel."""

    state: DeliveryState
    channel: Channel
    count: int


class DeliveryCounts(BaseModel):
    """Deliveries recorded in a period, counted per state and channel (投递统计)."""

    period_from: datetime
    period_to: datetime
    source: str | None
    total: int
    counts: list[StateChannelCount]
