"""Reads of messages and their deliveries for the API (the engine's statements are in
`messages.engine`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.messages.models import Delivery, Message
from pingan_shared.pagination import time_and_id


async def get_message(session: AsyncSession, message_id: uuid.UUID) -> Message | None:
    """A message by id."""
    return await session.get(Message, message_id)


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
