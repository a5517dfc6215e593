"""The worker's jobs: `send_message` (the contract other services enqueue), `deliver_message`,
`check_receipts`, and the sweep that picks up whatever a lost job or a dead worker left behind.

A job is run at least once, maybe twice: recording is idempotent by `message_key` and deliveries
are claimed atomically with a lease, so a repeat sends nothing twice. A payload that cannot be
read is logged and fails for good. Retries are not arq's: each run settles what is due and
schedules the next run for when the rest is due (backoff, quiet hours, quota windows).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from arq.connections import ArqRedis
from pydantic import BaseModel, ValidationError

from notify.messages import engine
from notify.messages.delivery import DeliveryReport, Dispatcher
from notify.messages.receipts_wait import overdue_receipts
from notify.templates import TemplateError
from pingan_shared.contracts.messages import SendMessage
from pingan_shared.queue import queue_position

DELIVER_MESSAGE_JOB = "deliver_message"
CHECK_RECEIPTS_JOB = "check_receipts"

log = structlog.get_logger(__name__)


class RejectedJobError(Exception):
    """A job payload that can never succeed; arq records the failure and does not retry it."""


class DeliverMessage(BaseModel):
    """Payload of `deliver_message` and `check_receipts`: a recorded message."""

    message_id: uuid.UUID
    priority: str | None = None


def _reject(job: str, reason: str, errors: list[str]) -> RejectedJobError:
    # Only locations and messages: the input may hold phones and robot keys.
    log.error("job_rejected", job=job, reason=reason, errors=errors)
    return RejectedJobError(f"{job}: {reason}: {'; '.join(errors)}")


def _validation_errors(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_input=False)
    ]


def _payload(job: str, payload: dict[str, Any]) -> DeliverMessage:
    try:
        return DeliverMessage.model_validate(payload)
    except ValidationError as exc:
        raise _reject(job, "invalid payload", _validation_errors(exc)) from None


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
    if send_at is not None and send_at > datetime.now(UTC):
        await schedule(ctx["redis"], message_id, message.priority.value, send_at)
        return {"message_id": str(message_id), "scheduled_for": send_at.isoformat()}
    return await _deliver(ctx, message_id, message.priority.value)


async def deliver_message(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Settle the due deliveries of a recorded message."""
    job = _payload(DELIVER_MESSAGE_JOB, payload)
    return await _deliver(ctx, job.message_id, job.priority)


async def check_receipts(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Fall back for a critical message's deliveries that got no delivery receipt in time."""
    job = _payload(CHECK_RECEIPTS_JOB, payload)
    dispatcher: Dispatcher = ctx["dispatcher"]
    queued = await overdue_receipts(dispatcher, job.message_id)
    if not queued:
        return {"message_id": str(job.message_id), "fallbacks": 0}
    result = await _deliver(ctx, job.message_id, job.priority)
    return {**result, "fallbacks": queued}


async def _deliver(
    ctx: dict[str, Any], message_id: uuid.UUID, priority: str | None
) -> dict[str, Any]:
    dispatcher: Dispatcher = ctx["dispatcher"]
    try:
        report = await dispatcher.deliver(message_id)
    except KeyError:
        raise _reject(DELIVER_MESSAGE_JOB, "no such message", [str(message_id)]) from None
    await _follow_up(ctx["redis"], message_id, priority, report)
    return {"message_id": str(message_id), **report.counts}


async def _follow_up(
    redis: ArqRedis, message_id: uuid.UUID, priority: str | None, report: DeliveryReport
) -> None:
    if report.next_due is not None:
        await schedule(redis, message_id, priority, report.next_due)
    if report.receipts_due is not None:
        await redis.enqueue_job(
            CHECK_RECEIPTS_JOB,
            {"message_id": str(message_id), "priority": priority},
            _job_id=f"receipts:{message_id}:{int(report.receipts_due.timestamp())}",
            _defer_until=report.receipts_due,
        )


async def schedule(
    redis: ArqRedis, message_id: uuid.UUID, priority: str | None, due: datetime
) -> None:
    """Run `deliver_message` for a message when its next delivery is due (once per due time)."""
    due = max(due, datetime.now(UTC))
    await redis.enqueue_job(
        DELIVER_MESSAGE_JOB,
        {"message_id": str(message_id), "priority": priority},
        _job_id=f"deliver:{message_id}:{int(due.timestamp() * 1000)}",
        _defer_until=queue_position(priority, due),
    )


SWEEP_GRACE = timedelta(seconds=30)
SWEEP_LIMIT = 500


async def sweep(ctx: dict[str, Any]) -> int:
    """Run again the messages whose job was lost or whose worker died mid-send (cron)."""
    dispatcher: Dispatcher = ctx["dispatcher"]
    async with dispatcher.database.transaction() as conn:
        found = await engine.stranded(conn, SWEEP_GRACE, SWEEP_LIMIT)
    for message_id, priority in found:
        await schedule(ctx["redis"], message_id, priority, datetime.now(UTC))
    if found:
        log.info("sweep_rescheduled", messages=len(found))
    return len(found)
