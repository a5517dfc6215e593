"""Recording a message: the one path both `send_message` jobs and `POST /v1/messages` take."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notify.channels.routing import Router
from notify.messages import repository
from notify.messages.addresses import display_address
from notify.messages.models import DeliveryState
from notify.messages.recipients import preferences_of
from notify.templates import check_message
from pingan_shared.contracts.messages import Channel, Recipient, SendMessage
from pingan_shared.db import driver_connection

NO_ROUTE = "no_route: no configured channel reaches this recipient"


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
    message_id = await repository.insert_message(
        session,
        {
            "id": uuid.uuid4(),
            "message_key": message.message_key,
            "template": message.template,
            "params": message.params,
            "priority": message.priority,
            "source": message.source,
            "dedupe_key": message.dedupe_key,
            "send_at": message.send_at,
            "recipients": [r.model_dump(exclude_none=True) for r in message.recipients],
            "channels": [c.value for c in message.channels],
        },
    )
    if message_id is None:
        existing = await repository.find_message(session, message.message_key)
        assert existing is not None  # the insert conflicted on this key
        return existing.id, False, existing.send_at
    orders = await preferred_orders(session, message)
    await repository.insert_deliveries(
        session,
        [
            _delivery_row(message_id, index, recipient, orders.get(index, message.channels), router)
            for index, recipient in enumerate(message.recipients)
        ],
    )
    return message_id, True, message.send_at


async def preferred_orders(session: AsyncSession, message: SendMessage) -> dict[int, list[Channel]]:
    """The channel order each recipient with preferences chose, by recipient index."""
    conn = await driver_connection(session)
    dumped = [r.model_dump(exclude_none=True) for r in message.recipients]
    prefs = await preferences_of(conn, dumped, range(len(dumped)))
    return {i: p.channels for i, p in prefs.items() if p.channels}


def _delivery_row(
    message_id: uuid.UUID,
    index: int,
    recipient: Recipient,
    channels: Sequence[Channel],
    router: Router,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "message_id": message_id,
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
