"""The `log` channel: records what would be sent, so development never calls a real provider."""

from __future__ import annotations

import structlog

from notify.channels.base import Outgoing, SendResult
from pingan_shared.contracts.messages import Channel
from pingan_shared.observability import mask_phones

log = structlog.get_logger(__name__)


class LogChannel:
    """Writes each delivery to the log (masked) and counts it as sent."""

    channel = Channel.log

    async def send(self, outgoing: Outgoing) -> SendResult:
        """Log the message instead of sending it."""
        log.info(
            "message_logged",
            delivery_id=str(outgoing.delivery_id),
            message_key=outgoing.message_key,
            recipient_index=outgoing.recipient_index,
            address=outgoing.display_address,
            content=mask_phones(outgoing.content.text),
        )
        return SendResult(ok=True, provider_id=f"log:{outgoing.delivery_id}")
