"""What every channel (渠道) implements: send one delivery, say how it went."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from notify.templates import Rendered
from pingan_shared.contracts.messages import Channel

TRUNCATION_MARK = "…(截断)"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One delivery as a channel sends it."""

    delivery_id: uuid.UUID
    message_key: str
    recipient_index: int
    address: str  # phone, user id or robot key: what the provider needs; never logged
    display_address: str  # masked phone or key fingerprint: safe for logs and answers
    content: Rendered


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of one call to a provider."""

    ok: bool
    provider_id: str | None = None
    retryable: bool = False
    code: str | None = None  # provider's error code, or "timeout", "http_503" …
    detail: str | None = None  # never carries a key, a phone or a URL with a key
    http_status: int | None = None


class ChannelSender(Protocol):
    """A way to reach recipients: a WeCom group robot, an SMS provider, the log …"""

    channel: Channel

    async def send(self, outgoing: Outgoing) -> SendResult:
        """Hand one delivery to the provider; never raises for a provider's refusal."""
        ...


def truncate_utf8(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes, visibly marked when it was cut."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    keep = limit - len(TRUNCATION_MARK.encode())
    # errors="ignore" drops a character split by the cut instead of sending half of it.
    return raw[:keep].decode(errors="ignore") + TRUNCATION_MARK
