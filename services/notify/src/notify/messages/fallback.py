"""Falling back to the next channel (备用渠道): when a channel refuses a delivery for good, or a
critical message gets no delivery receipt in time, the recipient's next channel is tried — in the
recipient's preferred order, else the message's, with the other SMS provider after an SMS one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg

from notify.channels.routing import Route, Router
from notify.messages.addresses import display_address
from notify.messages.recipients import decode, preferred_order
from pingan_shared.contracts.messages import Channel, Recipient

SMS_ALTERNATE = {Channel.aliyun_sms: Channel.tencent_sms, Channel.tencent_sms: Channel.aliyun_sms}


def channel_order(preferred: Sequence[Channel]) -> list[Channel]:
    """`preferred` with the other SMS provider right after each SMS one (Aliyun ↔ Tencent)."""
    order: list[Channel] = []
    for channel in preferred:
        for candidate in (channel, SMS_ALTERNATE.get(channel)):
            if candidate is not None and candidate not in order:
                order.append(candidate)
    return order


def next_route(
    router: Router, recipient: Recipient, order: Sequence[Channel], tried: Iterable[Channel]
) -> Route | None:
    """The first configured channel after those tried that has an address for `recipient`."""
    untried = [c for c in order if c not in set(tried)]
    return router.route(recipient, untried) if untried else None


INSERT_FALLBACK = """
INSERT INTO deliveries (id, message_id, recipient_index, recipient_name, channel, address, target,
                        state, fallback_from)
VALUES ($1, $2, $3, $4, $5::text::channel, $6, $7, 'queued', $8)
ON CONFLICT (message_id, recipient_index, channel) DO NOTHING
RETURNING id
"""

TRIED = """
SELECT channel::text FROM deliveries WHERE message_id = $1 AND recipient_index = $2
"""


async def fall_back(
    conn: asyncpg.Connection,
    router: Router,
    message: dict[str, Any],
    recipient_index: int,
    failed_id: uuid.UUID,
) -> Channel | None:
    """Queue the recipient's next channel after `failed_id` (`message` has its `id`, decoded
    `recipients` and `channels`); the channel, or None when none is left (or a delivery on it
    exists)."""
    recipients = message.get("recipients") or []
    if recipient_index >= len(recipients):
        return None
    recipient = Recipient.model_validate(recipients[recipient_index])
    preferred = await preferred_order(conn, message, recipient_index)
    tried = [Channel(r[0]) for r in await conn.fetch(TRIED, message["id"], recipient_index)]
    route = next_route(router, recipient, channel_order(preferred), tried)
    if route is None:
        return None
    inserted = await conn.fetchval(
        INSERT_FALLBACK,
        uuid.uuid4(),
        message["id"],
        recipient_index,
        recipient.name,
        route.channel.value,
        display_address(recipient, route.address),
        route.address,
        failed_id,
    )
    return route.channel if inserted else None


FAILED_DELIVERIES = """
SELECT d.id, d.recipient_index, m.id AS message_id, m.recipients, m.channels
FROM deliveries AS d JOIN messages AS m ON m.id = d.message_id
WHERE d.id = ANY($1::uuid[])
"""


async def fall_back_all(
    conn: asyncpg.Connection, router: Router, delivery_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Queue the next channel for each delivery a provider reported undelivered (a failed
    receipt); the messages that got a new delivery, to be run again."""
    again: set[uuid.UUID] = set()
    for row in await conn.fetch(FAILED_DELIVERIES, list(delivery_ids)):
        message = {
            "id": row["message_id"],
            "recipients": decode(row["recipients"]) or [],
            "channels": row["channels"],
        }
        if await fall_back(conn, router, message, row["recipient_index"], row["id"]):
            again.add(row["message_id"])
    return again
