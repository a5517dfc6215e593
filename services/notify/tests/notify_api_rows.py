"""Messages, deliveries and attempts written straight into the test's transaction, in whatever
state a test of the lists, dead letters or receipts starts from."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.messages.models import (
    AttemptOutcome,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Message,
)
from pingan_shared.contracts.messages import Channel, Priority
from pingan_shared.observability import mask_phones

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def add_message(
    session: AsyncSession,
    *,
    source: str | None = "incidents",
    priority: Priority = Priority.routine,
    **overrides: Any,
) -> Message:
    """A recorded message (its deliveries are added separately)."""
    message = Message(
        message_key=overrides.pop("message_key", f"test:{uuid.uuid4().hex}"),
        template="generic_text",
        params={"text": "南街社区夜间巡逻改为两班"},
        priority=priority,
        source=source,
        **overrides,
    )
    session.add(message)
    await session.flush()
    return message


async def add_delivery(
    session: AsyncSession,
    message: Message,
    *,
    target: str | None = "13800001111",
    channel: Channel = Channel.aliyun_sms,
    state: DeliveryState = DeliveryState.sent,
    index: int = 0,
    **overrides: Any,
) -> Delivery:
    """A delivery of `message` to `target`, shown with the phone masked."""
    delivery = Delivery(
        message_id=message.id,
        recipient_index=index,
        recipient_name="李警官",
        channel=channel,
        address=mask_phones(target or ""),
        target=target,
        state=state,
        **overrides,
    )
    session.add(delivery)
    await session.flush()
    return delivery


async def add_attempt(
    session: AsyncSession, delivery: Delivery, outcome: AttemptOutcome, **values: Any
) -> None:
    """One recorded attempt of `delivery`."""
    session.add(DeliveryAttempt(delivery_id=delivery.id, outcome=outcome, **values))
    await session.flush()


async def reread(session: AsyncSession, delivery_id: uuid.UUID) -> Delivery:
    """A delivery as the database holds it now (after the app changed it)."""
    query = select(Delivery).where(col(Delivery.id) == delivery_id)
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one()


async def attempts(session: AsyncSession, delivery_id: uuid.UUID) -> list[DeliveryAttempt]:
    """The attempts of a delivery, oldest first."""
    result = await session.execute(
        select(DeliveryAttempt)
        .where(col(DeliveryAttempt.delivery_id) == delivery_id)
        .order_by(col(DeliveryAttempt.id))
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())
