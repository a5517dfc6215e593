"""How a message is shown: phones in its parameters masked, deliveries without their targets."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from notify.messages.models import Delivery, DeliveryAttempt, Message
from notify.messages.schemas import AttemptOut, DeliveryOut, MessageOut
from pingan_shared.observability import mask_phones


def present_message(
    message: Message,
    deliveries: list[Delivery],
    history: Mapping[uuid.UUID, Sequence[DeliveryAttempt]] | None = None,
) -> MessageOut:
    """The message as the API answers it; each delivery's attempts when `history` is given."""
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
        deliveries=[
            present_delivery(d, None if history is None else history.get(d.id, ()))
            for d in deliveries
        ],
    )


def present_delivery(
    delivery: Delivery, history: Sequence[DeliveryAttempt] | None = None
) -> DeliveryOut:
    """One delivery as the API answers it; `history` None leaves its attempts out."""
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
        failure=delivery.failure,
        deferred_reason=delivery.deferred_reason,
        not_before=delivery.not_before,
        quiet_bypass=delivery.quiet_bypass,
        opt_out_override=delivery.opt_out_override,
        fallback_from=delivery.fallback_from,
        digest_id=delivery.digest_id,
        sent_at=delivery.sent_at,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
        updated_at=delivery.updated_at,
        history=None if history is None else [_present_attempt(a) for a in history],
    )


def _present_attempt(attempt: DeliveryAttempt) -> AttemptOut:
    assert isinstance(attempt.at, datetime)
    return AttemptOut(
        at=attempt.at,
        outcome=attempt.outcome,
        http_status=attempt.http_status,
        provider_code=attempt.provider_code,
        # Provider texts can quote a number back ("invalid mobile 138…"): masked like params.
        detail=mask_phones(attempt.detail) if attempt.detail else None,
        failure=attempt.failure,
        note=attempt.note,
    )
