"""Critical messages wait only so long for a delivery receipt (回执): an SMS still without one
after `receipt_wait_minutes` is tried on the recipient's next channel."""

from __future__ import annotations

import uuid
from datetime import timedelta

from notify.messages import recipients
from notify.messages.delivery import RECEIPT_CHANNELS, Dispatcher
from notify.messages.fallback import fall_back

UNCONFIRMED = """
SELECT d.id, d.recipient_index FROM deliveries AS d
WHERE d.message_id = $1 AND d.state = 'sent' AND d.channel::text = ANY($2::text[])
  AND d.sent_at <= statement_timestamp() - $3::interval
"""


async def overdue_receipts(dispatcher: Dispatcher, message_id: uuid.UUID) -> int:
    """Queue the next channel for each of the message's SMS without a receipt in time; how many."""
    wait = timedelta(minutes=dispatcher.settings.receipt_wait_minutes)
    queued = 0
    async with dispatcher.database.transaction() as conn:
        message = await conn.fetchrow(
            "SELECT id, recipients, channels FROM messages WHERE id = $1", message_id
        )
        if message is None:
            return 0
        found = dict(message)
        found["recipients"] = recipients.decode(found["recipients"]) or []
        channels = [c.value for c in RECEIPT_CHANNELS]
        for row in await conn.fetch(UNCONFIRMED, message_id, channels, wait):
            if await fall_back(conn, dispatcher.router, found, row["recipient_index"], row["id"]):
                queued += 1
    return queued
