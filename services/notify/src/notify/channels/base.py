"""What every channel (渠道) implements: send one delivery, say how it went.

A channel never raises for a provider's refusal: it answers a `SendResult` whose `failure` says
what the delivery engine should do next (retry, wait for the quota window, give up, or ask the
provider before sending again). Channels whose provider accepts many recipients in one call also
implement `BatchSender`; those that can be asked about an earlier send implement `StatusQuery`;
those whose provider posts delivery receipts parse them into `Receipt`s.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from notify.templates import Rendered
from pingan_shared.contracts.messages import Channel, Priority

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
    template: str = "generic_text"  # our template code; SMS channels map it to the provider's
    params: Mapping[str, str] = field(default_factory=dict)  # rendered parameter values
    priority: Priority = Priority.routine
    delivery_key: str = ""  # unique per delivery: OutId / SessionContext / client_msg_id

    @property
    def key(self) -> str:
        """The delivery key sent to providers that echo one back (defaults to the delivery id)."""
        return self.delivery_key or self.delivery_id.hex


class Failure(StrEnum):
    """What a failed send means for the next step."""

    transient = "transient"  # timeouts before sending, 5xx, system busy: retry with backoff
    quota = "quota"  # a provider's frequency or volume limit: wait until `retry_after`
    permanent = "permanent"  # bad number, unapproved template, blacklisted: never retry as is
    ambiguous = "ambiguous"  # the provider may have sent it: ask (StatusQuery) before resending


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of one call to a provider for one delivery."""

    ok: bool
    provider_id: str | None = None  # BizId, SerialNo, msgid …
    failure: Failure | None = None  # None when ok
    retry_after: float | None = None  # seconds, for `quota` failures when the provider says
    code: str | None = None  # provider's error code, or "timeout", "http_503" …
    detail: str | None = None  # never carries a key, a secret, a phone or a URL with a key
    http_status: int | None = None

    @property
    def retryable(self) -> bool:
        """True when sending again later may succeed."""
        return self.failure in (Failure.transient, Failure.quota, Failure.ambiguous)


class ChannelSender(Protocol):
    """A way to reach recipients: a WeCom group robot, an SMS provider, the log …"""

    channel: Channel

    async def send(self, outgoing: Outgoing) -> SendResult:
        """Hand one delivery to the provider; never raises for a provider's refusal."""
        ...


@runtime_checkable
class BatchSender(Protocol):
    """A channel whose provider takes several recipients of the same content in one call."""

    channel: Channel
    max_batch: int

    async def send_batch(self, outgoings: Sequence[Outgoing]) -> list[SendResult]:
        """Send deliveries that share template and parameters; one result per outgoing, in order."""
        ...


@runtime_checkable
class StatusQuery(Protocol):
    """A channel that can be asked whether an earlier, ambiguous send went out."""

    async def query(
        self, outgoing: Outgoing, sent_at: datetime, *, biz_id: str | None = None
    ) -> SendResult | None:
        """The provider's record of the send (ok with its id, or failed); None when it has none.
        `biz_id` is the provider's id of the send, when an earlier answer gave one."""
        ...


@dataclass(frozen=True, slots=True)
class Receipt:
    """A provider's delivery receipt (回执) for one number."""

    provider_id: str | None  # BizId / SerialNo
    delivery_key: str | None  # OutId when the provider echoes it
    delivered: bool
    code: str  # DELIVERED, DELIVRD, the provider's failure code …
    detail: str | None = None
    at: datetime | None = None
    phone: str | None = None  # the number, telling apart the deliveries of one batch send


def truncate_utf8(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes, visibly marked when it was cut."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    keep = limit - len(TRUNCATION_MARK.encode())
    # errors="ignore" drops a character split by the cut instead of sending half of it.
    return raw[:keep].decode(errors="ignore") + TRUNCATION_MARK


def transport_failure(exc: Exception, *, request_sent: bool) -> SendResult:
    """A send that got no answer: ambiguous once the request may have reached the provider."""
    failure = Failure.ambiguous if request_sent else Failure.transient
    code = "timeout" if "Timeout" in type(exc).__name__ else "transport"
    return SendResult(ok=False, failure=failure, code=code, detail=type(exc).__name__)


def sequence_of(results: Sequence[SendResult], n: int) -> list[SendResult]:
    """`results` checked to hold one entry per outgoing."""
    if len(results) != n:
        raise ValueError(f"expected {n} results, got {len(results)}")
    return list(results)
