"""What the messages API answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from notify.messages.models import AttemptOutcome, DeliveryState
from pingan_shared.contracts.messages import Channel, Priority


class AttemptOut(BaseModel):
    """One call to a provider, a receipt or a re-drive (投递记录), as the delivery's history
    shows it."""

    at: datetime
    outcome: AttemptOutcome
    http_status: int | None
    provider_code: str | None
    detail: str | None
    failure: str | None = Field(
        description="What the failure meant: transient, quota, permanent or ambiguous",
        examples=["permanent"],
    )
    note: str | None = Field(examples=["redriven by ops-admin", "delivery receipt"])


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
    failure: str | None = Field(
        description="Why it stopped: transient, quota, permanent or ambiguous (失败类别)",
        examples=["permanent"],
    )
    deferred_reason: str | None = Field(
        description="Why it waits until `not_before` (quiet hours, a rate limit, a quota …)",
        examples=["quiet_hours"],
    )
    not_before: datetime | None = Field(description="Not sent before this time")
    quiet_bypass: bool = Field(description="Sent during the recipient's quiet hours (免打扰时段)")
    opt_out_override: bool = Field(
        description="Sent although the recipient opted out of routine messages (退订)"
    )
    fallback_from: uuid.UUID | None = Field(
        description="The delivery on another channel this one replaces (备用渠道)"
    )
    digest_id: uuid.UUID | None = Field(description="The digest (合并消息) this was merged into")
    sent_at: datetime | None
    delivered_at: datetime | None = Field(description="When a provider's receipt confirmed it")
    created_at: datetime
    updated_at: datetime
    history: list[AttemptOut] | None = Field(
        default=None, description="Attempts, oldest first; null where an answer leaves them out"
    )


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
