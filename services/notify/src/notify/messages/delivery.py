"""Sending a recorded message's deliveries: claim each, call its channel, record the outcome.

Each claim is committed before the provider is called, so a crash leaves the delivery in
`sending` (to be looked at) rather than sending it a second time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from notify.channels import Outgoing, Router, Senders, SendResult
from notify.channels.base import Failure
from notify.config import NotifySettings
from notify.messages import repository
from notify.messages.models import AttemptOutcome, DeliveryState
from notify.messages.service import record_message
from notify.templates import Rendered, TemplateError, get_template
from pingan_shared.contracts.messages import Channel, SendMessage
from pingan_shared.db import Database

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class DeliveryReport:
    """How many deliveries of one run ended in each state."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, state: DeliveryState) -> None:
        """Count one delivery that ended in `state`."""
        self.counts[state.value] = self.counts.get(state.value, 0) + 1

    @property
    def retrying(self) -> int:
        """Deliveries put back in the queue after a retryable failure."""
        return self.counts.get(DeliveryState.queued.value, 0)


@dataclass(slots=True)
class Dispatcher:
    """Records messages and delivers them through the configured channels."""

    database: Database
    senders: Senders
    settings: NotifySettings
    router: Router = field(init=False)

    def __post_init__(self) -> None:
        self.router = Router.from_settings(self.settings)

    async def accept(self, message: SendMessage) -> tuple[uuid.UUID, datetime | None]:
        """Record `message` (idempotent by its key); returns its id and its `send_at`."""
        async with self.database.session() as session:
            message_id, created = await record_message(session, message, self.router)
            stored = await repository.get_message(session, message_id)
            assert stored is not None
        log.info("message_accepted", message_key=message.message_key, new=created)
        return message_id, stored.send_at

    async def send_at(self, message_id: uuid.UUID) -> datetime | None:
        """When a recorded message is due (None: now); KeyError when there is no such message."""
        async with self.database.session() as session:
            message = await repository.get_message(session, message_id)
        if message is None:
            raise KeyError(message_id)
        return message.send_at

    async def deliver(self, message_id: uuid.UUID) -> DeliveryReport:
        """Send every queued delivery of a message once."""
        report = DeliveryReport()
        async with self.database.session() as session:
            message = await repository.get_message(session, message_id)
            if message is None:
                raise KeyError(message_id)
            queued = await repository.queued_delivery_ids(session, message_id)
        try:
            content: Rendered | TemplateError = get_template(message.template).render(
                message.params
            )
        except TemplateError as exc:  # the template left the registry after it was recorded
            content = exc
        for delivery_id in queued:
            state = await self._deliver_one(delivery_id, message.message_key, content)
            if state is not None:
                report.add(state)
        return report

    async def _deliver_one(
        self, delivery_id: uuid.UUID, message_key: str, content: Rendered | TemplateError
    ) -> DeliveryState | None:
        async with self.database.session() as session:
            claimed = await repository.claim_delivery(session, delivery_id)
        if claimed is None:
            return None  # another run has it, or it is done
        if isinstance(content, TemplateError):
            result = SendResult(
                ok=False, failure=Failure.permanent, code="template", detail=str(content)
            )
        else:
            outgoing = Outgoing(
                delivery_id=delivery_id,
                message_key=message_key,
                recipient_index=claimed.recipient_index,
                address=claimed.target or "",
                display_address=claimed.address,
                content=content,
            )
            result = await self._send(claimed.channel, outgoing)
        state, outcome = self._outcome(result, claimed.attempts)
        async with self.database.session() as session:
            await repository.finish_attempt(
                session,
                delivery_id,
                state=state,
                outcome=outcome,
                http_status=result.http_status,
                code=result.code,
                detail=result.detail,
                provider_message_id=result.provider_id,
            )
        log.info(
            "delivery_attempted",
            delivery_id=str(delivery_id),
            message_key=message_key,
            channel=claimed.channel,
            address=claimed.address,
            attempt=claimed.attempts,
            state=state.value,
            code=result.code,
        )
        return state

    async def _send(self, channel: Channel, outgoing: Outgoing) -> SendResult:
        sender = self.senders.get(channel)
        if sender is None:
            return SendResult(
                ok=False,
                failure=Failure.permanent,
                code="channel_unavailable",
                detail=f"{channel} is not configured here",
            )
        try:
            return await sender.send(outgoing)
        except Exception as exc:
            # Not retried: the provider may have received it, and a repeat would send it twice.
            log.exception("channel_error", channel=str(channel), error_type=type(exc).__name__)
            return SendResult(
                ok=False, failure=Failure.permanent, code="internal", detail=type(exc).__name__
            )

    def _outcome(self, result: SendResult, attempts: int) -> tuple[DeliveryState, AttemptOutcome]:
        if result.ok:
            return DeliveryState.sent, AttemptOutcome.sent
        if not result.retryable:
            return DeliveryState.failed, AttemptOutcome.failed
        if attempts >= self.settings.max_delivery_attempts:
            return DeliveryState.dead, AttemptOutcome.retryable
        return DeliveryState.queued, AttemptOutcome.retryable
