"""How a message is shown: phones in its parameters masked, deliveries without their targets."""

from __future__ import annotations

from datetime import datetime

from notify.messages.models import Delivery, Message
from notify.messages.schemas import DeliveryOut, MessageOut
from pingan_shared.observability import mask_phones


def present_message(message: Message, deliveries: list[Delivery]) -> MessageOut:
    """The message as the API answers it."""
    assert isinstance(message.created_at, datetime)
    return MessageOut(
        id=message.id,
        message_key=message.message_key,
        template=message.template,
        params={k: mask_phones(v) if isinstance(v, str) else v for k, v in message.params.items()},
        priority=message.priority,
        source=message.source,
        dedupe_key=message.dedupe_key,
        send_at=message.send_at,
        created_at=message.created_at,
        deliveries=[_present_delivery(d) for d in deliveries],
    )


def _present_delivery(delivery: Delivery) -> DeliveryOut:
    assert isinstance(delivery.created_at, datetime)
    assert isinstance(delivery.updated_at, datetime)
    # `target` (the raw phone or robot key) is deliberately not copied.
    return DeliveryOut(
        id=delivery.id,
        recipient_index=delivery.recipient_index,
        recipient_name=delivery.recipient_name,
        channel=delivery.channel,
        address=delivery.address,
        state=delivery.state,
        attempts=delivery.attempts,
        provider_message_id=delivery.provider_message_id,
        last_error=delivery.last_error,
        sent_at=delivery.sent_at,
        created_at=delivery.created_at,
        updated_at=delivery.updated_at,
    )
