"""Recording a message: the one path both `send_message` jobs and `POST /v1/messages` take."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from notify.channels.routing import Router
from notify.messages.addresses import display_address
from notify.messages.models import DeliveryState
from notify.messages.recipients import preferences_of
from notify.templates import check_message
from pingan_shared.contracts.messages import Channel, Recipient, SendMessage
from pingan_shared.db import driver_connection

NO_ROUTE = "no_route: no configured channel reaches this recipient"

DELIVERY_COLUMNS = (
    "id",
    "recipient_index",
    "recipient_name",
    "channel",
    "address",
    "target",
    "state",
    "last_error",
)
RECORD = """
WITH m AS (
    INSERT INTO messages (id, message_key, template, params, priority, source, dedupe_key,
                          send_at, recipients, channels)
    VALUES ($1, $2, $3, $4::jsonb, $5::priority, $6, $7, $8, $9::jsonb, $10::varchar[])
    ON CONFLICT (message_key) DO NOTHING
    RETURNING id
), d AS (
    INSERT INTO deliveries (id, message_id, recipient_index, recipient_name, channel, address,
                            target, state, last_error)
    SELECT r.id, m.id, r.recipient_index, r.recipient_name, r.channel::channel, r.address,
           r.target, r.state::deliverystate, r.last_error
    FROM m, unnest($11::uuid[], $12::int[], $13::text[], $14::text[], $15::text[], $16::text[],
                   $17::text[], $18::text[])
         AS r(id, recipient_index, recipient_name, channel, address, target, state, last_error)
)
SELECT EXISTS (SELECT 1 FROM m) AS created, e.id, e.send_at
FROM (SELECT 1) AS one LEFT JOIN messages AS e ON e.message_key = $2
"""
"""The message and its deliveries in one round trip; when the key exists already, nothing is
written and the existing message's id and `send_at` come back instead."""

EXISTING = "SELECT id, send_at FROM messages WHERE message_key = $1"


async def record_message(
    session: AsyncSession, message: SendMessage, router: Router
) -> tuple[uuid.UUID, bool, datetime | None]:
    """Record `message` and one delivery per recipient, on the first channel of the recipient's
    preferred order (else the message's) that reaches it; returns its id, whether it is new, and
    when it is due.

    Raises TemplateError before writing anything when the message does not fit its template.
    A message whose key exists already is left as it is, deliveries included: re-routing it
    could add a second delivery on another channel, which would send it twice.
    """
    check_message(message.template, message.params)
    conn = await driver_connection(session)
    message_id = uuid.uuid4()
    orders = await preferred_orders(conn, message)
    rows = [
        _delivery_row(index, recipient, orders.get(index, message.channels), router)
        for index, recipient in enumerate(message.recipients)
    ]
    found = await conn.fetchrow(
        RECORD,
        message_id,
        message.message_key,
        message.template,
        json.dumps(message.params),
        message.priority.value,
        message.source,
        message.dedupe_key,
        message.send_at,
        json.dumps([r.model_dump(exclude_none=True) for r in message.recipients]),
        [c.value for c in message.channels],
        *([row[name] for row in rows] for name in DELIVERY_COLUMNS),
    )
    if found["created"]:
        return message_id, True, message.send_at
    if found["id"] is None:  # inserted by a transaction that committed after this one began
        found = await conn.fetchrow(EXISTING, message.message_key)
    existing: uuid.UUID = found["id"]
    send_at: datetime | None = found["send_at"]
    return existing, False, send_at


async def preferred_orders(
    conn: asyncpg.Connection, message: SendMessage
) -> dict[int, list[Channel]]:
    """The channel order each recipient with preferences chose, by recipient index."""
    dumped = [r.model_dump(exclude_none=True) for r in message.recipients]
    prefs = await preferences_of(conn, dumped, range(len(dumped)))
    return {i: p.channels for i, p in prefs.items() if p.channels}


def _delivery_row(
    index: int,
    recipient: Recipient,
    channels: Sequence[Channel],
    router: Router,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "recipient_index": index,
        "recipient_name": recipient.name,
    }
    route = router.route(recipient, channels)
    if route is None:
        # Recorded as failed so the sender sees who was not reached and why.
        wanted = next((c for c in channels if recipient.address_for(c)), None)
        address = recipient.address_for(wanted or Channel.log)  # whichever address it has
        return row | {
            "channel": wanted or channels[0],
            "address": display_address(recipient, address) if address else "",
            "target": None,
            "state": DeliveryState.failed,
            "last_error": NO_ROUTE,
        }
    return row | {
        "channel": route.channel,
        "address": display_address(recipient, route.address),
        "target": route.address,
        "state": DeliveryState.queued,
        "last_error": None,
    }
