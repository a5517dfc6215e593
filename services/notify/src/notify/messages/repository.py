"""Queries on messages, deliveries and delivery attempts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.messages.models import (
    AttemptOutcome,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Message,
)
from pingan_shared.contracts.messages import Channel
from pingan_shared.pagination import time_and_id


async def insert_message(session: AsyncSession, values: dict[str, Any]) -> uuid.UUID | None:
    """Insert a message; None when one with its `message_key` exists already."""
    result = await session.execute(
        insert(Message)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["message_key"])
        .returning(col(Message.id))
    )
    return result.scalar_one_or_none()


async def insert_deliveries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert deliveries; one that exists already (message, recipient, channel) is kept as it is."""
    if rows:
        await session.execute(insert(Delivery).values(list(rows)).on_conflict_do_nothing())


async def get_message(session: AsyncSession, message_id: uuid.UUID) -> Message | None:
    """A message by id."""
    return await session.get(Message, message_id)


async def find_message(session: AsyncSession, message_key: str) -> Message | None:
    """A message by its key."""
    result = await session.execute(select(Message).where(col(Message.message_key) == message_key))
    return result.scalar_one_or_none()


async def list_messages(
    session: AsyncSession, *, message_key: str | None, after: Sequence[Any] | None, limit: int
) -> list[Message]:
    """Messages, newest first, after the keyset `(created_at, id)` of the previous page."""
    query = select(Message).order_by(col(Message.created_at).desc(), col(Message.id).desc())
    if message_key is not None:
        query = query.where(col(Message.message_key) == message_key)
    if after is not None:
        created_at, last_id = time_and_id(after)
        query = query.where(
            tuple_(col(Message.created_at), col(Message.id)) < tuple_(created_at, last_id)
        )
    result = await session.execute(query.limit(limit))
    return list(result.scalars())


async def deliveries_of(
    session: AsyncSession, message_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Delivery]]:
    """The deliveries of each message, in recipient order."""
    result = await session.execute(
        select(Delivery)
        .where(col(Delivery.message_id).in_(message_ids))
        .order_by(col(Delivery.recipient_index), col(Delivery.channel))
    )
    grouped: dict[uuid.UUID, list[Delivery]] = {m: [] for m in message_ids}
    for delivery in result.scalars():
        grouped[delivery.message_id].append(delivery)
    return grouped


async def queued_delivery_ids(session: AsyncSession, message_id: uuid.UUID) -> list[uuid.UUID]:
    """The deliveries of a message waiting to be sent."""
    result = await session.execute(
        select(col(Delivery.id))
        .where(col(Delivery.message_id) == message_id, col(Delivery.state) == DeliveryState.queued)
        .order_by(col(Delivery.recipient_index))
    )
    return list(result.scalars())


@dataclass(frozen=True, slots=True)
class Claim:
    """A delivery this run moved to `sending` and must now send."""

    channel: Channel
    target: str | None
    address: str
    recipient_index: int
    attempts: int


async def claim_delivery(session: AsyncSession, delivery_id: uuid.UUID) -> Claim | None:
    """Move a queued delivery to `sending`; None when another run has it or it is done.

    The state test and the change are one statement, so two runs can never both claim it.
    """
    result = await session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.state) == DeliveryState.queued)
        .values(
            state=DeliveryState.sending,
            attempts=col(Delivery.attempts) + 1,
            updated_at=func.now(),
        )
        .returning(
            col(Delivery.channel),
            col(Delivery.target),
            col(Delivery.address),
            col(Delivery.recipient_index),
            col(Delivery.attempts),
        )
    )
    row = result.first()
    return None if row is None else Claim(*row)


async def finish_attempt(
    session: AsyncSession,
    delivery_id: uuid.UUID,
    *,
    state: DeliveryState,
    outcome: AttemptOutcome,
    http_status: int | None,
    code: str | None,
    detail: str | None,
    provider_message_id: str | None = None,
) -> None:
    """Record one attempt and move the delivery (still `sending`) to `state`."""
    values: dict[str, Any] = {"state": state, "updated_at": func.now()}
    if state == DeliveryState.sent:
        values.update(sent_at=func.now(), provider_message_id=provider_message_id, last_error=None)
    else:
        values["last_error"] = ": ".join(part for part in (code, detail) if part) or None
    await session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.state) == DeliveryState.sending)
        .values(**values)
    )
    session.add(
        DeliveryAttempt(
            delivery_id=delivery_id,
            outcome=outcome,
            http_status=http_status,
            provider_code=code[:40] if code else None,
            detail=detail,
        )
    )
    await session.flush()
