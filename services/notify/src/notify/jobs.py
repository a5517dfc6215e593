"""The worker's jobs: `send_message` (the contract other services enqueue) and `deliver_message`.

A job is run at least once, maybe twice: recording is idempotent by `message_key` and each
delivery is claimed atomically, so a repeat sends nothing twice. A payload that cannot be read
is logged and fails for good; a retryable provider failure re-runs the job with backoff.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from arq import Retry
from pydantic import BaseModel, ValidationError

from notify.messages.delivery import Dispatcher
from notify.templates import TemplateError
from pingan_shared.contracts.messages import SendMessage

DELIVER_MESSAGE_JOB = "deliver_message"

log = structlog.get_logger(__name__)


class RejectedJobError(Exception):
    """A job payload that can never succeed; arq records the failure and does not retry it."""


class DeliverMessage(BaseModel):
    """Payload of `deliver_message`: send the queued deliveries of a recorded message."""

    message_id: uuid.UUID


def _reject(job: str, reason: str, errors: list[str]) -> RejectedJobError:
    # Only locations and messages: the input may hold phones and robot keys.
    log.error("job_rejected", job=job, reason=reason, errors=errors)
    return RejectedJobError(f"{job}: {reason}: {'; '.join(errors)}")


def _validation_errors(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_input=False)
    ]


async def send_message(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Record a `SendMessage` (v1) and send its deliveries."""
    try:
        message = SendMessage.model_validate(payload)
    except ValidationError as exc:
        raise _reject("send_message", "invalid payload", _validation_errors(exc)) from None
    dispatcher: Dispatcher = ctx["dispatcher"]
    try:
        message_id, send_at = await dispatcher.accept(message)
    except TemplateError as exc:
        raise _reject("send_message", "does not fit its template", [str(exc)]) from None
    return await _deliver_when_due(ctx, message_id, send_at)


async def deliver_message(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Send the queued deliveries of a message recorded by `POST /v1/messages`."""
    try:
        message_id = DeliverMessage.model_validate(payload).message_id
    except ValidationError as exc:
        raise _reject("deliver_message", "invalid payload", _validation_errors(exc)) from None
    dispatcher: Dispatcher = ctx["dispatcher"]
    try:
        send_at = await dispatcher.send_at(message_id)
    except KeyError:
        raise _reject("deliver_message", "no such message", [str(message_id)]) from None
    return await _deliver_when_due(ctx, message_id, send_at)


async def _deliver_when_due(
    ctx: dict[str, Any], message_id: uuid.UUID, send_at: datetime | None
) -> dict[str, Any]:
    dispatcher: Dispatcher = ctx["dispatcher"]
    if send_at is not None and send_at > datetime.now(UTC):
        # A later job, not a Retry: waiting must not use up the tries meant for failures.
        await ctx["redis"].enqueue_job(
            DELIVER_MESSAGE_JOB,
            {"message_id": str(message_id)},
            _job_id=f"deliver:{message_id}:{int(send_at.timestamp())}",
            _defer_until=send_at,
        )
        return {"message_id": str(message_id), "scheduled_for": send_at.isoformat()}
    report = await dispatcher.deliver(message_id)
    if report.retrying:
        raise Retry(defer=dispatcher.settings.retry_delay(ctx.get("job_try", 1)))
    return {"message_id": str(message_id), **report.counts}
